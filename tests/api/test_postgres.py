"""The service on PostgreSQL (a throw-away schema) as on SQLite: schema on first use, tokens, an import
with its audit entry and version stamp, recommendations from the imported catalog, readiness."""

from __future__ import annotations

from api_helpers import SMALL_PROFILE, dump_database, small_catalog_document


def test_the_service_on_each_database(make_app, database):
    url, schema = database
    app = make_app(database_url=url, db_schema=schema)
    client = app.test_client()
    tokens = app.extensions["matcher"].tokens
    _a, admin = tokens.create("admin", "admin")
    _c, coach = tokens.create("coach", "coach")
    assert client.get("/api/v1/readyz").get_json()["ready"] is True
    response = client.put("/api/v1/programs", json=small_catalog_document(9),
                          headers={"Authorization": f"Bearer {admin}"})
    assert response.status_code == 200 and response.get_json()["catalog_version"] == 1
    before = dump_database(app)
    recs = client.post("/api/v1/recommendations", json=SMALL_PROFILE, headers={"Authorization": f"Bearer {coach}"})
    assert recs.status_code == 200 and recs.get_json()["catalog"] == {
        "version": 1, "source": app.extensions["matcher"].store.catalog().source, "programs": 9}
    assert dump_database(app) == before  # the recommendation stored nothing
    audit = client.get("/api/v1/audit", headers={"Authorization": f"Bearer {admin}"}).get_json()["entries"]
    assert [e["action"] for e in audit] == ["catalog.import"]
    assert client.get("/api/v1/token", headers={"Authorization": f"Bearer {coach}"}).get_json()["role"] == "coach"
