"""The history tables in the store (SQLite always, PostgreSQL in a throw-away schema when it answers), and the
calls the API records referrals and outcomes through, ending as training data."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest

from matcher.catalog import default_catalog
from matcher.errors import NotFoundError, ValidationError
from matcher.learning.history import History
from matcher.learning.history_store import HistoryStore

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
PROGRAMS = [p.id for p in default_catalog().programs[:3]]


def _postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES, connect_timeout=2):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path) -> Iterator[HistoryStore]:
    if request.param == "sqlite":
        with HistoryStore(f"sqlite:///{tmp_path / 'h.db'}") as s:
            yield s
        return
    if not _postgres_available():
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    import psycopg

    schema = f"test_history_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        with HistoryStore("postgresql+psycopg://postgres@127.0.0.1:5432/test", schema=schema) as s:
            yield s
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def test_an_imported_history_reads_back_unchanged(store: HistoryStore, small_generated) -> None:
    h = small_generated.history
    part = History(h.participants[:200], tuple(e for e in h.enrollments if int(e.participant_id[1:]) < 200),
                   tuple(o for o in h.outcomes if o.enrollment_id in
                         {e.id for e in h.enrollments if int(e.participant_id[1:]) < 200}))
    counts = store.import_history(part, source="sample")
    assert counts["participants"] == 200
    back = store.history()
    assert sorted(back.participants, key=lambda p: p.id) == sorted(part.participants, key=lambda p: p.id)
    assert sorted(back.enrollments, key=lambda e: e.id) == sorted(part.enrollments, key=lambda e: e.id)
    assert sorted(back.outcomes, key=lambda o: o.enrollment_id) == sorted(part.outcomes,
                                                                          key=lambda o: o.enrollment_id)
    store.import_history(part, source="again")  # upsert: no duplicates
    assert store.counts() == {"participants": 200, "enrollments": len(part.enrollments),
                              "outcomes": len(part.outcomes)}


def test_referrals_and_outcomes_recorded_through_the_api_calls_become_labelled_training_data(
        store: HistoryStore) -> None:
    store.record_referral("p1", {"zip": "97217", "barriers": ["childcare"]}, PROGRAMS[0], enrollment_id="e1",
                          considered_program_ids=PROGRAMS[:2], recommended_rank=2,
                          override_reason="participant_choice", demographics={"sex": "female"},
                          referred_on=dt.date(2024, 12, 16))
    store.record_enrollment("e1", entry_date=dt.date(2025, 1, 6))
    store.record_enrollment("e1", exit_date=dt.date(2025, 4, 1))
    store.record_outcome("e1", completed=True, employed_q2=True, hourly_wage=23.5)
    h = store.history()
    [(participant, enrollment, outcome, label)] = list(h.labelled())
    assert participant.profile.zip == "97217" and participant.demographics.sex.value == "female"
    assert enrollment.entry_date == dt.date(2025, 1, 6) and enrollment.considered_program_ids == PROGRAMS[:2]
    assert outcome.hourly_wage == 23.5 and label is True


def test_bad_api_records_name_the_field_and_never_echo_personal_answers(store: HistoryStore) -> None:
    with pytest.raises(ValidationError) as info:
        store.record_referral("p1", {"zip": "97217", "barriers": ["secret"]}, PROGRAMS[0], enrollment_id="e1")
    assert info.value.field == "profile.barriers.0"
    assert "secret" not in str(info.value.to_dict())
    store.record_referral("p1", {"zip": "97217"}, PROGRAMS[0], enrollment_id="e1")
    with pytest.raises(ValidationError, match="already recorded"):
        store.record_referral("p1", {"zip": "97217"}, PROGRAMS[0], enrollment_id="e1")
    with pytest.raises(ValidationError) as info:
        store.record_outcome("e1", completed=True, hourly_wage=20.0)
    assert "not recorded as employed" in info.value.message
    with pytest.raises(NotFoundError):
        store.record_outcome("nope", completed=False)


def test_erasing_a_participant_removes_them_everywhere_they_are_stored(store: HistoryStore) -> None:
    store.record_referral("p1", {"zip": "97217"}, PROGRAMS[0], enrollment_id="e1")
    store.record_outcome("e1", completed=False)
    store.record_referral("p2", {"zip": "97402"}, PROGRAMS[1], enrollment_id="e2")
    assert store.participant_history("p1")["enrollments"][0]["outcome"]["completed"] is False
    assert store.erase_participant("p1") == {"participants": 1, "enrollments": 1, "outcomes": 1,
                                             "kiosk_contact_requests": 0, "kiosk_saved_lists": 0}
    with pytest.raises(NotFoundError):
        store.participant_history("p1")
    assert store.counts() == {"participants": 1, "enrollments": 1, "outcomes": 0}
    with pytest.raises(NotFoundError):
        store.erase_participant("p1")
