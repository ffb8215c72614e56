"""The model routes for evaluators (list, card and report, promote, roll back, train as a background job whose
state is in the database), and the model's hot swap: load, then swap; a corrupt model keeps the previous one
serving and /readyz says why."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from api_helpers import SMALL_PROFILE, register_copy

from matcher.learning.registry import SERVED, ModelRegistry

SHIPPED = ModelRegistry().promoted()


def _second_version(root: Path, name: str = "v-second") -> str:
    return register_copy(root, name)


@pytest.fixture
def evaluator_app(make_app, models_copy):
    app = make_app(model_dir=str(models_copy))
    return _with_tokens(app, models_copy)


@pytest.fixture
def evaluator_app_on_each_database(make_app, models_copy, database):
    url, schema = database
    app = make_app(model_dir=str(models_copy), database_url=url, db_schema=schema)
    return _with_tokens(app, models_copy)


def _with_tokens(app, models_copy):
    tokens = app.extensions["matcher"].tokens
    heads = {}
    for role in ("coach", "evaluator", "admin"):
        _info, token = tokens.create(f"test {role}", role)
        heads[role] = {"Authorization": f"Bearer {token}"}
    return app, heads, models_copy


def _serving(client, coach) -> str | None:
    response = client.post("/api/v1/recommendations?top=3", json=SMALL_PROFILE, headers=coach)
    assert response.status_code == 200
    return response.get_json()["model_version"]


def test_list_show_promote_and_roll_back(evaluator_app_on_each_database):
    app, heads, root = evaluator_app_on_each_database
    client = app.test_client()
    evaluator, coach = heads["evaluator"], heads["coach"]
    assert _serving(client, coach) == SHIPPED  # the promoted model ranks, and the answer says which
    second = _second_version(root)

    listed = client.get("/api/v1/models", headers=evaluator).get_json()
    assert [m["version"] for m in listed["models"]] == [SHIPPED, second]
    assert listed["promoted"] == listed["serving"] == SHIPPED
    shown = client.get(f"/api/v1/models/{second}", headers=evaluator).get_json()
    assert shown["card"]["blend_weight"] >= 0 and "time_split" in shown["report"] and shown["promoted"] is False
    assert client.get("/api/v1/models/v-none", headers=evaluator).status_code == 404
    assert client.get("/api/v1/models/promoted", headers=evaluator).get_json()["version"] == SHIPPED

    promoted = client.post(f"/api/v1/models/{second}/promote", json={"reason": "try it"}, headers=evaluator)
    assert promoted.status_code == 200
    assert promoted.get_json() == {"promoted": second, "previous": SHIPPED, "serving": second}
    assert _serving(client, coach) == second
    back = client.post("/api/v1/models/rollback", json={}, headers=evaluator)
    assert back.get_json() == {"promoted": SHIPPED, "previous": second, "serving": SHIPPED}
    assert _serving(client, coach) == SHIPPED
    nothing = client.post("/api/v1/models/rollback", json={}, headers=evaluator)
    assert nothing.status_code == 422 and nothing.get_json()["field"] == "version"

    entries = client.get("/api/v1/audit", headers=heads["admin"]).get_json()["entries"]
    assert [(e["action"], e["subject"]) for e in entries[:2]] == [("model.rollback", SHIPPED),
                                                                  ("model.promote", second)]
    assert entries[1]["detail"] == {"previous": SHIPPED, "reason": "try it"}
    # Coaches may not touch models.
    assert client.post(f"/api/v1/models/{second}/promote", json={}, headers=coach).status_code == 403


def test_another_worker_takes_a_promotion_from_the_stamp(evaluator_app, make_app):
    app, heads, root = evaluator_app
    second = _second_version(root)
    other = make_app(model_dir=str(root))  # a second worker on the same database and registry
    other_client = other.test_client()
    assert _serving(other_client, heads["coach"]) == SHIPPED
    assert app.test_client().post(f"/api/v1/models/{second}/promote", json={},
                                  headers=heads["evaluator"]).status_code == 200
    deadline = time.monotonic() + 20
    while _serving(other_client, heads["coach"]) != second:  # the swap happens in the background
        assert time.monotonic() < deadline
        time.sleep(0.05)
    ready = other_client.get("/api/v1/readyz").get_json()
    assert ready["checks"]["model"] == {"ok": True, "version": second}


def test_a_corrupt_model_keeps_the_previous_one_serving_and_readyz_says_why(evaluator_app, make_app):
    app, heads, root = evaluator_app
    client = app.test_client()
    coach = heads["coach"]
    assert _serving(client, coach) == SHIPPED
    second = _second_version(root)
    registry = ModelRegistry(root)
    registry.promote(second)  # e.g. promoted on another machine...
    with (root / second / SERVED).open("ab") as fh:  # ...and this machine's copy of its file is damaged
        fh.write(b"\x00garbage")
    from matcher.audit import Actor
    from matcher.jobs import announce_model_change

    assert announce_model_change(app.extensions["matcher"].settings.resolved_database_url, "model.promote", second,
                                 Actor.cli())
    runtime = app.extensions["matcher"].runtime
    assert runtime.reload().model_version == SHIPPED  # the load failed: nothing was swapped
    assert _serving(client, coach) == SHIPPED
    ready = client.get("/api/v1/readyz")
    assert ready.status_code == 200
    model = ready.get_json()["checks"]["model"]
    assert model["ok"] is True and model["version"] == SHIPPED
    assert second in model["warning"] and "SHA-256" in model["warning"]

    # A worker with nothing loaded yet serves the hand-set engine and is not ready, saying why.
    fresh = make_app(model_dir=str(root))
    fresh_client = fresh.test_client()
    assert _serving(fresh_client, coach) is None
    ready = fresh_client.get("/api/v1/readyz")
    assert ready.status_code == 503
    assert "SHA-256" in ready.get_json()["checks"]["model"]["reason"]

    # Promoting a damaged version through the API is refused before anything changes.
    third = _second_version(root, "v-third")
    (root / third / SERVED).write_bytes(b"not a model")
    refused = client.post(f"/api/v1/models/{third}/promote", json={}, headers=heads["evaluator"])
    assert refused.status_code == 422 and refused.get_json()["field"] == "version"
    assert ModelRegistry(root).promoted() == second


def test_a_missing_model_file_keeps_the_previous_one(evaluator_app):
    app, heads, root = evaluator_app
    client = app.test_client()
    assert _serving(client, heads["coach"]) == SHIPPED
    second = _second_version(root)
    ModelRegistry(root).promote(second)
    (root / second / SERVED).unlink()
    from matcher.audit import Actor
    from matcher.jobs import announce_model_change

    announce_model_change(app.extensions["matcher"].settings.resolved_database_url, "model.promote", second,
                          Actor.cli())
    app.extensions["matcher"].runtime.reload()
    assert _serving(client, heads["coach"]) == SHIPPED
    assert "missing" in client.get("/api/v1/readyz").get_json()["checks"]["model"]["warning"]


def test_training_runs_as_a_job_any_worker_can_report_and_its_model_is_served(evaluator_app, make_app):
    from matcher.learning.generator import generate_history

    app, heads, root = evaluator_app
    evaluator = heads["evaluator"]
    app.extensions["matcher"].store.import_history(generate_history(450, seed=4).history, source="test")
    client = app.test_client()
    started = client.post("/api/v1/models/train", json={"force": True}, headers=evaluator)
    assert started.status_code == 202, started.get_json()
    job = started.get_json()
    assert job["status"] == "queued" and started.headers["Location"] == f"/api/v1/jobs/{job['id']}"
    assert set(job["params"]) == {"promote", "force", "seed", "participant_split"}  # no server paths shown
    again = client.post("/api/v1/models/train", json={}, headers=evaluator)
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"

    other = make_app(model_dir=str(root)).test_client()  # another worker answers about the job
    deadline = time.monotonic() + 240
    while True:
        state = other.get(f"/api/v1/jobs/{job['id']}", headers=evaluator).get_json()
        if state["status"] not in ("queued", "running"):
            break
        assert time.monotonic() < deadline, state
        time.sleep(0.5)
    assert state["status"] == "succeeded", state
    version = state["result"]["version"]
    assert state["result"]["promoted"] is True and state["result"]["data"]["participants"] == 450
    assert ModelRegistry(root).promoted() == version
    assert app.extensions["matcher"].runtime.reload().model_version == version  # the job bumped the stamp
    assert _serving(client, heads["coach"]) == version
    entries = client.get("/api/v1/audit?action=model.promote", headers=heads["admin"]).get_json()["entries"]
    assert entries[0]["subject"] == version and entries[0]["detail"]["job"] == job["id"]
    assert entries[0]["actor"] == job["requested_by"]
    from api import jobs

    jobs.wait_all()


def test_a_failed_training_job_says_why(evaluator_app_on_each_database):
    app, heads, _root = evaluator_app_on_each_database
    client = app.test_client()
    job = client.post("/api/v1/models/train", json={}, headers=heads["evaluator"]).get_json()
    deadline = time.monotonic() + 120
    while (state := client.get(f"/api/v1/jobs/{job['id']}", headers=heads["evaluator"]).get_json())["status"] in (
            "queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.3)
    assert state["status"] == "failed" and "labelled enrollments" in state["error"]
    from api import jobs

    jobs.wait_all()  # before the database goes (the waiting thread may still read it)


def test_with_a_model_the_list_is_the_model_recommenders_own(evaluator_app):
    from matcher.catalog import default_catalog
    from matcher.learning.serving import ModelRecommender
    from matcher.records import parse_profile

    app, heads, root = evaluator_app
    body = app.test_client().post("/api/v1/recommendations?top=5", json=SMALL_PROFILE,
                                  headers=heads["coach"]).get_json()
    expected = ModelRecommender(default_catalog(), registry=ModelRegistry(root)).recommend(
        parse_profile(SMALL_PROFILE), top=5).to_dict()
    assert body["model_version"] == SHIPPED
    assert body["recommendations"] == expected
    assert all("success" not in item["parts"] or item["parts"]["success"] is None
               for item in body["recommendations"]["items"])  # no per-person chance is returned


def test_a_job_whose_process_died_is_shown_failed(app):
    import datetime as dt

    from sqlalchemy import update

    from matcher.audit import Actor
    from matcher.jobs import JobRow, JobStore

    jobs = JobStore(app.extensions["matcher"].store)
    job = jobs.create("train", {}, Actor("t1", "tester"))
    jobs.start(job.id)
    assert jobs.get(job.id).status == "running"
    with app.extensions["matcher"].store.session() as session, session.begin():
        session.execute(update(JobRow).values(heartbeat_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)))
    found = jobs.get(job.id)
    assert found.status == "failed" and "heartbeat" in (found.error or "")
    assert jobs.create("train", {}, Actor("t1", "tester")).status == "queued"  # no longer in the way


def test_the_cli_promote_and_rollback_reach_the_service(evaluator_app):
    from click.testing import CliRunner

    from matcher.cli import main

    app, heads, root = evaluator_app
    client = app.test_client()
    assert _serving(client, heads["coach"]) == SHIPPED
    second = _second_version(root)
    db = app.extensions["matcher"].settings.resolved_database_url
    done = CliRunner().invoke(main, ["models", "promote", second, "--models-dir", str(root), "--db", db])
    assert done.exit_code == 0, done.output
    assert "model stamp bumped" in done.output
    assert app.extensions["matcher"].runtime.reload().model_version == second
    done = CliRunner().invoke(main, ["models", "rollback", "--models-dir", str(root), "--db", db])
    assert done.exit_code == 0, done.output
    assert app.extensions["matcher"].runtime.reload().model_version == SHIPPED
    entries = client.get("/api/v1/audit", headers=heads["admin"]).get_json()["entries"]
    assert [(e["action"], e["subject"], e["actor"].startswith("cli:")) for e in entries[:2]] == [
        ("model.rollback", SHIPPED, True), ("model.promote", second, True)]
