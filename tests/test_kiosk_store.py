"""The kiosk's store (saved lists, contact requests) on SQLite and PostgreSQL: written only when asked,
read back whole, expired on time, erased on request."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.errors import NotFoundError, ValidationError
from matcher.kiosk_store import CODE_ALPHABET, ContactDetails, KioskStore, normalize_code, show_code
from matcher.store import CatalogStore


@pytest.fixture
def kiosk_store(database):
    url, schema = database
    store = CatalogStore(url, schema=schema)
    yield KioskStore(store, keep_days=30)
    store.close()


def test_a_saved_list_without_answers_holds_no_personal_data(kiosk_store):
    saved = kiosk_store.save_list(["pdx-con-020", "lane-hc-003"], catalog_version=4, language="es")
    assert len(saved.code) == 8 and set(saved.code) <= set(CODE_ALPHABET)
    found = kiosk_store.saved_list(show_code(saved.code).lower())
    assert found.program_ids == ("pdx-con-020", "lane-hc-003") and found.answers is None
    assert found.to_dict()["answers_saved"] is False and found.created_on == dt.date.today()


def test_a_saved_list_with_answers_gives_them_back_as_a_profile(kiosk_store):
    saved = kiosk_store.save_list(["a"], catalog_version=1, language="en",
                                  answers={"zip": "97217", "barriers": ["childcare"]})
    found = kiosk_store.saved_list(saved.code)
    assert found.answers is not None and found.answers.zip == "97217"


def test_a_bad_or_unknown_code_names_the_field(kiosk_store):
    with pytest.raises(ValidationError) as bad:
        kiosk_store.saved_list("nope")
    assert bad.value.field == "code"
    with pytest.raises(NotFoundError):
        kiosk_store.saved_list("ABCD-EFGH")
    assert normalize_code(" k7m4-qxp9 ") == "K7M4QXP9"


def test_contact_details_are_checked_field_by_field():
    good = ContactDetails.check(name=" Ana ", contact_method="text", phone="(503) 555-0123")
    assert good.problems == () and good.name == "Ana"
    bad = ContactDetails.check(name="", contact_method="fax", phone="12", email="not-an-email")
    assert dict(bad.problems) == {"name": "required", "contact_method": "method", "phone": "phone", "email": "email"}
    assert dict(ContactDetails.check(name="Li", contact_method="email").problems) == {"email": "required"}
    assert ContactDetails.check(name="A\x00na\x1b", contact_method="phone", phone="5035550123").name == "Ana"


def test_a_contact_request_is_stored_listed_closed_and_erased(kiosk_store):
    details = ContactDetails.check(name="Ana", contact_method="phone", phone="503-555-0123")
    with pytest.raises(ValidationError):
        kiosk_store.add_contact_request(details, consent="  ", language="en")
    made = kiosk_store.add_contact_request(details, consent="v1 [en] I agree", language="en",
                                           program_id="pdx-con-020", program_ids=["pdx-con-020", "b"])
    assert [r.id for r in kiosk_store.contact_requests()] == [made.id]
    closed = kiosk_store.close_contact_request(made.id, by="tok123")
    assert closed.status == "closed" and closed.closed_by == "tok123" and closed.closed_at is not None
    assert kiosk_store.contact_requests() == [] and len(kiosk_store.contact_requests(status=None)) == 1
    kiosk_store.delete_contact_request(made.id)
    with pytest.raises(NotFoundError):
        kiosk_store.contact_request(made.id)
    with pytest.raises(NotFoundError):
        kiosk_store.delete_contact_request(made.id)


def test_rows_past_their_keep_days_are_deleted(kiosk_store):
    start = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    details = ContactDetails.check(name="Ana", contact_method="phone", phone="503-555-0123")
    made = kiosk_store.add_contact_request(details, consent="v1", language="es", now=start)
    saved = kiosk_store.save_list(["a"], catalog_version=1, language="es", today=start.date())
    assert kiosk_store.contact_request(made.id, today=start.date() + dt.timedelta(days=30)).id == made.id
    gone = kiosk_store.purge_expired(start.date() + dt.timedelta(days=31))
    assert gone == {"saved_lists": 1, "contact_requests": 1}
    with pytest.raises(NotFoundError):
        kiosk_store.saved_list(saved.code)
