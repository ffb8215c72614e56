"""One blueprint per area, all under ``/api/v1``.

- :mod:`.recommendations`: ranked, explained programs for a profile or a caseload.
- :mod:`.programs`: browse and search the catalog; import and validate catalogs (admins).
- :mod:`.reference`: skills autocomplete and normalizer, occupations, self-sufficiency targets.
- :mod:`.ops`: liveness, readiness, metrics, and "who am I" for a token.
- :mod:`.admin`: the audit trail.
- :mod:`.kiosk_requests`: contact requests and saved lists job seekers left at the kiosk (coaches).
- :mod:`.history`: referrals, outcomes, a participant's history and its erasure.
- :mod:`.models`: the model registry for evaluators: train (a background job), list, promote, roll back.

The kiosk adds its own (server-rendered) blueprint at ``/``.
"""

from __future__ import annotations

from flask_openapi3 import OpenAPI

PREFIX = "/api/v1"


def register(app: OpenAPI) -> None:
    from . import admin, history, kiosk_requests, models, ops, programs, recommendations, reference

    for module in (recommendations, programs, reference, history, models, ops, admin, kiosk_requests):
        app.register_api(module.bp)
    # No automatic OPTIONS answers: a method a route does not document gets 405 with an exact Allow
    # header (the service does no CORS; a reverse proxy in front can).
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX):
            rule.provide_automatic_options = False  # type: ignore[attr-defined]
            if rule.methods is not None:
                rule.methods.discard("OPTIONS")
