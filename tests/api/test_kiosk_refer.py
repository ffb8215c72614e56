"""A coach turns a kiosk contact request into a recorded referral: the profile the person shared, the program
they asked about, the list they were shown; the request is closed and linked, and erasing the participant
erases it (and the saved list it points at)."""

from __future__ import annotations

import json

import pytest
from api_helpers import SMALL_PROFILE, dump_database

from matcher.catalog import default_catalog
from matcher.kiosk_store import ContactDetails

IDS = [p.id for p in default_catalog().programs[:4]]


@pytest.fixture
def kiosk(make_app, database):
    url, schema = database
    app = make_app(database_url=url, db_schema=schema)
    tokens = app.extensions["matcher"].tokens
    heads = {}
    for role in ("coach", "admin", "evaluator"):
        _info, token = tokens.create(role, role)
        heads[role] = {"Authorization": f"Bearer {token}"}
    return app, app.extensions["kiosk"].store, heads


def _request(store, *, answers=True, program_id=IDS[1]):
    saved = store.save_list(IDS, catalog_version=0, language="es", answers=SMALL_PROFILE if answers else None)
    return store.add_contact_request(
        ContactDetails.check(name="Rosa Kioskperson", contact_method="phone", phone="541-555-0199"),
        consent="Acepto que me contacten (v1)", language="es", program_id=program_id, program_ids=IDS,
        reference_code=saved.code, answers=SMALL_PROFILE if answers else None)


def test_a_contact_request_becomes_a_referral_and_is_erased_with_the_participant(kiosk):
    app, store, heads = kiosk
    client = app.test_client()
    request = _request(store)
    response = client.post(f"/api/v1/kiosk/contact-requests/{request.id}/refer",
                           json={"participant_id": "case-77", "override_reason": "participant_choice",
                                 "demographics": {"sex": "female"}}, headers=heads["coach"])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["enrollment"]["program_id"] == IDS[1] and body["enrollment"]["recommended_rank"] == 2
    assert body["enrollment"]["considered_program_ids"] == IDS and body["rank_source"] == "coach"
    assert body["request"]["status"] == "closed" and body["request"]["participant_id"] == "case-77"
    history = client.get("/api/v1/participants/case-77/history", headers=heads["coach"]).get_json()
    assert history["profile"]["barriers"] == SMALL_PROFILE["barriers"]
    again = client.post(f"/api/v1/kiosk/contact-requests/{request.id}/refer",
                        json={"participant_id": "case-78", "override_reason": "schedule"}, headers=heads["coach"])
    assert again.status_code == 422 and again.get_json()["field"] == "request_id"
    actions = [e["action"] for e in client.get("/api/v1/audit", headers=heads["admin"]).get_json()["entries"]]
    assert actions[:2] == ["history.read", "history.referral"] and "kiosk.contact.refer" in actions

    erased = client.delete("/api/v1/participants/case-77", headers=heads["admin"]).get_json()
    assert erased["counts"] == {"participants": 1, "enrollments": 1, "outcomes": 0, "kiosk_contact_requests": 1,
                                "kiosk_saved_lists": 1}
    text = json.dumps(dump_database(app), default=str)
    for trace in ("case-77", "Rosa Kioskperson", "541-555-0199", "no_drivers_license", request.reference_code):
        assert trace not in text


def test_refer_needs_what_the_request_does_not_hold(kiosk):
    app, store, heads = kiosk
    client = app.test_client()
    coach = heads["coach"]
    bare = _request(store, answers=False, program_id=None)
    url = f"/api/v1/kiosk/contact-requests/{bare.id}/refer"
    before = dump_database(app)
    no_profile = client.post(url, json={"participant_id": "p1"}, headers=coach)
    assert no_profile.status_code == 422 and no_profile.get_json()["field"] == "profile"
    no_program = client.post(url, json={"participant_id": "p1", "profile": SMALL_PROFILE}, headers=coach)
    assert no_program.status_code == 422 and no_program.get_json()["field"] == "program_id"
    unknown = client.post(url, json={"participant_id": "p1", "profile": SMALL_PROFILE, "program_id": "nope"},
                          headers=coach)
    assert unknown.status_code == 422 and unknown.get_json()["field"] == "program_id"
    missing = client.post("/api/v1/kiosk/contact-requests/0123456789abcdef/refer", json={"participant_id": "p1"},
                          headers=coach)
    assert missing.status_code == 404
    assert client.post(url, json={"participant_id": "p1"}, headers=heads["evaluator"]).status_code == 403
    assert dump_database(app) == before
    ok = client.post(url, json={"participant_id": "p1", "profile": SMALL_PROFILE, "program_id": IDS[0],
                                "recommended_rank": 1}, headers=coach)
    assert ok.status_code == 201, ok.get_json()
    assert ok.get_json()["enrollment"]["considered_program_ids"] == IDS
