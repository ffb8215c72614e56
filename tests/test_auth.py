"""API tokens (stored hashed, with roles) and the audit trail, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from matcher.audit import Actor, AuditKeyRow, AuditLog, participant_subject
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


def test_participant_subjects_are_a_keyed_hash_of_the_id():
    # Known answer: HMAC-SHA-256 with key b"k" * 16 over "case-4471", first 32 hex digits.
    assert participant_subject("case-4471", b"k" * 16) == "participant:4ca8d2dd269a5264b9dbadd5cc94fbf7"
    assert participant_subject("case-4471", b"j" * 16) != participant_subject("case-4471", b"k" * 16)
    assert participant_subject("case-4472", b"k" * 16) != participant_subject("case-4471", b"k" * 16)


def test_without_an_operator_key_the_database_keeps_one_every_worker_shares(store):
    first, second = AuditLog(store), AuditLog(store)  # two workers starting together
    subject = first.participant_subject("case-4471")
    assert second.participant_subject("case-4471") == subject
    assert AuditLog(store).participant_subject("case-4471") == subject  # and after a restart
    with store.session() as session:
        [row] = session.scalars(select(AuditKeyRow)).all()
    assert len(row.key) == 64
    # Not the id, not a plain hash of it (which anyone could compute for every likely id).
    assert "case-4471" not in subject
    assert hashlib.sha256(b"case-4471").hexdigest()[:24] not in subject
    assert subject == participant_subject("case-4471", row.key.encode("ascii"))


def test_an_operator_key_is_used_instead_and_must_be_long_enough(store):
    log = AuditLog(store, key="an operator's key, kept elsewhere")
    assert log.participant_subject("case-4471") == participant_subject(
        "case-4471", b"an operator's key, kept elsewhere")
    assert log.participant_subject("case-4471") != AuditLog(store).participant_subject("case-4471")
    with pytest.raises(ValidationError) as exc:
        AuditLog(store, key="short")
    assert exc.value.field == "audit_key"


def test_entries_can_be_kept_to_one_subject(store):
    log = AuditLog(store)
    actor = Actor(id="abc", name="Admin")
    ana, ben = log.participant_subject("ana"), log.participant_subject("ben")
    log.record(actor, "history.read", subject=ana)
    log.record(actor, "history.read", subject=ben)
    log.record(actor, "participant.erase", subject=ana)
    assert [e.action for e in log.entries(subject=ana)] == ["participant.erase", "history.read"]
    assert [e.subject for e in log.entries(subject=ben)] == [ben]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_cached_token_is_not_read_again_within_the_cache_time(store):
    clock = Clock()
    tokens = TokenStore(store, cache_seconds=5, clock=clock)
    info, token = tokens.create("cached", "coach")
    assert tokens.authenticate(token) == info
    reads = []
    from sqlalchemy import event

    listen = lambda *args: reads.append(args[2])  # noqa: E731 - every statement the store sends
    event.listen(store.engine, "before_cursor_execute", listen)
    try:
        clock.now += 4.9
        assert tokens.authenticate(token) == info
        assert reads == []
        clock.now += 0.2  # past the cache time: read again
        assert tokens.authenticate(token) == info
        assert any("api_tokens" in statement for statement in reads)
    finally:
        event.remove(store.engine, "before_cursor_execute", listen)


def test_a_token_revoked_elsewhere_is_refused_once_the_cache_time_has_passed(store):
    clock = Clock()
    worker = TokenStore(store, cache_seconds=5, clock=clock)  # a worker of the service
    elsewhere = TokenStore(store)  # the CLI, or another worker
    info, token = elsewhere.create("revoked elsewhere", "coach")
    assert worker.authenticate(token) == info
    elsewhere.revoke(info.id)
    clock.now += 4.0
    assert worker.authenticate(token) == info  # within the cache time: still trusted, as documented
    clock.now += 1.01
    assert worker.authenticate(token) is None
    clock.now += 100  # and it stays refused (a refusal is never cached as valid)
    assert worker.authenticate(token) is None


def test_a_token_revoked_through_the_caching_store_is_refused_at_once(store):
    tokens = TokenStore(store, cache_seconds=60)
    info, token = tokens.create("revoked here", "admin")
    assert tokens.authenticate(token) == info
    tokens.revoke(info.id)
    assert tokens.authenticate(token) is None


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # wrong secret, same id
    lambda t: t + "x",
])
def test_the_cache_answers_only_the_exact_token(store, mangle):
    tokens = TokenStore(store, cache_seconds=60)
    info, token = tokens.create("exact", "coach")
    assert tokens.authenticate(token) == info
    assert tokens.authenticate(mangle(token)) is None


def test_the_cache_keeps_hashes_only_and_is_bounded(store):
    tokens = TokenStore(store, cache_seconds=60, cache_size=2)
    made = [tokens.create(f"t{i}", "coach") for i in range(3)]
    for _info, token in made:
        assert tokens.authenticate(token) is not None
    kept = dict(tokens._cache)
    assert len(kept) == 2
    assert set(kept) == {hashlib.sha256(t.encode()).hexdigest() for _i, t in made[1:]}
    assert not any(t in repr(kept) or t.split("_", 2)[2] in repr(kept) for _i, t in made)


def test_a_negative_cache_time_is_refused(store):
    with pytest.raises(ValidationError) as exc:
        TokenStore(store, cache_seconds=-1)
    assert exc.value.field == "cache_seconds"
