"""Every bad request gets a 4xx in the one error shape, naming the field: malformed JSON, wrong types,
unknown fields, oversized bodies, wrong content type, unknown ids and routes, bad query parameters."""

from __future__ import annotations

import pytest
from api_helpers import SMALL_PROFILE

URL = "/api/v1/recommendations"


@pytest.fixture
def coach(tokens):
    return {"Authorization": tokens["coach"]}


def _shape(response, status, error, field=None):
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert set(body) <= {"error", "message", "field", "problems"}
    assert body["error"] == error and isinstance(body["message"], str) and body["message"]
    if field is not None:
        assert body["field"] == field
    return body


@pytest.mark.parametrize("raw, message", [
    (b'{"zip": "97217",', "not valid JSON"),
    (b"{'zip': '97217'}", "not valid JSON"),
    (b'{"zip": "97217", "zip": "97211"}', "appears twice"),
    (b'{"age": NaN}', "not a JSON number"),
    (b'{"age": Infinity}', "not a JSON number"),
    (b'{"skills": ["\\ud800"]}', "surrogate"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b"[" * 40 + b"]" * 40, "nested"),
    (b"[" * 60_000, "nested"),
])
def test_malformed_json_is_a_400(client, coach, raw, message):
    body = _shape(client.post(URL, data=raw, content_type="application/json", headers=coach), 400, "bad_request")
    assert message in body["message"]


def test_no_body_is_a_400(client, coach):
    body = _shape(client.post(URL, headers=coach), 400, "validation_error")
    assert body["message"].endswith("the request needs a JSON body")


@pytest.mark.parametrize("body, field", [
    ([SMALL_PROFILE], "(record)"),
    ("a string", "(record)"),
    ({"age": "thirty"}, "age"),
    ({"age": 12}, "age"),
    ({"zip": [97217]}, "zip"),
    ({"household": {"adults": 0}}, "household.adults"),
    ({"interests": {"sectors": ["space"]}}, "interests.sectors.0"),
    ({"languages": []}, "languages"),
    ({"favourite_colour": "blue"}, "favourite_colour"),
    ({"travel": {"max_miles": 10, "teleport": True}}, "travel.teleport"),
    ({"record_categories": ["felony"]}, "(record)"),
])
def test_invalid_profiles_are_422_naming_the_field(client, coach, body, field):
    _shape(client.post(URL, json=body, headers=coach), 422, "validation_error", field)


@pytest.mark.parametrize("query, field", [
    ("top=0", "top"), ("top=51", "top"), ("top=ten", "top"), ("sector=mining", "sector"),
    ("type=bootcamp", "type"), ("max_miles=-1", "max_miles"), ("start_before=2026-13-01", "start_before"),
    ("colour=red", "colour"),
])
def test_bad_query_parameters_are_422_naming_them(client, coach, query, field):
    _shape(client.post(f"{URL}?{query}", json=SMALL_PROFILE, headers=coach), 422, "validation_error", field)


def test_wrong_content_type_is_a_415(client, coach):
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        response = client.post(URL, data=b'{"zip": "97217"}', content_type=content_type, headers=coach)
        _shape(response, 415, "unsupported_media_type", "Content-Type")


def test_a_body_over_64_kib_is_a_413(client, coach):
    big = {"skills": ["x" * 150] * 500}
    _shape(client.post(URL, json=big, headers=coach), 413, "payload_too_large", "body")


def test_a_chunked_body_over_the_limit_is_a_413_too(client, coach):
    import io

    stream = io.BytesIO(b'{"skills": ["' + b"x" * 70_000 + b'"]}')
    # gunicorn marks a chunked body as terminated (it de-chunks it); Werkzeug reads it only then.
    response = client.post(URL, input_stream=stream, content_type="application/json",
                           headers={**coach, "Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})
    _shape(response, 413, "payload_too_large")


def test_unknown_routes_and_methods(client, coach):
    _shape(client.get("/api/v1/nothing-here"), 404, "not_found", "path")
    response = client.delete("/api/v1/programs/pdx-con-020", headers=coach)
    _shape(response, 405, "method_not_allowed", "method")
    assert "GET" in response.headers["Allow"]


def test_the_root_is_left_for_the_kiosk(client):
    assert client.get("/").status_code == 404


def test_an_unexpected_failure_is_a_500_in_the_same_shape_without_its_message(app, client, coach, caplog):
    def boom(*args, **kwargs):
        raise RuntimeError("profile said: justice_involved")

    app.extensions["matcher"].runtime.snapshot = boom
    response = client.post(URL, json=SMALL_PROFILE, headers=coach)
    body = _shape(response, 500, "internal_error")
    assert "justice_involved" not in response.get_data(as_text=True)
    assert "justice_involved" not in caplog.text
    assert body["message"].startswith("the server failed")
