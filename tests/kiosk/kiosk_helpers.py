"""Helpers for the kiosk tests: answer the steps through the test client as a browser would."""

from __future__ import annotations

import json
import re
from typing import Any

#: One person's answers, step by step (form field -> value or values).
TRANSIT_NEEDS_INCOME: dict[str, dict[str, Any]] = {
    "interests": {"sectors": ["construction", "clean_energy"], "job_goal": ""},
    "skills": {"skills": "forklift, customer service", "past_job": "", "education": "hs_diploma_or_ged",
               "languages": ["en"]},
    "place": {"zip": "97217", "travel": ["transit"], "online_ok": "yes"},
    "time": {"times": ["day", "evening"], "hours": "", "needs_income": "yes", "adults": "1", "children": "2"},
    "private": {"barriers": ["childcare", "transportation"]},
}


def csrf_token(client: Any, path: str = "/") -> str:
    html = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def post(client: Any, path: str, data: dict[str, Any], *, token: str | None = None) -> Any:
    body = {"csrf_token": token if token is not None else csrf_token(client)}
    body.update(data)
    return client.post(path, data=body)


def answer_all(client: Any, answers: dict[str, dict[str, Any]] | None = None) -> None:
    """Answer every step (confirming "did you mean" as it stands); the results page is then ready."""
    for step, data in (answers or TRANSIT_NEEDS_INCOME).items():
        response = post(client, f"/step/{step}", data)
        if response.status_code == 200 and "did-you-mean" in response.get_data(as_text=True):
            response = post(client, f"/step/{step}", {**data, "confirmed": "1"})
        assert response.status_code == 303, (step, response.status_code, response.get_data(as_text=True)[:500])


def session_of(app: Any, client: Any) -> dict[str, Any] | None:
    """The kiosk cookie's content, decrypted with the app's key (None: no cookie)."""
    cookie = client.get_cookie("kiosk")
    if cookie is None:
        return None
    payload = app.session_interface.fernet.decrypt(cookie.value.encode("ascii"))
    return json.loads(payload)


def dump_database(app: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (as tests/api/api_helpers.py does): compare before and after."""
    from sqlalchemy import inspect, text

    store = app.extensions["matcher"].store
    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.engine.connect() as conn:
        for name in sorted(inspect(conn).get_table_names(schema=store.schema)):
            table = f'"{store.schema}"."{name}"' if store.schema else f'"{name}"'
            out[name] = sorted(tuple(r) for r in conn.execute(text(f"SELECT * FROM {table}")))  # noqa: S608
    return out
