"""What job seekers chose to leave at the kiosk, for coaches: contact requests and saved lists.

A contact request is a referral made by the person themselves ("ask a coach to
contact me"), stored only with their consent (:mod:`matcher.kiosk_store`).
A coach who serves the person records the request as a referral
(``POST .../refer``: the referral and outcome history, :mod:`.history`), which
closes it and links it to the participant, so erasing the participant erases it.
A saved list is what a reference code stands for; when the person chose to
save their answers with it, the list is re-created from them on the current
catalog (``recreated``), in the language asked (``language``, default ``en``).
Every read names the token in the audit trail (``kiosk.contact.read``,
``kiosk.list.read``...): these are personal data.
"""

from __future__ import annotations

import builtins
import datetime as dt
from typing import Any, Literal

from flask import current_app, g
from flask_openapi3 import APIBlueprint, Tag
from pydantic import Field

from matcher import i18n
from matcher.audit import Actor, add_entry
from matcher.auth import Role
from matcher.errors import NotFoundError, ValidationError
from matcher.kiosk_store import KioskStore, SavedList
from matcher.learning import history
from matcher.query import RecommendationFilters

from ..access import roles
from ..schemas import ApiModel, ParticipantId, ReferralIn, ReferralOut, SeekerProfile, StrictJson
from ..services import services
from . import PREFIX
from .history import record_referral

bp = APIBlueprint("kiosk_api", __name__, url_prefix=f"{PREFIX}/kiosk", abp_tags=[Tag(name="kiosk")])


class ContactRequestOut(ApiModel):
    id: str
    created_at: str
    expires_on: str
    status: str
    name: str
    phone: str | None
    email: str | None
    contact_method: str
    best_time: str | None
    language: str
    program_id: str | None
    program_ids: list[str]
    reference_code: str | None
    consent: str = Field(description="The words the person agreed to, in their language, with their version.")
    answers_saved: bool
    closed_at: str | None
    closed_by: str | None
    participant_id: str | None = Field(description="The history participant this request was referred as, if any.")


class ContactListOut(ApiModel):
    requests: list[ContactRequestOut]


class ContactOneOut(ApiModel):
    request: ContactRequestOut
    recreated: dict[str, Any] | None = Field(
        description="catalog + recommendations (RecommendationList) re-made from the shared answers, or null.")


class ContactClosedOut(ApiModel):
    request: ContactRequestOut


class DeletedOut(ApiModel):
    deleted: str


class SavedListInfo(ApiModel):
    code: str
    created_on: str
    expires_on: str
    catalog_version: int
    language: str
    program_ids: list[str]
    answers_saved: bool


class SavedProgram(ApiModel):
    rank: int
    program_id: str
    name: str | None


class SavedListOut(ApiModel):
    list: SavedListInfo
    programs: builtins.list[SavedProgram]
    recreated: dict[str, Any] | None


class ReferFromKioskIn(StrictJson, ApiModel):
    """Turn a contact request into a recorded referral. Left out, each field comes from the request: the
    profile from the answers the person chose to share, the program from the one they asked about, the
    programs considered from the list the kiosk showed them, the rank from its place in that list."""

    participant_id: ParticipantId = Field(description="The person's id in the board's case-management system.")
    profile: SeekerProfile | None = Field(default=None, description="The intake the coach took; needed when the "
                                                                    "person did not share their answers.")
    program_id: ParticipantId | None = Field(default=None, description="The program referred to (default: the "
                                                                       "one the person asked about).")
    enrollment_id: ParticipantId | None = None
    considered_program_ids: builtins.list[ParticipantId] | None = Field(default=None, max_length=50)
    recommended_rank: int | None = Field(default=None, ge=1, le=1000)
    override_reason: history.OverrideReason | None = None
    referred_on: dt.date | None = None
    training_type: history.TrainingType | None = None
    demographics: history.ReportingDemographics | None = Field(
        default=None, description="Asked by the coach, never by the kiosk; reporting-only.")


class ReferredOut(ReferralOut):
    request: ContactRequestOut


class ContactListQuery(ApiModel):
    status: Literal["open", "closed", "all"] = "open"
    limit: int = Field(default=100, ge=1, le=500)


class RequestPath(ApiModel):
    request_id: str = Field(pattern=r"^[0-9a-f]{16}$", description="The request's id (16 hex digits).")


class CodePath(ApiModel):
    code: str = Field(min_length=8, max_length=12, description="A reference code, e.g. K7M4-QXP9.")


class LanguageQuery(ApiModel):
    language: str = Field(default="en", pattern=r"^[a-z]{2}$", description="Language of the re-created list.")


def _store() -> KioskStore:
    kiosk = current_app.extensions.get("kiosk")
    if kiosk is None:
        raise ValidationError("the kiosk is turned off (MATCHER_KIOSK=false)", field="kiosk")
    store: KioskStore = kiosk.store
    return store


def _actor() -> Actor:
    return Actor(id=g.token.id, name=g.token.name)


def _recreated(saved: SavedList | Any, language: str) -> dict[str, Any] | None:
    """The list re-made from the saved answers on the catalog in force (None when no answers were saved)."""
    answers = getattr(saved, "answers", None)
    if answers is None:
        return None
    if language not in i18n.available_languages():
        raise ValidationError(f"no message catalog for language {language!r}", field="language")
    snapshot = services().runtime.snapshot()
    with i18n.language(language):
        found = snapshot.recommender.recommend(answers, RecommendationFilters(top=10))
    return {"catalog": snapshot.catalog_info(), "recommendations": found.result.to_dict()}


@bp.get("/contact-requests", responses={200: ContactListOut})
@roles(Role.COACH, Role.ADMIN)
def contact_requests(query: ContactListQuery) -> dict[str, Any]:
    """Contact requests job seekers left at the kiosk, newest first (`status`: open, closed or all)."""
    found = _store().contact_requests(status=None if query.status == "all" else query.status, limit=query.limit)
    services().audit.record(_actor(), "kiosk.contact.list", detail={"status": query.status, "count": len(found)})
    return {"requests": [r.to_dict() for r in found]}


@bp.get("/contact-requests/<request_id>", responses={200: ContactOneOut})
@roles(Role.COACH, Role.ADMIN)
def contact_request(path: RequestPath, query: LanguageQuery) -> dict[str, Any]:
    """One contact request; with the person's list re-created when they chose to share their answers."""
    found = _store().contact_request(path.request_id)
    services().audit.record(_actor(), "kiosk.contact.read", subject=found.id)
    return {"request": found.to_dict(), "recreated": _recreated(found, query.language)}


@bp.post("/contact-requests/<request_id>/close", responses={200: ContactClosedOut})
@roles(Role.COACH, Role.ADMIN)
def close_contact_request(path: RequestPath) -> dict[str, Any]:
    """Mark a contact request handled (the coach reached the person, or tried)."""
    found = _store().close_contact_request(path.request_id, by=g.token.id)
    services().audit.record(_actor(), "kiosk.contact.close", subject=found.id)
    return {"request": found.to_dict()}


@bp.post("/contact-requests/<request_id>/refer", responses={201: ReferredOut})
@roles(Role.COACH, Role.ADMIN)
def refer_contact_request(path: RequestPath, body: ReferFromKioskIn) -> tuple[dict[str, Any], int]:
    """Record a kiosk contact request as a referral (the person agreed to be served), and close it.

    The referral, the request's link to the participant (so erasing the participant erases the request)
    and the audit entries commit together.
    """
    store = _store()
    found = store.contact_request(path.request_id)
    if found.participant_id is not None:
        raise ValidationError(f"this contact request was already referred (participant {found.participant_id})",
                              field="request_id")
    profile = body.profile if body.profile is not None else found.answers
    if profile is None:
        raise ValidationError("the person did not share their answers: send the profile from your intake",
                              field="profile")
    program_id = body.program_id or found.program_id
    if program_id is None:
        raise ValidationError("the person did not ask about one program: send program_id", field="program_id")
    snapshot = services().runtime.snapshot()
    shown = [p for p in found.program_ids if _in_catalog(snapshot, p)]
    considered = body.considered_program_ids
    if considered is None:
        considered = shown if program_id in shown else [*shown, program_id]
    rank = body.recommended_rank
    if rank is None and program_id in found.program_ids:
        rank = found.program_ids.index(program_id) + 1
    referral = ReferralIn.model_validate({
        "participant_id": body.participant_id, "program_id": program_id,
        "profile": profile.model_dump(mode="json", exclude_defaults=True),
        "enrollment_id": body.enrollment_id, "considered_program_ids": considered, "recommended_rank": rank,
        "override_reason": body.override_reason.value if body.override_reason else None,
        "referred_on": body.referred_on.isoformat() if body.referred_on else None,
        "training_type": body.training_type,
        "demographics": body.demographics.model_dump(mode="json", exclude_defaults=True)
        if body.demographics is not None else None})
    who = _actor()
    referred: dict[str, Any] = {}

    def link(session: Any) -> None:
        referred["request"] = store.mark_referred(session, found.id, participant_id=body.participant_id, by=who.id)
        add_entry(session, who, "kiosk.contact.refer", subject=found.id)

    out = record_referral(referral, request_id=found.id, extra=link)
    return {**out, "request": referred["request"].to_dict()}, 201


def _in_catalog(snapshot: Any, program_id: str) -> bool:
    try:
        snapshot.catalog.get(program_id)
    except NotFoundError:
        return False
    return True


@bp.delete("/contact-requests/<request_id>", responses={200: DeletedOut})
@roles(Role.ADMIN)
def delete_contact_request(path: RequestPath) -> dict[str, Any]:
    """Erase a contact request (the person asked, or it was made by mistake)."""
    _store().delete_contact_request(path.request_id)
    services().audit.record(_actor(), "kiosk.contact.erase", subject=path.request_id)
    return {"deleted": path.request_id}


@bp.get("/lists/<code>", responses={200: SavedListOut})
@roles(Role.COACH, Role.ADMIN)
def saved_list(path: CodePath, query: LanguageQuery) -> dict[str, Any]:
    """What a reference code stands for: the programs shown, and the list re-created if answers were saved."""
    found = _store().saved_list(path.code)
    snapshot = services().runtime.snapshot()
    names: dict[str, str | None] = {}
    for pid in found.program_ids:
        try:
            names[pid] = snapshot.catalog.get(pid).name
        except Exception:  # noqa: BLE001 - a program since removed from the catalog
            names[pid] = None
    services().audit.record(_actor(), "kiosk.list.read", subject=found.code)
    return {"list": found.to_dict(),
            "programs": [{"rank": i, "program_id": pid, "name": names[pid]}
                         for i, pid in enumerate(found.program_ids, start=1)],
            "recreated": _recreated(found, query.language)}
