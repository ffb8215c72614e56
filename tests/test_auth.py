"""API tokens (stored hashed, with roles) and the audit trail, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from matcher.audit import Actor, AuditLog
from matcher.auth import Role, TokenRow, TokenStore
from matcher.errors import NotFoundError, ValidationError
from matcher.store import CatalogStore


@pytest.fixture
def store(database):
    url, schema = database
    with CatalogStore(url, schema=schema) as s:
        yield s


def test_a_token_works_until_revoked(store):
    tokens = TokenStore(store)
    info, token = tokens.create("Ana (Lane WorkSource)", "coach")
    assert token.startswith(f"mt_{info.id}_")
    assert tokens.authenticate(token) == info
    assert info.role is Role.COACH and info.active
    tokens.revoke(info.id)
    assert tokens.authenticate(token) is None
    assert tokens.list() == [] and tokens.list(include_revoked=True)[0].id == info.id


def test_only_a_hash_of_the_secret_is_stored(store):
    info, token = TokenStore(store).create("hash check", "admin")
    secret = token.split("_", 2)[2]
    with store.session() as session:
        row = session.scalars(select(TokenRow)).one()
    assert secret not in repr(row.__dict__) and token not in repr(row.__dict__)
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # wrong secret
    lambda t: t.replace("mt_", "xx_"),  # wrong prefix
    lambda t: "mt_ffffffffff_" + t.split("_", 2)[2],  # unknown id
    lambda t: t + "x",  # too long
    lambda t: "",
])
def test_anything_but_the_exact_token_is_refused(store, mangle):
    _info, token = TokenStore(store).create("x", "coach")
    assert TokenStore(store).authenticate(mangle(token)) is None


def test_roles_and_names_are_checked(store):
    with pytest.raises(ValidationError) as exc:
        TokenStore(store).create("x", "superuser")
    assert exc.value.field == "role"
    with pytest.raises(ValidationError) as exc:
        TokenStore(store).create("<script>", "coach")
    assert exc.value.field == "name"
    with pytest.raises(NotFoundError):
        TokenStore(store).revoke("0000000000")


def test_audit_entries_newest_first_with_paging(store):
    log = AuditLog(store)
    actor = Actor(id="abc", name="Admin")
    for i in range(5):
        log.record(actor, "catalog.import", subject=f"upload {i}", detail={"total": i})
    log.record(actor, "token.create", subject="t1")
    entries = log.entries()
    assert [e.action for e in entries][:2] == ["token.create", "catalog.import"]
    imports = log.entries(action="catalog.import", limit=2)
    assert [e.detail["total"] for e in imports] == [4, 3]
    older = log.entries(action="catalog.import", before_id=imports[-1].id)
    assert [e.detail["total"] for e in older] == [2, 1, 0]
    assert entries[0].at.tzinfo is not None
