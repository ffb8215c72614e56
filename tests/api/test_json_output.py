"""The API's JSON bodies, written by orjson (api/jsonout.py), are the bytes Flask's own provider writes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from api_helpers import EXAMPLE_PROFILE, SAMPLE_CALLS, call
from flask.json.provider import DefaultJSONProvider

from api.jsonout import OrjsonProvider

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from bench_api import profiles  # noqa: E402 - the load test's 60 varied profiles


def flask_bytes(app: Any, obj: Any) -> bytes:
    standard = DefaultJSONProvider(app)
    standard.sort_keys = app.json.sort_keys
    return standard.response(obj).get_data()


def test_every_body_the_app_answers_with_is_flasks_own_bytes(app: Any, tokens: dict[str, str]) -> None:
    provider = app.json
    assert isinstance(provider, OrjsonProvider)
    seen: list[Any] = []
    answer = provider.response

    def recording(*args: Any, **kwargs: Any) -> Any:
        obj = provider._prepare_response_obj(args, kwargs)
        seen.append(obj)
        return answer(obj)

    provider.response = recording  # type: ignore[method-assign]
    client = app.test_client()
    bodies = []
    for profile in [*profiles()[:20], EXAMPLE_PROFILE]:  # full explained lists
        response = client.post("/api/v1/recommendations", json=profile, headers={"Authorization": tokens["coach"]})
        bodies.append(response.get_data())
    for endpoint in SAMPLE_CALLS:  # every endpoint once, as an admin; then without a token (errors)
        if endpoint.startswith(("swagger.", "openapi.")) or endpoint in ("ops.prometheus_metrics", "models.train"):
            continue  # not JSON; or a training run (tests/api/test_models.py has its answers)
        call(client, endpoint, token=tokens["admin"])
        call(client, endpoint)
    client.post("/api/v1/recommendations", data=b'{"age": "thirty"}', content_type="application/json",
                headers={"Authorization": tokens["coach"]})
    assert len(seen) > 60
    assert bodies == [flask_bytes(app, obj) for obj in seen[:len(bodies)]]
    differ = [i for i, obj in enumerate(seen) if answer(obj).get_data() != flask_bytes(app, obj)]
    assert differ == []  # (indexes only: a diff of 20 KB bodies is no help)
    fast = sum(provider.fast_dumps(obj) is not None for obj in seen)
    assert fast >= 0.9 * len(seen)  # orjson wrote nearly all of them


@dataclasses.dataclass
class Record:
    when: dt.date
    name: str


@pytest.mark.parametrize("value", [
    {"b": 1, "a": [1.5, -0.0, 1e16, 123456789.123, None, True, "x"]},
    {"text": "Peña — café"},  # non-ASCII: Flask escapes it
    {"when": dt.datetime(2026, 12, 1, 23, 5, tzinfo=dt.UTC), "day": dt.date(2026, 1, 2)},  # http dates
    {"record": Record(dt.date(2026, 1, 2), "x"), "id": uuid.UUID(int=5)},
    {"big": 2**70},  # over 64 bits
    {1: "not a string key"},
    {"surrogate": "\ud800"},
    [],
    "plain",
])
def test_values_orjson_would_write_otherwise_are_written_as_flask_writes_them(make_app: Any, value: Any) -> None:
    app = make_app()
    with app.app_context():
        assert app.json.response(value).get_data() == flask_bytes(app, value)


def test_keys_stay_in_order_unless_sorting_is_asked_for(make_app: Any) -> None:
    app = make_app()
    value = {"b": {"z": 1, "y": 2}, "a": 0}
    with app.app_context():
        assert app.json.response(value).get_data() == b'{"b":{"z":1,"y":2},"a":0}\n'
        app.json.sort_keys = True
        assert app.json.response(value).get_data() == flask_bytes(app, value) == b'{"a":0,"b":{"y":2,"z":1}}\n'


def test_debug_output_is_flasks_pretty_printing(make_app: Any) -> None:
    app = make_app()
    app.debug = True
    with app.app_context():
        pretty = b'{\n  "a": [\n    1\n  ]\n}\n'
        assert app.json.response({"a": [1]}).get_data() == flask_bytes(app, {"a": [1]}) == pretty
