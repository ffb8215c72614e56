"""Referrals, outcomes, a participant's history and its erasure through the API, on SQLite and PostgreSQL;
what is recorded becomes training data for `matcher train --db` with no hand work."""

from __future__ import annotations

import json

import pytest
from api_helpers import SMALL_PROFILE, dump_database
from click.testing import CliRunner


@pytest.fixture
def db_app(make_app, database):
    url, schema = database
    app = make_app(database_url=url, db_schema=schema)
    tokens = app.extensions["matcher"].tokens
    out = {}
    for role in ("coach", "evaluator", "admin"):
        _info, token = tokens.create(f"test {role}", role)
        out[role] = {"Authorization": f"Bearer {token}"}
    return app, out


def _top(client, headers, profile=SMALL_PROFILE) -> list[str]:
    body = client.post("/api/v1/recommendations?top=5", json=profile, headers=headers).get_json()
    return [item["program_id"] for item in body["recommendations"]["items"]]


def test_a_referral_an_outcome_the_history_and_the_erasure(db_app):
    app, tokens = db_app
    client = app.test_client()
    coach, admin = tokens["coach"], tokens["admin"]
    top = _top(client, coach)
    referral = {"participant_id": "case-4471", "program_id": top[1], "profile": SMALL_PROFILE,
                "considered_program_ids": top[:3], "override_reason": "schedule", "enrollment_id": "enr-1",
                "referred_on": "2026-01-05", "demographics": {"sex": "female", "race_ethnicity": ["white"]}}
    response = client.post("/api/v1/referrals", json=referral, headers=coach)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["rank_source"] == "matcher" and body["enrollment"]["recommended_rank"] == 2
    assert body["enrollment"]["override_reason"] == "schedule"
    assert body["enrollment"]["considered_program_ids"] == top[:3]
    outcome = {"enrollment_id": "enr-1", "completed": True, "credential_attained": True, "employed_q2": True,
               "employed_q4": True, "hourly_wage": 23.5, "entry_date": "2026-01-12", "exit_date": "2026-05-01"}
    response = client.post("/api/v1/outcomes", json=outcome, headers=coach)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["training_label"] == "success"
    assert response.get_json()["enrollment"]["exit_date"] == "2026-05-01"

    history = client.get("/api/v1/participants/case-4471/history", headers=coach)
    assert history.status_code == 200
    found = history.get_json()
    assert found["profile"]["barriers"] == SMALL_PROFILE["barriers"]
    assert found["demographics"]["sex"] == "female"
    [enrollment] = found["enrollments"]
    assert enrollment["outcome"]["hourly_wage"] == 23.5 and enrollment["entry_date"] == "2026-01-12"

    # An evaluator may not read a person's history, nor a coach erase it.
    assert client.get("/api/v1/participants/case-4471/history", headers=tokens["evaluator"]).status_code == 403
    assert client.delete("/api/v1/participants/case-4471", headers=coach).status_code == 403

    erased = client.delete("/api/v1/participants/case-4471", headers=admin)
    assert erased.status_code == 200
    assert erased.get_json()["counts"] == {"participants": 1, "enrollments": 1, "outcomes": 1,
                                           "kiosk_contact_requests": 0, "kiosk_saved_lists": 0}
    # Gone from every table: no row anywhere holds the id, the enrollment id or the answers.
    text = json.dumps(dump_database(app), default=str)
    for trace in ("case-4471", "enr-1", "no_drivers_license"):
        assert trace not in text
    assert client.get("/api/v1/participants/case-4471/history", headers=coach).status_code == 404
    assert client.delete("/api/v1/participants/case-4471", headers=admin).status_code == 404

    entries = client.get("/api/v1/audit", headers=admin).get_json()["entries"]
    assert [e["action"] for e in entries][:4] == ["participant.erase", "history.read", "history.outcome",
                                                  "history.referral"]
    subject = app.extensions["matcher"].audit.participant_subject("case-4471")
    assert {e["subject"] for e in entries[:4]} == {subject}
    # An admin who is given the id finds every entry about the person, and only those.
    theirs = client.get("/api/v1/audit?participant_id=case-4471", headers=admin).get_json()["entries"]
    assert [e["id"] for e in theirs] == [e["id"] for e in entries[:4]]
    assert client.get("/api/v1/audit?participant_id=case-4472", headers=admin).get_json()["entries"] == []
    bad = client.get("/api/v1/audit?participant_id=a%20b", headers=admin)
    assert bad.status_code == 422 and "participant_id" in json.dumps(bad.get_json())
    assert client.get("/api/v1/audit?participant_id=case-4471", headers=coach).status_code == 403
    assert {e["actor"] for e in entries[:4]} == {app.extensions["matcher"].tokens.authenticate(
        admin["Authorization"].split()[1]).id, app.extensions["matcher"].tokens.authenticate(
        coach["Authorization"].split()[1]).id}


def test_referral_checks(db_app):
    app, tokens = db_app
    client = app.test_client()
    coach = tokens["coach"]
    top = _top(client, coach)
    base = {"participant_id": "p-9", "program_id": top[0], "profile": SMALL_PROFILE}

    def post(**changes):
        return client.post("/api/v1/referrals", json={**base, **changes}, headers=coach)

    before = dump_database(app)
    cases = {
        "override_reason": post(program_id=top[2]),  # not the top one, no reason
        "program_id": post(program_id="no-such-program"),
        "considered_program_ids.1": post(considered_program_ids=[top[0], "nope"]),
        "(record)": post(considered_program_ids=[top[1]]),  # must include the program referred to
        "participant_id": post(participant_id="has spaces"),
        "demographics.sex": post(demographics={"sex": "secret-value"}),
        "recommended_rank": post(recommended_rank=0),
        "profile.age": post(profile={"age": "30"}),
        "referred_on": post(referred_on="01/05/2026"),
    }
    for field, response in cases.items():
        assert response.status_code == 422, (field, response.get_json())
        assert response.get_json()["field"] == field, (field, response.get_json())
    assert "secret-value" not in cases["demographics.sex"].get_data(as_text=True)
    # override on the top recommendation (rank given by the coach) is refused by the library's own check
    response = post(recommended_rank=1, override_reason="schedule")
    assert response.status_code == 422 and "top recommendation" in response.get_json()["message"]
    assert dump_database(app) == before  # nothing refused was stored
    # The coach's own rank is kept as given.
    ok = post(program_id=top[3], recommended_rank=4, override_reason="location", enrollment_id="e-a")
    assert ok.status_code == 201 and ok.get_json()["rank_source"] == "coach"
    again = post(program_id=top[3], recommended_rank=4, override_reason="location", enrollment_id="e-a")
    assert again.status_code == 422 and again.get_json()["field"] == "enrollment_id"


def test_outcome_checks(db_app):
    app, tokens = db_app
    client = app.test_client()
    coach = tokens["coach"]
    top = _top(client, coach)
    client.post("/api/v1/referrals", json={"participant_id": "p-1", "program_id": top[0], "profile": SMALL_PROFILE,
                                           "enrollment_id": "e-1", "referred_on": "2026-02-01"}, headers=coach)
    before = dump_database(app)
    bad = [
        ({"enrollment_id": "e-none", "completed": True}, 404, "enrollment_id"),
        ({"enrollment_id": "e-1", "completed": True, "hourly_wage": 20.0}, 422, "(record)"),  # wage, not employed
        ({"enrollment_id": "e-1", "completed": "yes"}, 422, "completed"),
        ({"enrollment_id": "e-1", "completed": True, "entry_date": "2026-01-01"}, 422, "(record)"),  # before referral
        ({"enrollment_id": "e-1", "completed": True, "entry_date": "2026-03-01", "exit_date": "2026-02-15"}, 422,
         "(record)"),
        ({"enrollment_id": "e-1", "completed": True, "hourly_wage": 9999, "employed_q2": True}, 422, "hourly_wage"),
        ({"enrollment_id": "e-1"}, 422, "completed"),
    ]
    for body, status, field in bad:
        response = client.post("/api/v1/outcomes", json=body, headers=coach)
        assert response.status_code == status, (body, response.get_json())
        assert response.get_json()["field"] == field, (body, response.get_json())
    assert dump_database(app) == before
    first = client.post("/api/v1/outcomes", json={"enrollment_id": "e-1", "completed": True}, headers=coach)
    assert first.get_json()["training_label"] == "not_known_yet"
    corrected = client.post("/api/v1/outcomes", json={"enrollment_id": "e-1", "completed": False}, headers=coach)
    assert corrected.get_json()["training_label"] == "no_success"
    history = client.get("/api/v1/participants/p-1/history", headers=coach).get_json()
    assert history["enrollments"][0]["outcome"]["completed"] is False


def test_recorded_referrals_and_outcomes_train_a_model_with_no_hand_work(make_app, tmp_path):
    """Referrals and outcomes of 450 generated people posted through the API; `matcher train --db` learns from
    exactly what the API stored."""
    from matcher.cli import main
    from matcher.learning.generator import generate_history

    generated = generate_history(450, seed=11).history
    db = tmp_path / "service.db"
    app = make_app(sqlite_path=str(db))
    client = app.test_client()
    _info, token = app.extensions["matcher"].tokens.create("coach", "coach")
    coach = {"Authorization": f"Bearer {token}"}
    people = {p.id: p for p in generated.participants}
    outcomes = {o.enrollment_id: o for o in generated.outcomes}
    for e in generated.enrollments:
        person = people[e.participant_id]
        referral = {"participant_id": e.participant_id, "program_id": e.program_id, "enrollment_id": e.id,
                    "profile": person.profile.model_dump(mode="json", exclude_defaults=True),
                    "considered_program_ids": list(e.considered_program_ids),
                    "recommended_rank": e.recommended_rank or 999, "referred_on": e.referred_on.isoformat(),
                    "demographics": person.demographics.model_dump(mode="json", exclude_defaults=True)}
        if e.override_reason is not None or (e.recommended_rank or 999) != 1:
            referral["override_reason"] = (e.override_reason.value if e.override_reason else "participant_choice")
        if e.training_type:
            referral["training_type"] = e.training_type
        response = client.post("/api/v1/referrals", json=referral, headers=coach)
        assert response.status_code == 201, response.get_json()
        o = outcomes.get(e.id)
        if o is None:
            continue
        body = {"enrollment_id": e.id, **o.model_dump(mode="json", exclude_none=True, exclude={"enrollment_id"})}
        for name in ("entry_date", "exit_date"):
            if getattr(e, name) is not None:
                body[name] = getattr(e, name).isoformat()
        response = client.post("/api/v1/outcomes", json=body, headers=coach)
        assert response.status_code == 200, response.get_json()
    stored = app.extensions["matcher"].store.history()
    assert len(stored.enrollments) == len(generated.enrollments)
    assert sum(1 for _ in stored.labelled()) == sum(1 for _ in generated.labelled())

    models = tmp_path / "models"
    result = CliRunner().invoke(main, ["train", "--db", f"sqlite:///{db}", "--models-dir", str(models),
                                       "--no-participant-split", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["promoted"] is True and out["metrics"]["model"]["ndcg@10"] > 0
    card = json.loads((models / out["version"] / "card.json").read_text())
    assert card["data"]["enrollments"] == len(generated.enrollments)
