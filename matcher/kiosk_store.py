"""What the job-seeker kiosk may keep, and only when the person asks: saved lists and contact requests.

The kiosk keeps nothing about a person by default (docs/kiosk.md). Two things
are stored, each by the person's own choice on the results page:

- **A saved list** (``kiosk_saved_lists``), behind a short reference code the
  person shows a coach. Without consent to save answers it holds no personal
  data at all: the program ids shown, the catalog version, the language and
  the day (a date, not a time). With consent it also holds the answers, so a
  coach can re-create the same explained list (:meth:`KioskStore.saved_list`).
- **A contact request** (``kiosk_contact_requests``): "ask a coach to contact
  me", stored only after the person ticks the consent box. It holds the
  contact details given, the exact consent words shown, the programs it is
  about and, only with a second, separate consent, the answers. It is a
  referral the coach API reads (``/api/v1/kiosk/contact-requests``); how it
  joins the referral and outcome history is in docs/kiosk.md.

Both expire: :meth:`KioskStore.purge_expired` deletes rows past their
``expires_on`` (run on every write and read, so nothing outlives it by more
than the next use). Reads by coaches are audited by the API.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Date, DateTime, Integer, String, Text, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from .errors import NotFoundError, ValidationError
from .records import SeekerProfile, parse_profile
from .store import Base, CatalogStore

#: Reference-code letters: no 0/O, 1/I/L or 5/S, so a code read aloud or copied by hand survives.
CODE_ALPHABET = "ABCDEFGHJKMNPQRTUVWXYZ2346789"
CODE_LENGTH = 8
_CODE_RE = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
_EMAIL_RE = re.compile(r"^[^@\s<>]{1,64}@[^@\s<>]{1,190}\.[A-Za-z]{2,}$")
CONTACT_METHODS = ("phone", "text", "email")
STATUSES = ("open", "closed")
MAX_LIST = 50


class SavedListRow(Base):
    __tablename__ = "kiosk_saved_lists"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    created_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date] = mapped_column(Date, index=True)
    catalog_version: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(8))
    program_ids: Mapped[str] = mapped_column(Text)
    answers: Mapped[str | None] = mapped_column(Text)


class ContactRequestRow(Base):
    __tablename__ = "kiosk_contact_requests"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    expires_on: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(10), index=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    contact_method: Mapped[str] = mapped_column(String(10))
    best_time: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(8))
    program_id: Mapped[str | None] = mapped_column(String(80))
    program_ids: Mapped[str] = mapped_column(Text)
    reference_code: Mapped[str | None] = mapped_column(String(12))
    consent: Mapped[str] = mapped_column(Text)
    answers: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(100))
    # The history participant this request became (set when a coach records it as a referral), so erasing
    # the participant erases the request too (matcher.learning.history_store.HistoryStore.erase_participant).
    participant_id: Mapped[str | None] = mapped_column(String(80), index=True)


@dataclass(frozen=True)
class SavedList:
    code: str
    created_on: dt.date
    expires_on: dt.date
    catalog_version: int
    language: str
    program_ids: tuple[str, ...]
    answers: SeekerProfile | None = None  # only when the person chose to save them

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "created_on": self.created_on.isoformat(),
                "expires_on": self.expires_on.isoformat(), "catalog_version": self.catalog_version,
                "language": self.language, "program_ids": list(self.program_ids),
                "answers_saved": self.answers is not None}


@dataclass(frozen=True)
class ContactRequest:
    id: str
    created_at: dt.datetime
    expires_on: dt.date
    status: str
    name: str
    contact_method: str
    language: str
    consent: str
    phone: str | None = None
    email: str | None = None
    best_time: str | None = None
    program_id: str | None = None
    program_ids: tuple[str, ...] = ()
    reference_code: str | None = None
    answers: SeekerProfile | None = None
    closed_at: dt.datetime | None = None
    closed_by: str | None = None
    participant_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "created_at": self.created_at.isoformat(), "expires_on": self.expires_on.isoformat(),
                "status": self.status, "name": self.name, "phone": self.phone, "email": self.email,
                "contact_method": self.contact_method, "best_time": self.best_time, "language": self.language,
                "program_id": self.program_id, "program_ids": list(self.program_ids),
                "reference_code": self.reference_code, "consent": self.consent,
                "answers_saved": self.answers is not None,
                "closed_at": self.closed_at.isoformat() if self.closed_at else None, "closed_by": self.closed_by,
                "participant_id": self.participant_id}


@dataclass(frozen=True)
class ContactDetails:
    """What a person typed into "ask a coach to contact me", checked (:meth:`check`)."""

    name: str
    contact_method: str
    phone: str | None = None
    email: str | None = None
    best_time: str | None = None
    problems: tuple[tuple[str, str], ...] = field(default=())

    @classmethod
    def check(cls, *, name: str, contact_method: str, phone: str = "", email: str = "",
              best_time: str = "") -> ContactDetails:
        """Trim and check; ``problems`` lists (field, code) for each bad one, codes the kiosk words itself:
        ``required``, ``too_long``, ``phone``, ``email``, ``method``."""
        problems: list[tuple[str, str]] = []
        name, phone, email, best_time = (_clean(x) for x in (name, phone, email, best_time))
        if not name:
            problems.append(("name", "required"))
        elif len(name) > 100:
            problems.append(("name", "too_long"))
        method = contact_method if contact_method in CONTACT_METHODS else ""
        if not method:
            problems.append(("contact_method", "method"))
        digits = re.sub(r"\D", "", phone)
        if phone and not (10 <= len(digits) <= 15 and re.fullmatch(r"[\d\s().+-]{10,25}", phone)):
            problems.append(("phone", "phone"))
        elif method in ("phone", "text") and not phone:
            problems.append(("phone", "required"))
        if email and (len(email) > 254 or not _EMAIL_RE.match(email)):
            problems.append(("email", "email"))
        elif method == "email" and not email:
            problems.append(("email", "required"))
        if len(best_time) > 100:
            problems.append(("best_time", "too_long"))
        return cls(name=name[:100], contact_method=method or "phone", phone=phone or None, email=email or None,
                   best_time=best_time[:100] or None, problems=tuple(problems))


def _clean(text: str) -> str:
    # Control characters and surrounding space never reach the database.
    return re.sub(r"[\x00-\x1f\x7f]", "", str(text or "")).strip()


def normalize_code(text: str) -> str:
    """A reference code as typed ("k7m4-qxp9 ") in its stored form ("K7M4QXP9")."""
    return re.sub(r"[\s-]", "", str(text or "")).upper()


def show_code(code: str) -> str:
    """The code as shown to a person: two groups of four ("K7M4-QXP9")."""
    return f"{code[:4]}-{code[4:]}"


class KioskStore:
    """Saved lists and contact requests in the matcher's database (the store's engine and schema)."""

    def __init__(self, store: CatalogStore, *, keep_days: int = 30) -> None:
        if keep_days < 1:
            raise ValidationError("keep_days must be at least 1", field="kiosk_keep_days")
        self.store = store
        self.keep_days = keep_days

    # ------------------------------------------------------------------ saved lists

    def save_list(self, program_ids: Sequence[str], *, catalog_version: int, language: str,
                  answers: SeekerProfile | Mapping[str, Any] | None = None, today: dt.date | None = None) -> SavedList:
        """Store a list behind a new reference code; ``answers`` only when the person consented."""
        today = today or dt.date.today()
        profile = parse_profile(dict(answers) if isinstance(answers, Mapping) else answers) \
            if answers is not None else None
        ids = tuple(str(p)[:80] for p in program_ids)[:MAX_LIST]
        self.purge_expired(today)
        for _attempt in range(8):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            row = SavedListRow(code=code, created_on=today, expires_on=today + dt.timedelta(days=self.keep_days),
                               catalog_version=int(catalog_version), language=language[:8],
                               program_ids=json.dumps(list(ids)), answers=_profile_json(profile))
            try:
                with self.store.session() as session, session.begin():
                    session.add(row)
            except IntegrityError:  # the code is taken: draw another
                continue
            return _saved(row)
        raise ValidationError("could not find a free reference code", field="code")  # pragma: no cover

    def saved_list(self, code: str, *, today: dt.date | None = None) -> SavedList:
        wanted = normalize_code(code)
        if not _CODE_RE.match(wanted):
            raise ValidationError(f"a reference code is {CODE_LENGTH} letters and digits, like K7M4-QXP9",
                                  field="code")
        self.purge_expired(today)
        with self.store.session() as session:
            row = session.get(SavedListRow, wanted)
            if row is None:
                raise NotFoundError(f"no saved list {show_code(wanted)} (it may have expired)", field="code")
            return _saved(row)

    # ------------------------------------------------------------------ contact requests

    def add_contact_request(self, details: ContactDetails, *, consent: str, language: str,
                            program_id: str | None = None, program_ids: Sequence[str] = (),
                            reference_code: str | None = None,
                            answers: SeekerProfile | Mapping[str, Any] | None = None,
                            now: dt.datetime | None = None) -> ContactRequest:
        """Store a contact request the person consented to (``consent``: the words they agreed to)."""
        if details.problems:
            name, code = details.problems[0]
            raise ValidationError(f"contact details: {name} is not valid ({code})", field=name)
        if not consent.strip():
            raise ValidationError("a contact request needs the person's consent", field="consent")
        now = now or dt.datetime.now(dt.UTC)
        profile = parse_profile(dict(answers) if isinstance(answers, Mapping) else answers) \
            if answers is not None else None
        self.purge_expired(now.date())
        row = ContactRequestRow(
            id=secrets.token_hex(8), created_at=now, expires_on=now.date() + dt.timedelta(days=self.keep_days),
            status="open", name=details.name, phone=details.phone, email=details.email,
            contact_method=details.contact_method, best_time=details.best_time, language=language[:8],
            program_id=program_id[:80] if program_id else None,
            program_ids=json.dumps([str(p)[:80] for p in program_ids][:MAX_LIST]),
            reference_code=normalize_code(reference_code)[:12] if reference_code else None,
            consent=consent[:2000], answers=_profile_json(profile))
        with self.store.session() as session, session.begin():
            session.add(row)
        return _contact(row)

    def contact_requests(self, *, status: str | None = "open", limit: int = 100,
                         today: dt.date | None = None) -> list[ContactRequest]:
        """Newest first; ``status`` None for every status."""
        if status is not None and status not in STATUSES:
            raise ValidationError(f"status must be one of {', '.join(STATUSES)}", field="status")
        if not 1 <= limit <= 500:
            raise ValidationError("limit must be between 1 and 500", field="limit")
        self.purge_expired(today)
        query = select(ContactRequestRow).order_by(ContactRequestRow.created_at.desc(),
                                                   ContactRequestRow.id).limit(limit)
        if status is not None:
            query = query.where(ContactRequestRow.status == status)
        with self.store.session() as session:
            return [_contact(r) for r in session.scalars(query)]

    def contact_request(self, request_id: str, *, today: dt.date | None = None) -> ContactRequest:
        self.purge_expired(today)
        with self.store.session() as session:
            row = session.get(ContactRequestRow, str(request_id)[:16])
            if row is None:
                raise NotFoundError(f"no contact request {str(request_id)[:16]!r}", field="request_id")
            return _contact(row)

    def close_contact_request(self, request_id: str, *, by: str, now: dt.datetime | None = None) -> ContactRequest:
        """Mark a request as handled (the coach reached the person, or could not)."""
        with self.store.session() as session, session.begin():
            row = session.get(ContactRequestRow, str(request_id)[:16])
            if row is None:
                raise NotFoundError(f"no contact request {str(request_id)[:16]!r}", field="request_id")
            row.status = "closed"
            row.closed_at = now or dt.datetime.now(dt.UTC)
            row.closed_by = by[:100]
            return _contact(row)

    def mark_referred(self, session: Session, request_id: str, *, participant_id: str, by: str,
                      now: dt.datetime | None = None) -> ContactRequest:
        """Inside the caller's transaction: the request became a referral of ``participant_id``; it is closed
        and linked to the participant (erasing the participant erases it)."""
        row = session.get(ContactRequestRow, str(request_id)[:16])
        if row is None:
            raise NotFoundError(f"no contact request {str(request_id)[:16]!r}", field="request_id")
        if row.participant_id is not None and row.participant_id != participant_id:
            raise ValidationError("this contact request was already referred as another participant",
                                  field="participant_id")
        row.participant_id = participant_id[:80]
        row.status = "closed"
        row.closed_at = now or dt.datetime.now(dt.UTC)
        row.closed_by = by[:100]
        session.flush()
        return _contact(row)

    def delete_contact_request(self, request_id: str) -> None:
        """Erase a request (the person asked, or it was made by mistake)."""
        with self.store.session() as session, session.begin():
            found = session.execute(delete(ContactRequestRow).where(ContactRequestRow.id == str(request_id)[:16]))
            if not getattr(found, "rowcount", 0):
                raise NotFoundError(f"no contact request {str(request_id)[:16]!r}", field="request_id")

    # ------------------------------------------------------------------ retention

    def purge_expired(self, today: dt.date | None = None) -> dict[str, int]:
        """Delete saved lists and contact requests past their ``expires_on``; the counts deleted."""
        today = today or dt.date.today()
        with self.store.session() as session, session.begin():
            lists = session.execute(delete(SavedListRow).where(SavedListRow.expires_on < today))
            requests = session.execute(delete(ContactRequestRow).where(ContactRequestRow.expires_on < today))
        return {"saved_lists": int(getattr(lists, "rowcount", 0) or 0),
                "contact_requests": int(getattr(requests, "rowcount", 0) or 0)}


def _profile_json(profile: SeekerProfile | None) -> str | None:
    return None if profile is None else profile.model_dump_json(exclude_defaults=True)


def _profile(text: str | None) -> SeekerProfile | None:
    return None if text is None else parse_profile(json.loads(text))


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _saved(row: SavedListRow) -> SavedList:
    return SavedList(code=row.code, created_on=row.created_on, expires_on=row.expires_on,
                     catalog_version=row.catalog_version, language=row.language,
                     program_ids=tuple(json.loads(row.program_ids)), answers=_profile(row.answers))


def _contact(row: ContactRequestRow) -> ContactRequest:
    created = _utc(row.created_at)
    assert created is not None
    return ContactRequest(id=row.id, created_at=created, expires_on=row.expires_on, status=row.status,
                          name=row.name, contact_method=row.contact_method, language=row.language,
                          consent=row.consent, phone=row.phone, email=row.email, best_time=row.best_time,
                          program_id=row.program_id, program_ids=tuple(json.loads(row.program_ids)),
                          reference_code=row.reference_code, answers=_profile(row.answers),
                          closed_at=_utc(row.closed_at), closed_by=row.closed_by,
                          participant_id=row.participant_id)
