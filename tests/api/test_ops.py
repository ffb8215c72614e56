"""Liveness, readiness (and why not), metrics, the token's own view, the audit trail."""

from __future__ import annotations

from api_helpers import call

from matcher.catalog import default_catalog


def test_healthz(client):
    assert client.get("/api/v1/healthz").get_json() == {"status": "ok"}


def test_readyz_reports_each_check(client):
    body = client.get("/api/v1/readyz").get_json()
    assert body["ready"] is True
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["catalog"]["programs"] == len(default_catalog())
    assert body["checks"]["model"]["version"] is None


def test_readyz_says_why_not_when_the_database_is_away(make_app, tmp_path):
    app = make_app(sqlite_path=str(tmp_path / "no" / "such" / "dir" / "x.db"))
    response = app.test_client().get("/api/v1/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["ready"] is False
    assert body["checks"]["database"]["ok"] is False and "cannot open database" in body["checks"]["database"]["reason"]


def test_readyz_says_why_not_when_the_schema_needs_an_upgrade(make_app, tmp_path):
    from matcher import migrations
    from matcher.store import CatalogStore

    url = f"sqlite:///{tmp_path / 'old.db'}"
    store = CatalogStore(url)
    migrations.upgrade(store.engine, revision="0001")
    store.close()
    app = make_app(database_url=url)
    body = app.test_client().get("/api/v1/readyz").get_json()
    assert body["ready"] is False and "matcher db upgrade" in body["checks"]["database"]["reason"]


def test_metrics_count_requests_by_route_and_status(client):
    client.get("/api/v1/healthz")
    client.get("/api/v1/programs/nope")  # loads the snapshot (the hand-set engine: no model promoted)
    text = client.get("/api/v1/metrics").get_data(as_text=True)
    assert 'matcher_http_requests_total{method="GET",route="/api/v1/healthz",status="200"}' in text
    assert 'matcher_http_requests_total{method="GET",route="/api/v1/programs/<program_id>",status="404"}' in text
    assert 'matcher_http_request_duration_seconds_bucket{le="0.005",route="/api/v1/healthz",status="200"}' in text
    assert 'matcher_model_info{version="none"} 1.0' in text


def test_whoami_shows_the_token_never_its_secret(client, tokens):
    body = call(client, "ops.whoami", token=tokens["evaluator"]).get_json()
    assert body["role"] == "evaluator" and body["name"] == "test evaluator" and body["active"] is True
    assert tokens["evaluator"].split("_")[-1] not in str(body)


def test_audit_pages_back_and_filters(client, tokens):
    for _ in range(3):
        assert call(client, "programs.import_catalog", token=tokens["admin"]).status_code == 200
    entries = call(client, "admin.audit_trail", token=tokens["admin"], url="/api/v1/audit?limit=2").get_json()[
        "entries"]
    assert len(entries) == 2 and entries[0]["id"] > entries[1]["id"]
    older = call(client, "admin.audit_trail", token=tokens["admin"],
                 url=f"/api/v1/audit?before_id={entries[1]['id']}&action=catalog.import").get_json()["entries"]
    assert [e["id"] for e in older] == [entries[1]["id"] - 1]
