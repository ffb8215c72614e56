"""Operations: liveness, readiness, metrics, and who a token is."""

from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify
from flask_openapi3 import APIBlueprint, Tag

from matcher.auth import Role

from .. import metrics
from ..access import public, roles
from ..schemas import HealthOut, ReadyOut, TokenOut
from ..services import services
from . import PREFIX

bp = APIBlueprint("ops", __name__, url_prefix=PREFIX, abp_tags=[Tag(name="operations")])


@bp.get("/healthz", responses={200: HealthOut})
@public(rate_limited=False)
def healthz() -> dict[str, Any]:
    """The process is alive (touches nothing else)."""
    return {"status": "ok"}


@bp.get("/readyz", responses={200: ReadyOut, 503: ReadyOut})
@public(rate_limited=False)
def readyz() -> Response:
    """Ready to serve: the database answers and a catalog is loaded; each check says why not (503)."""
    report = services().runtime.readiness()
    response = jsonify(report)
    response.status_code = 200 if report["ready"] else 503
    return response


@bp.get("/metrics", responses={200: {"description": "Prometheus text exposition format",
                                     "content": {"text/plain": {"schema": {"type": "string"}}}}})
@public(rate_limited=False)
def prometheus_metrics() -> Response:
    """Prometheus text format, summed over every gunicorn worker."""
    return metrics.exposition()


@bp.get("/token", responses={200: TokenOut})
@roles(Role.COACH, Role.EVALUATOR, Role.ADMIN)
def whoami() -> dict[str, Any]:
    """The token making this request: id, name and role (never the secret)."""
    return g.token.to_dict()
