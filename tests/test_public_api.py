"""The deliberate public API: what README and docs show works from ``import matcher``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import matcher

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


def test_every_public_name_resolves() -> None:
    for name in matcher.__all__:
        assert getattr(matcher, name) is not None, name


def test_the_documented_reader_result_fits_an_engine_directly() -> None:
    result = matcher.read_catalog(EXAMPLES / "catalog.csv")
    engine = matcher.Recommender().fit(result)  # an ImportResult, as read_catalog returns it
    assert engine.catalog_.size == len(result.programs)
    assert matcher.Recommender().fit(result.catalog).catalog_.size == len(result.programs)


def test_one_call_recommend_on_the_sample_catalog() -> None:
    result = matcher.recommend({"zip": "97217", "interests": {"sectors": ["construction"]}}, top=3)
    assert isinstance(result, matcher.RecommendationList) and len(result) == 3


def test_importing_matcher_loads_no_engine_or_data() -> None:
    code = "import sys, matcher; print(sorted(m for m in sys.modules if m.startswith('matcher')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['matcher']"


def test_an_unknown_name_is_an_attribute_error() -> None:
    import pytest

    with pytest.raises(AttributeError):
        _ = matcher.no_such_thing  # type: ignore[attr-defined]


def test_all_lists_exactly_the_exports() -> None:
    assert sorted(matcher.__all__) == sorted(matcher._EXPORTS)
