"""The snapshot a worker serves from: swapped whole when the catalog's stamp moves (by a request or by the
watcher of an idle worker), kept when a new catalog fails to load, with /readyz saying why."""

from __future__ import annotations

import time

from api_helpers import call, small_catalog_document
from sqlalchemy import update

from matcher.store import ProgramRow


def _wait(predicate, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_another_worker_swaps_on_its_next_request(make_app, tmp_path, tokens, app):
    other = make_app()  # same database: a second worker
    before = other.extensions["matcher"].runtime.snapshot()
    assert call(app.test_client(), "programs.import_catalog", token=tokens["admin"]).status_code == 200
    client = other.test_client()

    def swapped() -> bool:
        body = call(client, "programs.list_programs").get_json()
        return body["catalog"]["version"] == 1

    assert _wait(swapped)
    assert before.catalog_version == 0  # the old snapshot was never changed, only replaced


def test_an_idle_worker_is_swapped_by_its_watcher(make_app, tokens, app):
    idle = make_app(reload_check_seconds=0.1)
    runtime = idle.extensions["matcher"].runtime
    runtime.snapshot()
    runtime.watch()
    try:
        assert call(app.test_client(), "programs.import_catalog", token=tokens["admin"]).status_code == 200
        assert _wait(lambda: runtime.loaded.catalog_version == 1)  # no request reached the idle app
        assert len(runtime.loaded.catalog) == 12
    finally:
        runtime.stop()


def test_a_catalog_that_fails_to_load_keeps_the_old_one_serving(make_app, tokens, app):
    client = app.test_client()
    assert call(client, "programs.import_catalog", token=tokens["admin"]).status_code == 200
    store = app.extensions["matcher"].store
    # Corrupt a stored program behind the store's back, then bump the stamp as an import would.
    with store.session() as session, session.begin():
        session.execute(update(ProgramRow).values(data="{not json"))
        from matcher.store import bump_stamp

        bump_stamp(session, "catalog")
    other = make_app()
    runtime = other.extensions["matcher"].runtime
    response = other.test_client().get("/api/v1/readyz")
    assert response.status_code == 503  # nothing loaded yet, and this cannot load
    assert "corrupt" in response.get_json()["checks"]["catalog"]["reason"]
    # The first app had the good catalog: it keeps serving it and says why it did not swap.
    app_runtime = app.extensions["matcher"].runtime
    app_runtime.reload()
    assert app_runtime.loaded.catalog_version == 1 and len(app_runtime.loaded.catalog) == 12
    ready = client.get("/api/v1/readyz").get_json()
    assert ready["checks"]["catalog"]["newer_version"] == 2 and "corrupt" in ready["checks"]["catalog"]["warning"]
    assert call(client, "recommendations.recommend", token=tokens["coach"]).status_code == 200
    assert runtime.loaded is None


def test_the_import_document_is_what_is_served(client, tokens):
    document = small_catalog_document(4)
    assert call(client, "programs.import_catalog", token=tokens["admin"], json=document).status_code == 200
    ids = [p["id"] for p in client.get("/api/v1/programs").get_json()["programs"]]
    assert ids == sorted(p["id"] for p in document["programs"])
