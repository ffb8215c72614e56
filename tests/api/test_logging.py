"""Logs are JSON lines with request id, route, status, duration and token id, and never carry what a
person said about themselves: barrier answers, record categories, free text, household details."""

from __future__ import annotations

import json

from api_helpers import call

# Every value a person could say about themselves that must never reach a log line.
BARRIERS = ["justice_involved", "homeless", "housing_instability", "disability_accommodation", "limited_english",
            "no_income_while_training", "childcare", "foster_care_youth"]
RECORDS = ["sex_offense", "violent_felony", "drug_offense", "recent_dui"]
MARKERS = ["ZQXMARKER-skill", "ZQXMARKER-title", "ZQXMARKER-id", "ZQXMARKER-county"]


def _profile() -> dict:
    return {"id": "ZQXMARKER-id", "zip": "97217", "barriers": BARRIERS, "record_categories": RECORDS,
            "skills": ["ZQXMARKER-skill", "forklift"], "work_history": ["ZQXMARKER-title"],
            "household": {"adults": 1, "children": 3, "county": "Multnomah"}, "max_physical_demand": "light",
            "can_pass_drug_test": False}


def test_no_log_line_carries_barrier_answers_or_profile_text(app, client, tokens, capsys, caplog):
    coach = tokens["coach"]
    profile = _profile()
    assert call(client, "recommendations.recommend", token=coach, json=profile).status_code == 200
    assert call(client, "recommendations.recommend_batch", token=coach,
                json={"profiles": [profile, profile]}).status_code == 200
    bad = {**profile, "barriers": BARRIERS + ["ZQXMARKER-barrier"], "age": "ZQXMARKER-age"}
    assert call(client, "recommendations.recommend", token=coach, json=bad).status_code == 422
    assert call(client, "recommendations.recommend", token=None, json=profile).status_code == 401
    assert client.get("/api/v1/target?county=ZQXMARKER-county&children=3").status_code == 404
    assert client.get("/api/v1/skills?q=ZQXMARKER-skill").status_code == 200
    raw = json.dumps(profile).replace('"zip"', '"zip": 1, "zip"')
    response = client.post("/api/v1/recommendations", data=raw, content_type="application/json",
                           headers={"Authorization": coach})
    assert response.status_code == 400

    def boom(*args, **kwargs):
        raise ValueError(f"crashed on {profile}")

    app.extensions["matcher"].runtime.snapshot = boom
    assert call(client, "recommendations.recommend", token=coach, json=profile).status_code == 500

    output = capsys.readouterr().err + caplog.text
    lines = [line for line in output.splitlines() if line.strip()]
    request_lines = [json.loads(line) for line in lines if line.startswith("{") and '"event": "request"' in line]
    assert len(request_lines) == 8
    for word in BARRIERS + RECORDS + MARKERS + ["ZQXMARKER", "light", "children", "county="]:
        leaked = [line for line in lines if word in line]
        assert leaked == [], word


def test_each_request_line_has_id_route_status_duration_and_token(client, tokens, capsys):
    response = call(client, "ops.whoami", token=tokens["coach"], headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
    client.get("/api/v1/healthz", headers={"X-Request-ID": "fake id; injected=1"})
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if '"event": "request"' in line]
    whoami = next(line for line in lines if line["route"] == "/api/v1/token")
    assert whoami["request_id"] == "abc-123" and whoami["status"] == 200 and whoami["method"] == "GET"
    assert whoami["token_id"] == tokens["coach"].split("_")[1] and whoami["role"] == "coach"
    assert isinstance(whoami["duration_ms"], float)
    health = next(line for line in lines if line["route"] == "/api/v1/healthz")
    assert len(health["request_id"]) == 32 and "fake" not in health["request_id"]  # a bad id is replaced


def test_no_log_line_carries_what_a_referral_records(app, client, tokens, capsys, caplog):
    from matcher.catalog import default_catalog

    coach, admin = tokens["coach"], tokens["admin"]
    program = default_catalog().programs[0].id
    referral = {"participant_id": "ZQXMARKER-pid", "program_id": program, "profile": _profile(),
                "enrollment_id": "ZQXMARKER-enr", "override_reason": "participant_choice",
                "demographics": {"sex": "female", "race_ethnicity": ["native_hawaiian_pacific_islander"],
                                 "disability": True, "veteran": True}}
    assert client.post("/api/v1/referrals", json=referral, headers={"Authorization": coach}).status_code == 201
    bad = {**referral, "profile": {**_profile(), "barriers": ["ZQXMARKER-barrier"]},
           "demographics": {"sex": "ZQXMARKER-sex"}}
    assert client.post("/api/v1/referrals", json=bad, headers={"Authorization": coach}).status_code == 422
    outcome = {"enrollment_id": "ZQXMARKER-enr", "completed": True, "employed_q2": True, "hourly_wage": 31.75}
    assert client.post("/api/v1/outcomes", json=outcome, headers={"Authorization": coach}).status_code == 200
    assert client.get("/api/v1/participants/ZQXMARKER-pid/history",
                      headers={"Authorization": coach}).status_code == 200
    assert client.delete("/api/v1/participants/ZQXMARKER-pid", headers={"Authorization": admin}).status_code == 200
    output = capsys.readouterr().err + caplog.text
    lines = [line for line in output.splitlines() if line.strip()]
    assert sum(1 for line in lines if '"event": "request"' in line) == 5
    for word in BARRIERS + RECORDS + MARKERS + ["ZQXMARKER", "native_hawaiian", "31.75", "female"]:
        assert [line for line in lines if word in line] == [], word
