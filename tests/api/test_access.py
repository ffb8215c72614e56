"""Every route declares who may call it; every protected endpoint refuses no token (401) and the wrong
role (403) before it reads the request; the docs' role table is the app's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from api_helpers import NEEDS_RECORD, OTHER_ANSWERS, SAMPLE_CALLS, call

from api.access import ATTRIBUTE, access_of, route_table
from matcher.auth import Role


def test_every_route_has_a_declared_role_or_a_public_mark(app):
    undeclared = [(methods, rule, endpoint) for methods, rule, endpoint, access in route_table(app)
                  if access is None]
    assert undeclared == []


def test_an_undeclared_view_is_refused_not_served(make_app):
    app = make_app()

    @app.get("/api/v1/forgotten")
    def forgotten():  # no role declared
        return {"secret": True}

    assert not hasattr(app.view_functions["forgotten"], ATTRIBUTE)
    response = app.test_client().get("/api/v1/forgotten")
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"


def test_every_endpoint_has_a_sample_call_in_the_tests(app):
    endpoints = {endpoint for _m, _r, endpoint, _a in route_table(app)} - {"static", "openapi.static"}
    # The kiosk's HTML pages (forms with CSRF tokens) have their own tests: tests/kiosk.
    endpoints = {e for e in endpoints if not e.startswith("kiosk.")}
    assert endpoints - set(SAMPLE_CALLS) == set()


def _protected(app) -> list[tuple[str, set[Role]]]:
    out = []
    for endpoint in SAMPLE_CALLS:
        access = access_of(app, endpoint)
        assert access is not None, endpoint
        if not access.public:
            out.append((endpoint, set(access.roles)))
    return out


def test_protected_endpoints_answer_401_without_a_token(app, client):
    protected = _protected(app)
    assert len(protected) >= 6
    for endpoint, _roles in protected:
        response = call(client, endpoint)
        assert response.status_code == 401, endpoint
        body = response.get_json()
        assert body["error"] == "unauthorized" and body["field"] == "Authorization"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer mt_0123456789_" + "x" * 43, "Basic dXNlcjpwYXNz",
                                    "Bearer", ""])
def test_bad_tokens_answer_401(client, tokens, header):
    response = call(client, "recommendations.recommend", token=header)
    assert response.status_code == 401


def test_a_revoked_token_answers_401(client, tokens):
    response = call(client, "ops.whoami", token=tokens["revoked"])
    assert response.status_code == 401


def test_a_token_revoked_by_another_worker_is_refused_within_the_cache_time(make_app, tmp_path):
    """Two workers on one database: the CLI revokes a token one of them has just checked; that worker trusts it
    for at most MATCHER_TOKEN_CACHE_SECONDS, then refuses it (and keeps refusing it)."""
    import time

    from matcher.auth import TokenStore
    from matcher.store import CatalogStore

    worker = make_app(token_cache_seconds=0.5).test_client()
    other = make_app(token_cache_seconds=0.5).test_client()
    cli = TokenStore(CatalogStore(f"sqlite:///{tmp_path / 'api.db'}"))
    info, token = cli.create("revoked while cached", Role.COACH)
    header = f"Bearer {token}"
    assert call(worker, "ops.whoami", token=header).status_code == 200
    revoked_at = time.monotonic()
    cli.revoke(info.id)
    assert call(other, "ops.whoami", token=header).status_code == 401  # a worker that had not cached it: at once
    if time.monotonic() - revoked_at < 0.4:
        assert call(worker, "ops.whoami", token=header).status_code == 200  # within the cache time, as documented
    time.sleep(max(0.0, revoked_at + 0.55 - time.monotonic()))
    for _ in range(3):
        response = call(worker, "ops.whoami", token=header)
        assert response.status_code == 401 and response.get_json()["field"] == "Authorization"
    cli.store.close()


def test_without_a_token_cache_a_revoked_token_is_refused_at_once(make_app, tmp_path):
    from matcher.auth import TokenStore
    from matcher.store import CatalogStore

    worker = make_app(token_cache_seconds=0).test_client()
    cli = TokenStore(CatalogStore(f"sqlite:///{tmp_path / 'api.db'}"))
    info, token = cli.create("no cache", Role.COACH)
    assert call(worker, "ops.whoami", token=f"Bearer {token}").status_code == 200
    cli.revoke(info.id)
    assert call(worker, "ops.whoami", token=f"Bearer {token}").status_code == 401
    cli.store.close()


def test_the_token_cache_time_is_a_documented_setting(make_app):
    from api.config import SETTINGS, Settings

    assert Settings().token_cache_seconds == 5.0
    assert SETTINGS["token_cache_seconds"].env == "MATCHER_TOKEN_CACHE_SECONDS"
    assert make_app().extensions["matcher"].tokens.cache_seconds == 5.0
    assert Settings.from_env({"MATCHER_TOKEN_CACHE_SECONDS": "1.5"}).token_cache_seconds == 1.5


def test_protected_endpoints_answer_403_to_every_role_not_allowed(app, client, tokens):
    checked = 0
    for endpoint, allowed in _protected(app):
        for role in Role:
            if role in allowed:
                continue
            response = call(client, endpoint, token=tokens[role.value])
            assert response.status_code == 403, (endpoint, role)
            assert response.get_json()["error"] == "forbidden"
            checked += 1
    assert checked >= 6


def test_every_endpoint_answers_its_allowed_roles(app, client, tokens):
    for endpoint, allowed in _protected(app):
        for role in allowed:
            response = call(client, endpoint, token=tokens[role.value])
            if endpoint in NEEDS_RECORD:
                assert response.status_code == 404 and response.get_json()["error"] == "not_found", endpoint
                continue
            if endpoint in OTHER_ANSWERS:
                assert response.status_code in OTHER_ANSWERS[endpoint], (endpoint, response.get_json())
                continue
            assert response.status_code in (200, 201, 202), (endpoint, role, response.get_json())


def test_public_endpoints_answer_without_a_token(app, client):
    for endpoint in SAMPLE_CALLS:
        access = access_of(app, endpoint)
        if access is not None and access.public:
            response = call(client, endpoint)
            response.close()  # static files are streamed
            assert response.status_code == 200, endpoint


def test_role_is_checked_before_the_body_is_read(client, tokens):
    # A coach sending garbage to an admin endpoint learns only that it may not call it.
    response = client.put("/api/v1/programs", data=b"\x00not json", content_type="application/json",
                          headers={"Authorization": tokens["coach"]})
    assert response.status_code == 403
    response = client.put("/api/v1/programs", data=b"\x00" * 100_000_000, content_type="application/json")
    assert response.status_code == 401


def test_anonymous_recommendations_when_the_board_turns_them_on(make_app, tokens):
    app = make_app(anonymous_recommendations=True)
    client = app.test_client()
    assert call(client, "recommendations.recommend").status_code == 200
    assert call(client, "recommendations.recommend_batch").status_code == 401  # batch stays for coaches


def test_docs_role_table_matches_the_app(app):
    """docs/api.md's endpoint table lists exactly the app's API routes, each with its access."""
    doc = Path("docs/api.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(GET|POST|PUT|DELETE|PATCH) (/api/v1[^`]*)` \| ([^|]+) \|", doc, flags=re.M)
    documented = {(m, p): who.strip() for m, p, who in rows}
    actual = {}
    for methods, rule, endpoint, access in route_table(app):
        if endpoint not in SAMPLE_CALLS or not rule.startswith("/api/v1/") or endpoint.startswith(
                ("openapi.", "swagger.")):
            continue
        path = re.sub(r"<([^<:]+:)?([^>]+)>", r"{\2}", rule)
        for method in methods.split(","):
            actual[(method, path)] = access.describe()
    assert documented == actual
