"""``RecommendationList.to_dict()``: the fast conversion gives exactly what the plain recursive one gives."""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from matcher.engine import recommend
from matcher.results import Blocker, RecommendationList, ScoreParts, _Plain, _plain

PROFILES: list[dict[str, Any]] = [
    {"zip": "97402", "interests": {"sectors": ["healthcare", "construction"]}},
    {"zip": "97217", "skills": ["forklift", "excell", "zzqx unknown skill"], "work_history": ["warehouse associate"],
     "barriers": ["childcare", "no_drivers_license", "justice_involved"], "needs_income": True, "age": 19,
     "household": {"adults": 1, "children": 2}, "interests": {"sectors": ["transportation_logistics"]}},
    {"zip": "97030", "education": "some_high_school", "languages": ["es"],
     "barriers": ["limited_english", "basic_skills"],
     "interests": {"sectors": ["advanced_manufacturing", "clean_energy"]}, "travel": {"modes": ["transit"]}},
    {"zip": "98660", "needs_income": False, "max_cost_usd": 0, "interests": {"sectors": ["technology"]}},
]


def reference(value: Any) -> Any:
    """The plain recursion the fast path replaces: fields in order, records' own shapes and properties."""
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    if isinstance(value, (list, tuple)):
        return [reference(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        own = getattr(type(value), "to_dict", None)
        if own is not None and own is not _Plain.to_dict and type(value).__module__ != "matcher.results":
            return own(value)  # a record from elsewhere with its own shape (UnmatchedInput)
        out = {f.name: reference(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for extra in ("flagged", "needs_funding"):
            if hasattr(type(value), extra) and isinstance(getattr(type(value), extra), property):
                out[extra] = getattr(value, extra)
        return out
    if isinstance(value, Mapping):
        return {str(k): reference(v) for k, v in value.items()}
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


@pytest.mark.parametrize("profile", PROFILES)
def test_to_dict_equals_the_plain_recursion_key_for_key_and_in_order(profile: dict[str, Any]) -> None:
    result = recommend(profile)
    assert isinstance(result, RecommendationList) and result.items
    fast = result.to_dict()
    slow = reference(result)
    assert fast == slow
    # Same keys in the same order, at every level, so the JSON text is the same too.
    assert json.dumps(fast) == json.dumps(slow)
    assert list(fast) == [f.name for f in dataclasses.fields(result)]


def test_scalars_subclasses_numpy_and_mappings_come_out_as_before() -> None:
    class Kind(str, enum.Enum):
        A = "a"

    @dataclass(frozen=True)
    class Holder(_Plain):
        kind: Kind
        count: np.int64
        share: np.float32
        nested: tuple[tuple[int, ...], ...]
        by_name: Mapping[Any, Any]
        mixed: list[Any]
        _hidden: int = 0

    holder = Holder(Kind.A, np.int64(3), np.float32(0.5), ((1, 2), ()), {1: (np.int64(2),)},
                    [None, True, 1.5, Blocker("r", "m", "x", "board")])
    out = holder.to_dict()
    assert out == {"kind": "a", "count": 3, "share": 0.5, "nested": [[1, 2], []], "by_name": {"1": [2]},
                   "mixed": [None, True, 1.5, {"requirement": "r", "message": "m", "remedy": "x",
                                               "provided_by": "board"}]}
    assert out["kind"] is Kind.A  # a str subclass is kept as it is (json writes it as its text)
    assert type(out["count"]) is int and type(out["share"]) is float
    assert type(_plain(np.float64(0.25))) in (float, np.float64) and _plain(np.float64(0.25)) == 0.25
    assert ScoreParts(*[0.5] * 10).to_dict()["success"] is None
