"""Hostile input: hundreds of bodies built to break a JSON API (wrong types, huge strings and arrays,
deep nesting, odd unicode, HTML, SQL-ish text, nulls everywhere, numbers as strings, duplicate keys)
get a 4xx or a 200, never a 5xx, and nothing is stored."""

from __future__ import annotations

import copy
import json
from typing import Any

from api_helpers import EXAMPLE_PROFILE, call, dump_database, small_catalog_document

HOSTILE_VALUES: list[Any] = [
    None, True, 0, -1, 10**30, 1e308, -1e-308, "", " ", "97217", "x" * 5000, "x" * 70_000,
    [], {}, [None] * 500, list(range(3000)), {"$gt": ""}, {"__proto__": {"admin": True}},
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "'; DROP TABLE programs; --",
    "1 OR 1=1", "\" OR \"\"=\"", "${jndi:ldap://x}", "{{7*7}}", "../../etc/passwd", "\u0000", "\u202eevil",
    "😀" * 300, "ñandú café", "\ufeff", "\u200b" * 50, "مرحبا", "𝕏𝕐ℤ", [["nested"] * 3] * 3,
]


def _deep(levels: int) -> Any:
    value: Any = "bottom"
    for _ in range(levels):
        value = {"a": [value]}
    return value


def _leaves(value: Any, fn: Any) -> Any:
    if isinstance(value, dict):
        return {k: _leaves(v, fn) for k, v in value.items()}
    if isinstance(value, list):
        return [_leaves(v, fn) for v in value]
    return fn(value)


def _mutations(base: dict[str, Any]) -> list[Any]:
    out: list[Any] = []
    for key in base:
        for value in HOSTILE_VALUES:
            body = copy.deepcopy(base)
            body[key] = value
            out.append(body)
    out.append(_leaves(base, lambda v: None))  # nulls everywhere
    out.append(_leaves(base, lambda v: str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v))
    out.append(_leaves(base, lambda v: [v]))
    out.append({**base, "extra": _deep(20)})
    out.append(_deep(200))
    return out


RAW_BODIES: list[bytes] = [
    b"", b"null", b"[]", b"{}", b"0", b'"just a string"', b"true", b"{" * 5000, b"[" * 30_000 + b"]" * 30_000,
    b'{"zip": "97217", "zip": "97217"}', b'{"a": 1, "a": 2, "a": 3}', b'{"age": NaN}', b'{"age": -Infinity}',
    b'{"skills": ["\\udfff"]}', b'{"\\ud800": 1}', b"\xef\xbb\xbf{}", b"\x00\x01\x02", b"\xff" * 100,
    json.dumps([1] * 20_000).encode(), b'{"zip": "97217"} trailing', b"{\"zip\": \"97217\"}\n{\"zip\": \"1\"}",
]


def test_hostile_bodies_never_get_a_5xx_and_store_nothing(app, client, tokens):
    admin = tokens["admin"]
    call(client, "recommendations.recommend", token=admin)  # load the catalog first
    before = dump_database(app)
    cases: list[tuple[str, str, Any]] = []
    profile = {**EXAMPLE_PROFILE}
    cases += [("POST", "/api/v1/recommendations", b) for b in _mutations(profile)]
    cases += [("POST", "/api/v1/recommendations/batch", {"profiles": [b]}) for b in _mutations(profile)[::7]]
    cases += [("POST", "/api/v1/skills/normalize", b) for b in _mutations({"phrases": ["fork lift"], "kind": "any"})]
    program = small_catalog_document(1)["programs"][0]
    cases += [("POST", "/api/v1/programs/validate", {"programs": [b]}) for b in _mutations(program)[::3]]
    cases += [("PUT", "/api/v1/programs", b) for b in
              (None, [], {}, {"programs": None}, {"programs": [None]}, {"programs": "x" * 10_000},
               {"programs": [[]]}, {"format": "evil", "programs": []}, {"version": 99, "programs": []},
               _leaves(small_catalog_document(2), lambda v: None), _deep(100), {"programs": [_deep(30)]})]
    # History, kiosk and model routes: bases that are refused as they stand (a program not in the catalog, an
    # enrollment, a request and a model version that do not exist), so no mutation may store anything.
    referral = {"participant_id": "p-hostile", "program_id": "no-such-program", "profile": dict(EXAMPLE_PROFILE),
                "considered_program_ids": ["no-such-program"], "recommended_rank": 3, "override_reason": "schedule",
                "referred_on": "2026-01-05", "training_type": "06",
                "demographics": {"sex": "female", "race_ethnicity": ["asian"], "veteran": False}}
    cases += [("POST", "/api/v1/referrals", b) for b in _mutations(referral)]
    outcome = {"enrollment_id": "e-none", "completed": True, "employed_q2": True, "employed_q4": False,
               "hourly_wage": 21.5, "credential_attained": True, "entry_date": "2026-01-05", "exit_date": "2026-03-01"}
    cases += [("POST", "/api/v1/outcomes", b) for b in _mutations(outcome)[::2]]
    cases += [("POST", "/api/v1/kiosk/contact-requests/0123456789abcdef/refer", b)
              for b in _mutations({"participant_id": "p-1", "program_id": "x", "recommended_rank": 2})[::3]]
    cases += [("POST", "/api/v1/models/v-none/promote", b) for b in _mutations({"reason": "because"})[::3]]
    for raw in RAW_BODIES:
        for url in ("/api/v1/referrals", "/api/v1/outcomes", "/api/v1/models/rollback"):
            cases.append(("POST", url, raw))
    for raw in RAW_BODIES:
        for url in ("/api/v1/recommendations", "/api/v1/skills/normalize", "/api/v1/programs/validate"):
            cases.append(("POST", url, raw))
        cases.append(("PUT", "/api/v1/programs", raw))
    assert len(cases) >= 200, len(cases)
    statuses: dict[int, int] = {}
    for method, url, body in cases:
        if isinstance(body, bytes):
            response = client.open(url, method=method, data=body, content_type="application/json",
                                   headers={"Authorization": admin})
        else:
            response = client.open(url, method=method, json=body, headers={"Authorization": admin})
        assert response.status_code < 500, (method, url, str(body)[:200], response.get_data(as_text=True)[:300])
        payload = response.get_json()
        if response.status_code >= 400:
            assert set(payload) >= {"error", "message"}, payload
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    assert dump_database(app) == before
    assert statuses.get(422, 0) > 100 and statuses.get(400, 0) > 20  # they were refused, not waved through


def test_hostile_query_strings_never_get_a_5xx(client, tokens):
    values = ["", "%00", "'%20OR%201=1", "<script>", "x" * 3000, "-1", "1e309", "NaN", "%F0%9F%98%80", "[]",
              "%ff%fe", "..%2f..%2f"]
    urls = []
    for value in values:
        urls += [f"/api/v1/programs?q={value}", f"/api/v1/programs?sector={value}", f"/api/v1/programs?page={value}",
                 f"/api/v1/skills?q={value}", f"/api/v1/occupations?q={value}", f"/api/v1/target?county={value}",
                 f"/api/v1/target?adults={value}", f"/api/v1/programs/{value}", f"/api/v1/audit?before_id={value}",
                 f"/api/v1/participants/{value}/history", f"/api/v1/jobs/{value}", f"/api/v1/models/{value}"]
    for url in urls:
        response = client.get(url, headers={"Authorization": tokens["admin"]})
        assert response.status_code < 500, (url, response.get_data(as_text=True)[:300])
