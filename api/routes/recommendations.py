"""``POST /recommendations`` and ``POST /recommendations/batch``: the engine's ranked, explained lists.

Nothing about the person is stored, logged or kept in memory after the
response: the profile lives only for the length of the request.
"""

from __future__ import annotations

from typing import Any

from flask_openapi3 import APIBlueprint, Tag

from matcher.auth import Role
from matcher.errors import ValidationError
from matcher.query import RecommendationFilters

from ..access import roles
from ..runtime import Snapshot
from ..schemas import BatchIn, BatchOut, RecommendationsOut, RecommendQuery, SeekerProfile
from ..services import services
from . import PREFIX

bp = APIBlueprint("recommendations", __name__, url_prefix=PREFIX, abp_tags=[Tag(name="recommendations")])


@bp.post("/recommendations", responses={200: RecommendationsOut})
@roles(Role.COACH, Role.ADMIN, public_when="anonymous_recommendations")
def recommend(query: RecommendQuery, body: SeekerProfile) -> dict[str, Any]:
    """Ranked, explained programs for one job seeker.

    The body is a profile (every field optional). Each program comes with its
    score parts, reasons, skill gaps, supports to arrange, blockers with their
    remedies and things to check. Filters narrow which programs are ranked.
    """
    snapshot = services().runtime.snapshot()
    filters = _filters(query)
    found = snapshot.recommender.recommend(body, filters)
    return {**_meta(snapshot, filters), "programs_considered": found.programs_considered,
            "recommendations": found.result.to_dict()}


@bp.post("/recommendations/batch", responses={200: BatchOut})
@roles(Role.COACH, Role.ADMIN)
def recommend_batch(query: RecommendQuery, body: BatchIn) -> dict[str, Any]:
    """Ranked lists for several profiles (a caseload), in the order given.

    Bounded by `MATCHER_BATCH_MAX` (default 50); larger caseloads go through
    `matcher recommend --profiles caseload.jsonl --out recs.jsonl`.
    """
    limit = services().settings.batch_max
    if len(body.profiles) > limit:
        raise ValidationError(f"at most {limit} profiles per request ({len(body.profiles)} given); "
                              "score larger caseloads with `matcher recommend --profiles`", field="profiles")
    snapshot = services().runtime.snapshot()
    filters = _filters(query)
    results = [snapshot.recommender.recommend(p, filters) for p in body.profiles]
    considered = results[0].programs_considered if results else 0
    return {**_meta(snapshot, filters), "programs_considered": considered,
            "results": [r.result.to_dict() for r in results]}


def _filters(query: RecommendQuery) -> RecommendationFilters:
    return RecommendationFilters(sector=query.sector, type=query.type, max_miles=query.max_miles,
                                 start_before=query.start_before, top=query.top)


def _meta(snapshot: Snapshot, filters: RecommendationFilters) -> dict[str, Any]:
    return {"catalog": snapshot.catalog_info(), "model_version": snapshot.model_version,
            "filters": filters.to_dict()}
