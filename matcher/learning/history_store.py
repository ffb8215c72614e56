"""Outcome history in the SQL store: the same database as the catalog (SQLite by default, PostgreSQL via
``DATABASE_URL``), through SQLAlchemy 2.

Tables (declared on this module's own :class:`HistoryBase` metadata, which
:func:`matcher.migrations.target_metadata` includes; revision 0004 creates them, so a fresh database gets
them on first use and an older one after ``matcher db upgrade``, like every other table):

- ``history_participants``: ``id``; ``profile`` (the SeekerProfile as canonical JSON text, personal
  answers included: this is where the issue says they are stored); ``demographics`` (reporting-only
  JSON); ``updated_at``.
- ``history_enrollments``: ``id``; ``participant_id`` (FK, cascade delete); ``program_id``;
  ``training_type``; ``referred_on``, ``entry_date``, ``exit_date``; ``considered`` (JSON list);
  ``recommended_rank``; ``override_reason``; ``recorded_at``.
- ``history_outcomes``: ``enrollment_id`` (PK, FK, cascade delete) and the outcome fields.
- ``history_imports``: an audit line per import (file, counts, time): no personal data.

The calls the API makes (issue 9) are :meth:`HistoryStore.record_referral`, :meth:`record_enrollment`,
:meth:`record_outcome`, :meth:`participant_history` and :meth:`erase_participant` (which also erases the
kiosk contact requests linked to the person, and the saved lists they point at); the writing ones take an
``in_transaction`` callback, so the API's audit entry commits with the change it records; :meth:`history`
reads everything back as a :class:`~.history.History` for ``matcher train --db``. Nothing here logs:
personal answers are never written anywhere but these rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, delete, func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from ..errors import DataError, MatcherError, NotFoundError, ValidationError
from ..records import SeekerProfile
from ..store import CatalogStore
from .history import Enrollment, History, Outcome, Participant, ReportingDemographics

#: Called inside a write's transaction, just before it commits (the API adds its audit entry there).
InTransaction = Callable[[Session], None]


class HistoryBase(DeclarativeBase):
    """The history tables' own metadata (the catalog's schema is Alembic's; see the module docstring)."""


class ParticipantRow(HistoryBase):
    __tablename__ = "history_participants"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    profile: Mapped[str] = mapped_column(Text)
    demographics: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class EnrollmentRow(HistoryBase):
    __tablename__ = "history_enrollments"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    participant_id: Mapped[str] = mapped_column(String(80), ForeignKey("history_participants.id",
                                                                       ondelete="CASCADE"), index=True)
    program_id: Mapped[str] = mapped_column(String(80), index=True)
    training_type: Mapped[str | None] = mapped_column(String(2))
    referred_on: Mapped[dt.date | None] = mapped_column(Date)
    entry_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    exit_date: Mapped[dt.date | None] = mapped_column(Date)
    considered: Mapped[str] = mapped_column(Text, default="[]")
    recommended_rank: Mapped[int | None] = mapped_column(Integer)
    override_reason: Mapped[str | None] = mapped_column(String(40))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class OutcomeRow(HistoryBase):
    __tablename__ = "history_outcomes"

    enrollment_id: Mapped[str] = mapped_column(String(80), ForeignKey("history_enrollments.id", ondelete="CASCADE"),
                                               primary_key=True)
    data: Mapped[str] = mapped_column(Text)  # the Outcome record as canonical JSON
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class HistoryImportRow(HistoryBase):
    __tablename__ = "history_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(500))
    participants: Mapped[int] = mapped_column(Integer)
    enrollments: Mapped[int] = mapped_column(Integer)
    outcomes: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _json(model: Any) -> str:
    return json.dumps(model.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False, sort_keys=True)


class HistoryStore(CatalogStore):
    """The history tables of the store (same URL rules and ``schema`` option as :class:`CatalogStore`)."""

    def __enter__(self) -> HistoryStore:
        return self

    # ------------------------------------------------------------------ bulk

    def import_history(self, history: History, *, source: str = "") -> dict[str, int]:
        """Upsert every participant, enrollment and outcome in one transaction (all or nothing)."""
        now = _now()
        try:
            with self._session() as s, s.begin():
                for chunk in _chunks(history.participants, 1000):
                    ids = [p.id for p in chunk]
                    s.execute(delete(ParticipantRow).where(ParticipantRow.id.in_(ids)))
                    s.add_all([ParticipantRow(id=p.id, profile=_json(p.profile), demographics=_json(p.demographics),
                                              updated_at=now) for p in chunk])
                    s.flush()
                for echunk in _chunks(history.enrollments, 1000):
                    eids = [e.id for e in echunk]
                    s.execute(delete(EnrollmentRow).where(EnrollmentRow.id.in_(eids)))
                    s.add_all([_enrollment_row(e, now) for e in echunk])
                    s.flush()
                for ochunk in _chunks(history.outcomes, 1000):
                    oids = [o.enrollment_id for o in ochunk]
                    s.execute(delete(OutcomeRow).where(OutcomeRow.enrollment_id.in_(oids)))
                    s.add_all([OutcomeRow(enrollment_id=o.enrollment_id, data=_json(o), recorded_at=now)
                               for o in ochunk])
                    s.flush()
                counts = {"participants": len(history.participants), "enrollments": len(history.enrollments),
                          "outcomes": len(history.outcomes)}
                s.add(HistoryImportRow(source=source[:500], imported_at=now, **counts))
        except MatcherError:
            raise
        except SQLAlchemyError as exc:
            raise DataError(f"history import failed, nothing was changed: {_short(exc)}", field="db") from None
        return counts

    def history(self) -> History:
        """Everything stored, as a History (what ``matcher train --db`` learns from)."""
        with self._session() as s:
            people = [Participant(id=r.id, profile=SeekerProfile.model_validate(json.loads(r.profile)),
                                  demographics=ReportingDemographics.model_validate(json.loads(r.demographics)))
                      for r in s.scalars(select(ParticipantRow).order_by(ParticipantRow.id))]
            enrollments = [_enrollment(r) for r in s.scalars(select(EnrollmentRow).order_by(EnrollmentRow.id))]
            outcomes = [Outcome.model_validate(json.loads(r.data))
                        for r in s.scalars(select(OutcomeRow).order_by(OutcomeRow.enrollment_id))]
        return History(tuple(people), tuple(enrollments), tuple(outcomes), source=f"store {self.display_url}")

    def counts(self) -> dict[str, int]:
        with self._session() as s:
            return {"participants": s.scalar(select(func.count()).select_from(ParticipantRow)) or 0,
                    "enrollments": s.scalar(select(func.count()).select_from(EnrollmentRow)) or 0,
                    "outcomes": s.scalar(select(func.count()).select_from(OutcomeRow)) or 0}

    # ------------------------------------------------------------------ the API's calls

    def record_referral(self, participant_id: str, profile: SeekerProfile | Mapping[str, Any], program_id: str, *,
                        enrollment_id: str, considered_program_ids: Iterable[str] = (),
                        recommended_rank: int | None = None, override_reason: str | None = None,
                        referred_on: dt.date | None = None, training_type: str | None = None,
                        demographics: ReportingDemographics | Mapping[str, Any] | None = None,
                        in_transaction: InTransaction | None = None) -> Enrollment:
        """Record that a coach referred a participant to a program (creating or updating the participant's
        profile as given now). Validated like an import; raises ValidationError naming the field."""
        participant = _participant(participant_id, profile, demographics)
        enrollment = _validated(Enrollment, {
            "id": enrollment_id, "participant_id": participant_id, "program_id": program_id,
            "training_type": training_type, "referred_on": referred_on or dt.date.today(),
            "considered_program_ids": list(considered_program_ids), "recommended_rank": recommended_rank,
            "override_reason": override_reason})
        now = _now()
        with self._write() as s:
            row = s.get(ParticipantRow, participant.id)
            if row is None:
                s.add(ParticipantRow(id=participant.id, profile=_json(participant.profile),
                                     demographics=_json(participant.demographics), updated_at=now))
            else:
                row.profile = _json(participant.profile)
                if demographics is not None:
                    row.demographics = _json(participant.demographics)
                row.updated_at = now
            s.flush()
            if s.get(EnrollmentRow, enrollment.id) is not None:
                raise ValidationError(f"enrollment {enrollment.id!r} is already recorded", field="enrollment_id")
            s.add(_enrollment_row(enrollment, now))
            s.flush()
            if in_transaction is not None:
                in_transaction(s)
        return enrollment

    def record_enrollment(self, enrollment_id: str, *, entry_date: dt.date | None = None,
                          exit_date: dt.date | None = None, in_transaction: InTransaction | None = None
                          ) -> Enrollment:
        """Record the start (and later the exit) of a referred enrollment."""
        with self._write() as s:
            row = s.get(EnrollmentRow, enrollment_id)
            if row is None:
                raise NotFoundError(f"no enrollment {enrollment_id!r}", field="enrollment_id")
            updated = _validated(Enrollment, {**_enrollment(row).model_dump(),
                                              **({"entry_date": entry_date} if entry_date else {}),
                                              **({"exit_date": exit_date} if exit_date else {})})
            row.entry_date, row.exit_date = updated.entry_date, updated.exit_date
            if in_transaction is not None:
                in_transaction(s)
        return updated

    def record_outcome(self, enrollment_id: str, *, entry_date: dt.date | None = None,
                       exit_date: dt.date | None = None, in_transaction: InTransaction | None = None,
                       **fields: Any) -> Outcome:
        """Record (or correct) the outcome of an enrollment: completed, employed_q2, hourly_wage...
        ``entry_date`` / ``exit_date``, when given, are recorded on the enrollment in the same transaction
        (checked as :meth:`record_enrollment` checks them)."""
        outcome = _validated(Outcome, {"enrollment_id": enrollment_id, **fields})
        with self._write() as s:
            enrollment = s.get(EnrollmentRow, enrollment_id)
            if enrollment is None:
                raise NotFoundError(f"no enrollment {enrollment_id!r}", field="enrollment_id")
            if entry_date is not None or exit_date is not None:
                updated = _validated(Enrollment, {**_enrollment(enrollment).model_dump(),
                                                  **({"entry_date": entry_date} if entry_date else {}),
                                                  **({"exit_date": exit_date} if exit_date else {})})
                enrollment.entry_date, enrollment.exit_date = updated.entry_date, updated.exit_date
            row = s.get(OutcomeRow, enrollment_id)
            if row is None:
                s.add(OutcomeRow(enrollment_id=enrollment_id, data=_json(outcome), recorded_at=_now()))
            else:
                row.data, row.recorded_at = _json(outcome), _now()
            if in_transaction is not None:
                in_transaction(s)
        return outcome

    def enrollment(self, enrollment_id: str) -> Enrollment:
        """One recorded referral or enrollment (NotFoundError if there is none)."""
        with self._session() as s:
            row = s.get(EnrollmentRow, enrollment_id)
            if row is None:
                raise NotFoundError(f"no enrollment {enrollment_id!r}", field="enrollment_id")
            return _enrollment(row)

    def participant_history(self, participant_id: str) -> dict[str, Any]:
        """One participant's stored profile, demographics, enrollments and outcomes (for the person or coach)."""
        with self._session() as s:
            row = s.get(ParticipantRow, participant_id)
            if row is None:
                raise NotFoundError(f"no participant {participant_id!r}", field="participant_id")
            enrollments = list(s.scalars(select(EnrollmentRow).where(EnrollmentRow.participant_id == participant_id)
                                         .order_by(EnrollmentRow.id)))
            outcomes = {o.enrollment_id: json.loads(o.data) for o in s.scalars(
                select(OutcomeRow).where(OutcomeRow.enrollment_id.in_([e.id for e in enrollments])))}
            return {"participant_id": row.id, "profile": json.loads(row.profile),
                    "demographics": json.loads(row.demographics),
                    "enrollments": [{**_enrollment(e).model_dump(mode="json"), "outcome": outcomes.get(e.id)}
                                    for e in enrollments]}

    def erase_participant(self, participant_id: str, *, in_transaction: InTransaction | None = None
                          ) -> dict[str, int]:
        """Delete a participant and everything recorded about them: enrollments, outcomes, and the kiosk
        contact requests they were referred from (with the saved lists those point at). Returns the counts.
        NotFoundError when nothing at all was held about them."""
        from ..kiosk_store import ContactRequestRow, SavedListRow

        with self._write() as s:
            enrollment_ids = list(s.scalars(select(EnrollmentRow.id).where(
                EnrollmentRow.participant_id == participant_id)))
            outcomes = _count(s.execute(delete(OutcomeRow).where(OutcomeRow.enrollment_id.in_(enrollment_ids))))
            enrollments = _count(s.execute(delete(EnrollmentRow).where(
                EnrollmentRow.participant_id == participant_id)))
            people = _count(s.execute(delete(ParticipantRow).where(ParticipantRow.id == participant_id)))
            codes = [c for c in s.scalars(select(ContactRequestRow.reference_code).where(
                ContactRequestRow.participant_id == participant_id)) if c]
            requests = _count(s.execute(delete(ContactRequestRow).where(
                ContactRequestRow.participant_id == participant_id)))
            lists = _count(s.execute(delete(SavedListRow).where(SavedListRow.code.in_(codes)))) if codes else 0
            counts = {"participants": people, "enrollments": enrollments, "outcomes": outcomes,
                      "kiosk_contact_requests": requests, "kiosk_saved_lists": lists}
            if not any(counts.values()):
                raise NotFoundError(f"no participant {participant_id!r}", field="participant_id")
            if in_transaction is not None:
                in_transaction(s)
        return counts

    # ------------------------------------------------------------------ plumbing

    def _write(self) -> Any:
        store = self

        class _Tx:
            def __enter__(self) -> Session:
                self.session = store._session()
                self.tx = self.session.begin()
                return self.session

            def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
                try:
                    if kind is None:
                        try:
                            self.tx.commit()
                        except IntegrityError as err:
                            raise ValidationError(f"not recorded: {_short(err)}", field="db") from None
                        except SQLAlchemyError as err:
                            raise DataError(f"not recorded: {_short(err)}", field="db") from None
                    else:
                        self.tx.rollback()
                finally:
                    self.session.close()

        return _Tx()


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _participant(pid: str, profile: SeekerProfile | Mapping[str, Any],
                 demographics: ReportingDemographics | Mapping[str, Any] | None) -> Participant:
    return _validated(Participant, {"id": pid, "profile": profile if isinstance(profile, SeekerProfile)
                                    else dict(profile), "demographics": demographics or {}})


def _validated(model: Any, data: dict[str, Any]) -> Any:
    import pydantic

    from ..errors import from_pydantic
    from ..records import SENSITIVE_FIELDS, plain_message

    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        problems = []
        for p in from_pydantic(exc):
            parts = p.field.split(".")
            personal = parts[0] == "demographics" or (parts[0] == "profile" and len(parts) > 1
                                                       and parts[1] in SENSITIVE_FIELDS)
            problems.append(type(p)(p.field, plain_message(p.message), None, None if personal else p.value))
        raise ValidationError(f"invalid {model.__name__.lower()}: {problems[0]}", field=problems[0].field,
                              problems=problems) from None


def _enrollment_row(e: Enrollment, now: dt.datetime) -> EnrollmentRow:
    return EnrollmentRow(id=e.id, participant_id=e.participant_id, program_id=e.program_id,
                         training_type=e.training_type, referred_on=e.referred_on, entry_date=e.entry_date,
                         exit_date=e.exit_date, considered=json.dumps(list(e.considered_program_ids)),
                         recommended_rank=e.recommended_rank,
                         override_reason=e.override_reason.value if e.override_reason else None, recorded_at=now)


def _enrollment(r: EnrollmentRow) -> Enrollment:
    return Enrollment.model_validate({
        "id": r.id, "participant_id": r.participant_id, "program_id": r.program_id,
        "training_type": r.training_type, "referred_on": r.referred_on, "entry_date": r.entry_date,
        "exit_date": r.exit_date, "considered_program_ids": json.loads(r.considered or "[]"),
        "recommended_rank": r.recommended_rank, "override_reason": r.override_reason})


def _chunks(items: Sequence[Any], size: int) -> Iterable[list[Any]]:
    for lo in range(0, len(items), size):
        yield list(items[lo:lo + size])


def _short(exc: SQLAlchemyError) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.splitlines()[0][:300]
