"""API tokens and roles: who may call which part of the service.

A token is shown once, when it is created, and never stored: the database
keeps its public id, a name, a role and the SHA-256 of its secret part. Tokens
are 256-bit random values, so a plain hash is enough (there is nothing to
brute-force); a leaked database cannot be turned back into working tokens.

Token format: ``mt_<id>_<secret>``, where ``<id>`` (10 hex digits) is what
logs and the audit trail show and ``<secret>`` is 43 URL-safe characters.

Roles (see ``docs/api.md`` for the endpoints each may call):

- ``coach``: recommendations for the people they serve, referrals and outcomes.
- ``evaluator``: trains, validates, promotes and rolls back models.
- ``admin``: imports the catalog, reads the audit trail, erases a person's data,
  and may call every endpoint.

Created, listed and revoked with ``matcher tokens create|list|revoke``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from enum import Enum

from sqlalchemy import DateTime, String, select
from sqlalchemy.orm import Mapped, mapped_column

from .errors import NotFoundError, ValidationError
from .store import Base, CatalogStore

TOKEN_PREFIX = "mt"
_TOKEN_RE = re.compile(r"^mt_([0-9a-f]{10})_([A-Za-z0-9_-]{43})$")
_NAME_RE = re.compile(r"^[\w .@'()-]{1,100}$")


class Role(str, Enum):
    COACH = "coach"
    EVALUATOR = "evaluator"
    ADMIN = "admin"


class TokenRow(Base):
    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class TokenInfo:
    """What is known about a token: never its secret."""

    id: str
    name: str
    role: Role
    created_at: dt.datetime
    created_by: str
    revoked_at: dt.datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "role": self.role.value,
                "created_at": self.created_at.isoformat(), "created_by": self.created_by,
                "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None, "active": self.active}


def parse_role(text: str | Role) -> Role:
    if isinstance(text, Role):
        return text
    try:
        return Role(str(text).strip().lower())
    except ValueError:
        raise ValidationError(f"unknown role {text!r}; use one of: {', '.join(r.value for r in Role)}",
                              field="role") from None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


class TokenStore:
    """Tokens in the matcher's database (the same one as the catalog store)."""

    def __init__(self, store: CatalogStore) -> None:
        self.store = store

    def create(self, name: str, role: str | Role, *, created_by: str = "cli") -> tuple[TokenInfo, str]:
        """A new token: its info and the token itself, which is shown this once and never again."""
        clean = (name or "").strip()
        if not _NAME_RE.match(clean):
            raise ValidationError("a token name is 1-100 letters, digits, spaces or . @ ' ( ) - _",
                                  field="name")
        role = parse_role(role)
        token_id = secrets.token_hex(5)
        secret = secrets.token_urlsafe(32)
        row = TokenRow(id=token_id, name=clean, role=role.value, secret_hash=_hash(secret),
                       created_at=dt.datetime.now(dt.UTC), created_by=created_by[:100], revoked_at=None)
        with self.store.session() as session, session.begin():
            session.add(row)
        return _info(row), f"{TOKEN_PREFIX}_{token_id}_{secret}"

    def list(self, *, include_revoked: bool = False) -> list[TokenInfo]:
        query = select(TokenRow).order_by(TokenRow.created_at, TokenRow.id)
        if not include_revoked:
            query = query.where(TokenRow.revoked_at.is_(None))
        with self.store.session() as session:
            return [_info(r) for r in session.scalars(query)]

    def get(self, token_id: str) -> TokenInfo:
        with self.store.session() as session:
            row = session.get(TokenRow, token_id)
            if row is None:
                raise NotFoundError(f"no token with id {token_id!r}", field="token_id")
            return _info(row)

    def revoke(self, token_id: str) -> TokenInfo:
        """Revoke a token: it stops working at once. Revoking twice is not an error."""
        with self.store.session() as session, session.begin():
            row = session.get(TokenRow, token_id)
            if row is None:
                raise NotFoundError(f"no token with id {token_id!r}", field="token_id")
            if row.revoked_at is None:
                row.revoked_at = dt.datetime.now(dt.UTC)
            return _info(row)

    def authenticate(self, token: str) -> TokenInfo | None:
        """The active token this string is, or None (malformed, unknown, wrong secret or revoked)."""
        match = _TOKEN_RE.match(token or "")
        if match is None:
            return None
        token_id, secret = match.groups()
        with self.store.session() as session:
            row = session.get(TokenRow, token_id)
            if row is None or row.revoked_at is not None:
                return None
            if not hmac.compare_digest(row.secret_hash, _hash(secret)):
                return None
            return _info(row)


def _info(row: TokenRow) -> TokenInfo:
    return TokenInfo(id=row.id, name=row.name, role=Role(row.role), created_at=_utc(row.created_at),
                     created_by=row.created_by, revoked_at=_utc(row.revoked_at) if row.revoked_at else None)


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes even for timezone-aware columns; they were stored as UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
