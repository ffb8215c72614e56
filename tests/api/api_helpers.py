"""Helpers for the API tests: sample profiles and catalogs, one valid call per endpoint, a dump of
every table (to prove a request stored nothing)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text

from matcher.catalog import default_catalog

EXAMPLE_PROFILE: dict[str, Any] = json.loads(Path("docs/examples/seeker_profile.json").read_text())
SMALL_PROFILE: dict[str, Any] = {"zip": "97217", "interests": {"sectors": ["construction"]},
                                 "barriers": ["childcare", "no_drivers_license"], "needs_income": True}


def small_catalog_document(n: int = 12, *, rename: str | None = None) -> dict[str, Any]:
    programs = [p.model_dump(mode="json") for p in default_catalog().programs[:n]]
    if rename:
        programs[0]["name"] = rename
    return {"format": "matcher-catalog", "version": 1, "programs": programs}


#: endpoint -> (method, url, json body or None). One valid call per endpoint of the app.
SAMPLE_CALLS: dict[str, tuple[str, str, Any]] = {
    "recommendations.recommend": ("POST", "/api/v1/recommendations?top=3", SMALL_PROFILE),
    "recommendations.recommend_batch": ("POST", "/api/v1/recommendations/batch?top=2",
                                        {"profiles": [SMALL_PROFILE, EXAMPLE_PROFILE]}),
    "programs.list_programs": ("GET", "/api/v1/programs?sector=healthcare&per_page=5", None),
    "programs.get_program": ("GET", "/api/v1/programs/pdx-con-020", None),
    "programs.import_catalog": ("PUT", "/api/v1/programs", small_catalog_document()),
    "programs.validate_catalog": ("POST", "/api/v1/programs/validate", small_catalog_document()),
    "reference.search_skills": ("GET", "/api/v1/skills?q=fork", None),
    "reference.normalize": ("POST", "/api/v1/skills/normalize", {"phrases": ["fork lift cert", "osha10"]}),
    "reference.search_occupations": ("GET", "/api/v1/occupations?q=warehouse", None),
    "reference.target": ("GET", "/api/v1/target?county=Lane&adults=1&children=2", None),
    "ops.healthz": ("GET", "/api/v1/healthz", None),
    "ops.readyz": ("GET", "/api/v1/readyz", None),
    "ops.prometheus_metrics": ("GET", "/api/v1/metrics", None),
    "ops.whoami": ("GET", "/api/v1/token", None),
    "admin.audit_trail": ("GET", "/api/v1/audit?limit=5", None),
    "openapi.doc_url": ("GET", "/api/v1/openapi.json", None),
    "openapi.openapi": ("GET", "/api/v1/", None),
    "swagger.swagger": ("GET", "/api/v1/swagger", None),
    "swagger.oauth2-redirect": ("GET", "/api/v1/oauth2-redirect.html", None),
    "swagger.static": ("GET", "/api/v1/swagger/js/swagger-ui-bundle.js", None),
    "kiosk_api.contact_requests": ("GET", "/api/v1/kiosk/contact-requests?status=all", None),
    "kiosk_api.contact_request": ("GET", "/api/v1/kiosk/contact-requests/0123456789abcdef", None),
    "kiosk_api.close_contact_request": ("POST", "/api/v1/kiosk/contact-requests/0123456789abcdef/close", None),
    "kiosk_api.delete_contact_request": ("DELETE", "/api/v1/kiosk/contact-requests/0123456789abcdef", None),
    "kiosk_api.saved_list": ("GET", "/api/v1/kiosk/lists/K7M4-QXP9", None),
    "kiosk_api.refer_contact_request": ("POST", "/api/v1/kiosk/contact-requests/0123456789abcdef/refer",
                                        {"participant_id": "p-kiosk"}),
    "history.referral": ("POST", "/api/v1/referrals",
                         {"participant_id": "p-sample", "program_id": default_catalog().programs[0].id,
                          "profile": SMALL_PROFILE, "override_reason": "participant_choice"}),
    "history.outcome": ("POST", "/api/v1/outcomes", {"enrollment_id": "e-none", "completed": True}),
    "history.participant_history": ("GET", "/api/v1/participants/p-none/history", None),
    "history.erase_participant": ("DELETE", "/api/v1/participants/p-none", None),
    "models.train": ("POST", "/api/v1/models/train", {"promote": False}),
    "models.job": ("GET", "/api/v1/jobs/0123456789abcdef", None),
    "models.list_models": ("GET", "/api/v1/models", None),
    "models.model": ("GET", "/api/v1/models/v-none", None),
    "models.promote": ("POST", "/api/v1/models/v-none/promote", {"reason": "test"}),
    "models.rollback": ("POST", "/api/v1/models/rollback", {}),
}

#: Sample calls naming a record a fresh database does not hold: an allowed role gets past the role check to
#: the record's 404 (tests/kiosk has the calls on real records).
NEEDS_RECORD = {"kiosk_api.contact_request", "kiosk_api.close_contact_request", "kiosk_api.delete_contact_request",
                "kiosk_api.saved_list", "history.outcome", "history.participant_history",
                "history.erase_participant", "kiosk_api.refer_contact_request", "models.job", "models.model",
                "models.promote"}
#: Sample calls whose answer on a fresh database is not a success (tests/api/test_models.py has the real ones):
#: a rollback with no earlier model is refused; a second training job while one runs is a conflict.
OTHER_ANSWERS = {"models.rollback": {422}, "models.train": {202, 409}}


def call(client: Any, endpoint: str, token: str | None = None, **changes: Any) -> Any:
    """Make the sample call of ``endpoint`` (optionally with another json body / url)."""
    method, url, body = SAMPLE_CALLS[endpoint]
    url = changes.pop("url", url)
    body = changes.pop("json", copy.deepcopy(body))
    headers = dict(changes.pop("headers", {}))
    if token is not None:
        headers["Authorization"] = token
    if body is None:
        return client.open(url, method=method, headers=headers, **changes)
    return client.open(url, method=method, json=body, headers=headers, **changes)


def dump_database(app: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: compare before and after to prove nothing was stored.

    Except ``audit_keys``: the audit trail's own key, made by the first call that names a participant
    (service state, the same for every person, not anything a request told it)."""
    store = app.extensions["matcher"].store
    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.engine.connect() as conn:
        for name in sorted(set(inspect(conn).get_table_names(schema=store.schema)) - {"audit_keys"}):
            table = f'"{store.schema}"."{name}"' if store.schema else f'"{name}"'
            out[name] = sorted(tuple(r) for r in conn.execute(text(f"SELECT * FROM {table}")))  # noqa: S608
    return out


def register_copy(root: Path, name: str = "v-second") -> str:
    """Register a copy of the promoted version of the registry at ``root`` under another name (a real,
    verified registry entry: its files are the promoted one's)."""
    import shutil

    from matcher.learning.registry import ModelRegistry

    registry = ModelRegistry(root)
    promoted = registry.promoted()
    staging = registry.staging_dir()
    for item in (root / str(promoted)).iterdir():
        if item.name != "SHA256SUMS":
            shutil.copy(item, staging / item.name)
    entry = next(v for v in registry.versions() if v["version"] == promoted)
    return registry.register(staging, name, {"metrics": entry["metrics"], "data_sha256": entry["data_sha256"]})
