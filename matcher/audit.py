"""The audit trail: who did what to the data a board is accountable for.

One row per action: who (the token id and name, or ``cli:<user>``), what
(``catalog.import``, ``token.create``, ``token.revoke``; the history and model
issues add ``history.read``, ``participant.erase``, ``model.promote``...), on
what (a catalog source, a token id, a participant id, a model version) and a
small JSON detail (counts, never a person's answers). Rows are only ever
added; nothing in the product updates or deletes them.

A participant is named by :func:`participant_subject`, a keyed hash of their id
(HMAC-SHA-256), never by the id: an erased person leaves no id behind, and the
trail cannot be read back by hashing every likely id ("case-0001", "case-0002"...)
without the key. The key is the operator's (``MATCHER_AUDIT_KEY``) or, failing
that, one made at random on first use and kept in the database (``audit_keys``),
so every worker and every restart names a person the same way.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from .errors import ValidationError
from .store import Base, CatalogStore

MAX_LIMIT = 1000


class AuditRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    actor_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text)


class AuditKeyRow(Base):
    """Keys the audit trail hashes with when the operator set none (one row per use)."""

    __tablename__ = "audit_keys"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


SUBJECT_KEY_NAME = "participant-subject"
MIN_KEY_LENGTH = 16


def participant_subject(participant_id: str, key: bytes) -> str:
    """How the audit trail names a participant: ``participant:`` and 32 hex digits of HMAC-SHA-256(key, id)."""
    return "participant:" + hmac.new(key, participant_id.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class Actor:
    """Who acts: a token (``id``, ``name``) or a person at the command line."""

    id: str
    name: str

    @classmethod
    def cli(cls) -> Actor:
        try:
            user = getpass.getuser()
        except Exception:  # noqa: BLE001 - no user name in some containers
            user = "unknown"
        return cls(id=f"cli:{user}"[:100], name=user[:100])


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    actor: str
    actor_name: str
    action: str
    subject: str | None
    detail: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at.isoformat(), "actor": self.actor, "actor_name": self.actor_name,
                "action": self.action, "subject": self.subject, "detail": self.detail}


def add_entry(session: Session, actor: Actor, action: str, *, subject: str | None = None,
              detail: dict[str, Any] | None = None) -> None:
    """Add an entry inside the caller's transaction, so it commits (or not) with what it records."""
    session.add(AuditRow(at=dt.datetime.now(dt.UTC), actor=actor.id[:100], actor_name=actor.name[:100],
                         action=action[:60], subject=subject[:200] if subject else None,
                         detail=json.dumps(detail or {}, sort_keys=True, default=str)))


class AuditLog:
    """The trail in ``store``'s database. ``key``: the operator's key for participant subjects (at least
    16 characters); None: the database's own, made on first use."""

    def __init__(self, store: CatalogStore, *, key: str | None = None) -> None:
        if key is not None and len(key) < MIN_KEY_LENGTH:
            raise ValidationError(f"the audit key must be at least {MIN_KEY_LENGTH} characters", field="audit_key")
        self.store = store
        self._key = key.encode("utf-8") if key is not None else None

    def subject_key(self) -> bytes:
        """The key participant subjects are hashed with (the database's is made once, safely under races)."""
        if self._key is None:
            self._key = self._stored_key()
        return self._key

    def _stored_key(self) -> bytes:
        with self.store.session() as session:
            row = session.get(AuditKeyRow, SUBJECT_KEY_NAME)
            if row is not None:
                return row.key.encode("ascii")
        try:
            with self.store.session() as session, session.begin():
                session.add(AuditKeyRow(name=SUBJECT_KEY_NAME, key=secrets.token_hex(32),
                                        created_at=dt.datetime.now(dt.UTC)))
        except IntegrityError:
            pass  # another worker made it first: use theirs
        with self.store.session() as session:
            row = session.get(AuditKeyRow, SUBJECT_KEY_NAME)
            assert row is not None
            return row.key.encode("ascii")

    def participant_subject(self, participant_id: str) -> str:
        """The subject entries about this participant carry (see :func:`participant_subject`)."""
        return participant_subject(participant_id, self.subject_key())

    def record(self, actor: Actor, action: str, *, subject: str | None = None,
               detail: dict[str, Any] | None = None) -> None:
        with self.store.session() as session, session.begin():
            add_entry(session, actor, action, subject=subject, detail=detail)

    def entries(self, *, action: str | None = None, limit: int = 100, before_id: int | None = None,
                subject: str | None = None) -> list[AuditEntry]:
        """Newest first; ``before_id`` pages back through older entries; ``subject`` keeps one subject's."""
        if not 1 <= limit <= MAX_LIMIT:
            raise ValidationError(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
        query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if action:
            query = query.where(AuditRow.action == action)
        if subject is not None:
            query = query.where(AuditRow.subject == subject)
        if before_id is not None:
            query = query.where(AuditRow.id < before_id)
        with self.store.session() as session:
            return [_entry(r) for r in session.scalars(query)]


def _entry(row: AuditRow) -> AuditEntry:
    at = row.at if row.at.tzinfo is not None else row.at.replace(tzinfo=dt.UTC)
    return AuditEntry(id=row.id, at=at, actor=row.actor, actor_name=row.actor_name, action=row.action,
                      subject=row.subject, detail=json.loads(row.detail))
