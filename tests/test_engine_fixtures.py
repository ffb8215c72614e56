"""Small programs and engines for the engine tests (helpers only: no tests here)."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from matcher.engine import EngineConfig, Recommender
from matcher.records import Program, parse_program

# Portland (SE, ZIP 97214); the other places are measured from here.
PDX = {"zip": "97214", "latitude": 45.5137, "longitude": -122.6424, "county": "Multnomah", "state": "OR"}
# Hillsboro, about 15 miles west.
HILLSBORO = {"zip": "97124", "latitude": 45.5229, "longitude": -122.9898, "county": "Washington", "state": "OR"}
# Eugene, about 105 miles south.
EUGENE = {"zip": "97401", "latitude": 44.0521, "longitude": -123.0868, "county": "Lane", "state": "OR"}

BASE: dict[str, Any] = {
    "id": "base",
    "name": "Warehouse Basics",
    "provider": "Acme Training",
    "type": "occupational_skills",
    "sector": "transportation_logistics",
    "target_occupations": ["53-7062.00"],
    "schedule": {"times": ["day"], "hours_per_week": 20},
    "duration_weeks": 8,
    "location": PDX,
}


def merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def program(id: str, **changes: Any) -> Program:  # noqa: A002 - mirrors the record field
    """A valid program: BASE with (nested) fields replaced."""
    return parse_program(merge(BASE, {"id": id, **changes}))


def engine(programs: Iterable[Program], config: EngineConfig | None = None, **kwargs: Any) -> Recommender:
    """An engine over ``programs`` without free-text normalisation (exact IDs only), so tests are exact."""
    kwargs.setdefault("normalizer", False)
    return Recommender(config, **kwargs).fit(list(programs))


def ids(result: Any) -> list[str]:
    return [r.program_id for r in result.items]


def by_id(result: Any) -> dict[str, Any]:
    return {r.program_id: r for r in result.items}
