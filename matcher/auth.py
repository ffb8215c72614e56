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

The service authenticates every request, so :class:`TokenStore` can keep the
tokens it has just checked for ``cache_seconds`` (the API passes
``MATCHER_TOKEN_CACHE_SECONDS``, 5 by default; the CLI and library keep none).
The cache is per process, keyed by the SHA-256 of the whole token (never the
token itself), holds only tokens that authenticated (an unknown or wrong token
is read from the database every time, so guessing fills nothing), and is
bounded. A revocation made elsewhere (the CLI, another worker) is honoured by
every process within ``cache_seconds``; one made through this store clears its
own cache at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
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
    """Tokens in the matcher's database (the same one as the catalog store).

    ``cache_seconds`` > 0: a token that authenticated is trusted for that long without reading the database
    again (see the module doc); at most ``cache_size`` tokens are kept, the oldest checked dropped first.
    """

    def __init__(self, store: CatalogStore, *, cache_seconds: float = 0.0, cache_size: int = 1024,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if cache_seconds < 0:
            raise ValidationError("the token cache time cannot be negative", field="cache_seconds")
        self.store = store
        self.cache_seconds = cache_seconds
        self.cache_size = max(1, cache_size)
        self._clock = clock
        self._cache: OrderedDict[str, tuple[float, TokenInfo]] = OrderedDict()  # sha256(token) -> (until, info)
        self._cache_lock = threading.Lock()

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
            info = _info(row)
        self.forget(token_id)
        return info

    def authenticate(self, token: str) -> TokenInfo | None:
        """The active token this string is, or None (malformed, unknown, wrong secret or revoked).

        With a cache, a token that authenticated less than ``cache_seconds`` ago is answered from memory.
        """
        match = _TOKEN_RE.match(token or "")
        if match is None:
            return None
        key = ""
        if self.cache_seconds > 0:
            key = hashlib.sha256(token.encode("ascii")).hexdigest()
            now = self._clock()
            with self._cache_lock:
                hit = self._cache.get(key)
                if hit is not None:
                    if hit[0] > now:
                        return hit[1]
                    del self._cache[key]
        token_id, secret = match.groups()
        with self.store.session() as session:
            row = session.get(TokenRow, token_id)
            if row is None or row.revoked_at is not None:
                return None
            if not hmac.compare_digest(row.secret_hash, _hash(secret)):
                return None
            info = _info(row)
        if key:
            with self._cache_lock:
                self._cache[key] = (self._clock() + self.cache_seconds, info)
                self._cache.move_to_end(key)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return info

    def forget(self, token_id: str | None = None) -> None:
        """Drop the cached authentication of one token (by id), or of every token."""
        with self._cache_lock:
            if token_id is None:
                self._cache.clear()
            else:
                for key in [k for k, (_until, info) in self._cache.items() if info.id == token_id]:
                    del self._cache[key]


def _info(row: TokenRow) -> TokenInfo:
    return TokenInfo(id=row.id, name=row.name, role=Role(row.role), created_at=_utc(row.created_at),
                     created_by=row.created_by, revoked_at=_utc(row.revoked_at) if row.revoked_at else None)


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes even for timezone-aware columns; they were stored as UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
