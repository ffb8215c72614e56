"""Referrals, outcomes, a participant's history and its erasure: the training data of the next model.

Every call goes through :class:`matcher.learning.history_store.HistoryStore` (the store's own
validation, the same as an import's), and ``matcher train --db`` learns from what is recorded here with
no hand work. Reads and erasures of a person's history are audited (``history.read``,
``participant.erase``), as are referrals and outcomes (``history.referral``, ``history.outcome``); the
entry commits in the same transaction as the change it records. The audit trail names a participant
by :func:`participant_subject` (a keyed hash of the id, :mod:`matcher.audit`), never by the id itself,
so an erased person leaves no id behind while an admin who is given it can still find who read or
erased their history (``GET /audit?participant_id=``).
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import g
from flask_openapi3 import APIBlueprint, Tag
from sqlalchemy.orm import Session

from matcher.audit import Actor, add_entry
from matcher.auth import Role
from matcher.errors import FieldProblem, NotFoundError, ValidationError
from matcher.learning.history import success
from matcher.query import MAX_TOP, RecommendationFilters
from matcher.records import SeekerProfile

from ..access import roles
from ..runtime import Snapshot
from ..schemas import (
    ErasedOut,
    HistoryOut,
    OutcomeIn,
    OutcomeOut,
    ParticipantPath,
    ReferralIn,
    ReferralOut,
)
from ..services import services
from . import PREFIX

bp = APIBlueprint("history", __name__, url_prefix=PREFIX, abp_tags=[Tag(name="history")])


def participant_subject(participant_id: str) -> str:
    """How the audit trail names a participant: a keyed hash of the id (see the module docstring).

    Call it before opening a transaction: the first call may read (or make) the database's key."""
    return services().audit.participant_subject(participant_id)


def actor() -> Actor:
    return Actor(id=g.token.id, name=g.token.name)


def check_programs(snapshot: Snapshot, program_id: str, considered: list[str]) -> None:
    """The program referred to and those considered are in the catalog in force (422 naming each one not)."""
    problems = []
    for field, pid in [("program_id", program_id)] + [(f"considered_program_ids.{i}", p)
                                                      for i, p in enumerate(considered)]:
        try:
            snapshot.catalog.get(pid)
        except NotFoundError:
            problems.append(FieldProblem(field, "not a program of the catalog in force", value=pid))
    if problems:
        raise ValidationError(f"{problems[0].field}: {problems[0].message} ({problems[0].value})",
                              field=problems[0].field, problems=problems)


def rank_of(snapshot: Snapshot, profile: SeekerProfile, program_id: str) -> int | None:
    """The program's rank in the list the service gives this profile now (no filters; None past the top 50)."""
    found = snapshot.recommender.recommend(profile, RecommendationFilters(top=MAX_TOP))
    for item in found.result.items:
        if item.program_id == program_id:
            return int(item.rank)
    return None


def record_referral(body: ReferralIn, *, request_id: str | None = None,
                    extra: Any = None) -> dict[str, Any]:
    """Check and record a referral (shared with the kiosk's refer call: ``extra(session)`` runs in the same
    transaction)."""
    snapshot = services().runtime.snapshot()
    considered = list(body.considered_program_ids)
    check_programs(snapshot, body.program_id, considered)
    rank, source = body.recommended_rank, "coach"
    if rank is None:
        rank, source = rank_of(snapshot, body.profile, body.program_id), "matcher"
    if rank != 1 and body.override_reason is None:
        where = f"rank {rank}" if rank is not None else "not in the top 50"
        raise ValidationError(f"override_reason is required: the program is not the top recommendation ({where})",
                              field="override_reason")
    enrollment_id = body.enrollment_id or f"ref-{secrets.token_hex(8)}"
    who = actor()
    subject = participant_subject(body.participant_id)  # before the transaction: it may read the key

    def audit(session: Session) -> None:
        if extra is not None:
            extra(session)
        add_entry(session, who, "history.referral", subject=subject,
                  detail={"program_id": body.program_id, "rank": rank,
                          **({"contact_request": request_id} if request_id else {})})

    enrollment = services().store.record_referral(
        body.participant_id, body.profile, body.program_id, enrollment_id=enrollment_id,
        considered_program_ids=considered, recommended_rank=rank, override_reason=body.override_reason,
        referred_on=body.referred_on, training_type=body.training_type, demographics=body.demographics,
        in_transaction=audit)
    return {"participant_id": body.participant_id, "enrollment": enrollment.model_dump(mode="json"),
            "rank_source": source, "catalog": snapshot.catalog_info(), "model_version": snapshot.model_version}


@bp.post("/referrals", responses={201: ReferralOut})
@roles(Role.COACH, Role.ADMIN)
def referral(body: ReferralIn) -> tuple[dict[str, Any], int]:
    """Record a referral: the program, those considered, and the override reason when it was not the top one.

    The profile is kept as the participant's record (it is training data). When `recommended_rank` is left
    out the service ranks the profile itself and records that rank.
    """
    return record_referral(body), 201


@bp.post("/outcomes", responses={200: OutcomeOut})
@roles(Role.COACH, Role.ADMIN)
def outcome(body: OutcomeIn) -> dict[str, Any]:
    """Record (or correct) what followed a referral: completion, credential, employment Q2/Q4, wage."""
    fields = body.model_dump(exclude={"enrollment_id", "entry_date", "exit_date"}, exclude_none=True)
    who = actor()
    store = services().store
    referred = store.enrollment(body.enrollment_id)
    subject = participant_subject(referred.participant_id)

    def audit(session: Session) -> None:
        add_entry(session, who, "history.outcome", subject=subject,
                  detail={"program_id": referred.program_id})

    recorded = store.record_outcome(body.enrollment_id, entry_date=body.entry_date, exit_date=body.exit_date,
                                    in_transaction=audit, **fields)
    label = success(recorded)
    return {"enrollment": store.enrollment(body.enrollment_id).model_dump(mode="json"),
            "outcome": recorded.model_dump(mode="json"),
            "training_label": "not_known_yet" if label is None else ("success" if label else "no_success")}


@bp.get("/participants/<participant_id>/history", responses={200: HistoryOut})
@roles(Role.COACH, Role.ADMIN)
def participant_history(path: ParticipantPath) -> dict[str, Any]:
    """Everything stored about one participant: profile, reporting demographics, referrals and outcomes."""
    found = services().store.participant_history(path.participant_id)
    services().audit.record(actor(), "history.read", subject=participant_subject(path.participant_id),
                            detail={"enrollments": len(found["enrollments"])})
    return found


@bp.delete("/participants/<participant_id>", responses={200: ErasedOut})
@roles(Role.ADMIN)
def erase_participant(path: ParticipantPath) -> dict[str, Any]:
    """Erase a participant everywhere: profile, referrals, outcomes, the kiosk requests they came from."""
    who = actor()
    subject = participant_subject(path.participant_id)

    def audit(session: Session) -> None:
        add_entry(session, who, "participant.erase", subject=subject, detail={})

    counts = services().store.erase_participant(path.participant_id, in_transaction=audit)
    return {"erased": path.participant_id, "counts": counts}
