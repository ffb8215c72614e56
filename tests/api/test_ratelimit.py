"""The public rate limit: per client on public endpoints, not for token holders, shared through Redis
when REDIS_URL is set (tests use the Redis on 127.0.0.1:6379 with their own key prefix)."""

from __future__ import annotations

import uuid

import pytest
from api_helpers import call

REDIS_URL = "redis://127.0.0.1:6379/0"


def test_public_endpoints_are_limited_per_client_in_the_error_shape(make_app):
    client = make_app(public_rate_limit="3/minute").test_client()
    statuses = [client.get("/api/v1/skills?q=weld").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/skills?q=weld")
    assert response.get_json()["error"] == "rate_limited" and "3 per 1 minute" in response.get_json()["message"]
    assert int(response.headers["Retry-After"]) > 0
    other_client = client.get("/api/v1/skills?q=weld", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other_client.status_code == 200


def test_token_holders_health_checks_and_protected_endpoints_are_not_limited(make_app):
    app = make_app(public_rate_limit="2/minute")
    client = app.test_client()
    _info, token = app.extensions["matcher"].tokens.create("coach", "coach")
    auth = f"Bearer {token}"
    assert all(client.get("/api/v1/skills?q=weld", headers={"Authorization": auth}).status_code == 200
               for _ in range(5))
    assert all(client.get("/api/v1/healthz").status_code == 200 for _ in range(5))
    assert all(call(client, "recommendations.recommend", token=auth).status_code == 200 for _ in range(3))


def test_anonymous_recommendations_are_limited_when_turned_on(make_app):
    client = make_app(public_rate_limit="2/minute", anonymous_recommendations=True).test_client()
    assert [call(client, "recommendations.recommend").status_code for _ in range(3)] == [200, 200, 429]


def _redis():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except Exception:  # noqa: BLE001 - no server
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    return client


def test_with_redis_every_worker_shares_one_count(make_app):
    redis = _redis()
    prefix = f"matcher-test-{uuid.uuid4().hex[:12]}"
    try:
        # Two apps stand for two gunicorn workers (or two machines): each sees the other's requests.
        first = make_app(public_rate_limit="3/minute", redis_url=REDIS_URL, rate_limit_prefix=prefix).test_client()
        second = make_app(public_rate_limit="3/minute", redis_url=REDIS_URL, rate_limit_prefix=prefix).test_client()
        statuses = [c.get("/api/v1/occupations?q=cook").status_code for c in (first, second, first, second)]
        assert statuses == [200, 200, 200, 429]
        assert redis.keys(f"*{prefix}*"), "the counters are in Redis, under the test's own prefix"
    finally:
        for key in redis.scan_iter(f"*{prefix}*"):
            redis.delete(key)
        redis.close()
