"""Skills, occupations and self-sufficiency targets: what forms and coaches look up while typing.

All public (rate limited): nothing here is about a person. The skills and
occupations searches are the CLI's (``matcher skills search``,
``matcher occupations search``), fast enough to call on every keystroke
(a few milliseconds on the shipped taxonomy: docs/benchmarks.md).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from flask_openapi3 import APIBlueprint, Tag

from matcher.errors import FieldProblem, NotFoundError, ValidationError
from matcher.normalize import Normalizer
from matcher.taxonomy import load_taxonomy

from ..access import public
from ..schemas import NormalizeIn, NormalizeOut, OccupationsOut, SearchQuery, SkillsOut, TargetOut, TargetQuery
from ..services import services
from . import PREFIX

bp = APIBlueprint("reference", __name__, url_prefix=PREFIX, abp_tags=[Tag(name="reference")])


@bp.get("/skills", responses={200: SkillsOut})
@public(rate_limited=True)
def search_skills(query: SearchQuery) -> dict[str, Any]:
    """Autocomplete: skills, credentials, technologies and tools whose name or alias matches."""
    hits = load_taxonomy().search_skills(query.q, limit=query.limit)
    return {"results": [{"id": s.id, "name": s.name, "kind": s.kind, "aliases": list(s.aliases), "score": score}
                        for s, score in hits]}


@bp.post("/skills/normalize", responses={200: NormalizeOut})
@public(rate_limited=True)
def normalize(body: NormalizeIn) -> dict[str, Any]:
    """Free text to taxonomy ids ("fork lift cert" -> cred:forklift), each with a confidence.

    A phrase that cannot be matched comes back unmatched, with suggestions: it is never guessed."""
    try:
        matches = Normalizer(threshold=body.threshold).normalize_many(list(body.phrases), kind=body.kind)
    except ValidationError as exc:  # the library names them text[i]; here they are phrases.i
        problems = [FieldProblem(re.sub(r"^text\[(\d+)\]$", r"phrases.\1", p.field), p.message) for p in exc.problems]
        raise ValidationError(exc.message.replace("text[", "phrases["), field=problems[0].field if problems else
                              "phrases", problems=problems) from None
    return {"results": [m.to_dict() for m in matches]}


@bp.get("/occupations", responses={200: OccupationsOut})
@public(rate_limited=True)
def search_occupations(query: SearchQuery) -> dict[str, Any]:
    """O*NET occupations by title, common job title or alternate title."""
    hits = load_taxonomy().search_occupations(query.q, limit=query.limit)
    return {"results": [{"code": o.code, "title": o.title, "job_zone": o.job_zone,
                         "typical_education": o.typical_education.value if o.typical_education else None,
                         "soc2018": o.soc2018, "score": score} for o, score in hits]}


@bp.get("/target", responses={200: TargetOut})
@public(rate_limited=True)
def target(query: TargetQuery) -> dict[str, Any]:
    """The self-sufficiency hourly wage for a household in a county (marked when it is an estimate)."""
    try:
        found = services().targets.target(query.adults, query.children, query.county)
    except NotFoundError as exc:
        raise NotFoundError(exc.message, field="county") from None
    return {"target": dataclasses.asdict(found)}
