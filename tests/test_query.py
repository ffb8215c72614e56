"""Recommendation filters and program search (matcher.query), shared by the CLI and the API."""

from __future__ import annotations

import pytest

from matcher.catalog import default_catalog
from matcher.engine import Recommender
from matcher.errors import ValidationError
from matcher.query import (
    FilteredRecommender,
    ProgramQuery,
    RecommendationFilters,
    programs_passing,
    search_programs,
)

PROFILE = {"zip": "97217", "interests": {"sectors": ["healthcare", "construction"]}, "barriers": ["childcare"]}


@pytest.fixture(scope="module")
def engine():
    return FilteredRecommender(default_catalog())


def test_no_filters_is_the_engine_itself(engine):
    found = engine.recommend(PROFILE, RecommendationFilters(top=7))
    assert found.result.ids == Recommender().fit(default_catalog()).recommend(PROFILE, top=7).ids


def test_sector_and_type_rank_only_what_passes_with_the_same_scores(engine):
    found = engine.recommend(PROFILE, RecommendationFilters.parse(sector="healthcare", type="ojt", top=5))
    assert found.result.items and all(r.sector == "healthcare" and r.type == "ojt" for r in found.result.items)
    full = {r.program_id: r.score for r in Recommender().fit(default_catalog()).recommend(PROFILE, top=None)}
    assert all(abs(full[r.program_id] - r.score) < 1e-6 for r in found.result.items)
    assert found.programs_considered == len(programs_passing(default_catalog(), found.filters))


def test_start_before_leaves_out_undated_and_later_programs(engine):
    filters = RecommendationFilters.parse(start_before="2027-03-01")
    passing = programs_passing(default_catalog(), filters)
    assert passing and all(p.next_start is not None and p.next_start.isoformat() < "2027-03-01" for p in passing)
    found = engine.recommend(PROFILE, filters)
    assert {r.program_id for r in found.result.items} <= set(passing.ids)


def test_max_miles_is_a_strict_cut_that_widens_until_top_is_full(engine):
    found = engine.recommend(PROFILE, RecommendationFilters(max_miles=4.0, top=8))
    items = found.result.items
    assert len(items) == 8
    catalog = default_catalog()
    for r in items:
        assert (r.distance_miles is not None and r.distance_miles <= 4.0) or \
            catalog.get(r.program_id).location.delivery.value == "online"
    assert [r.rank for r in items] == list(range(1, 9))


def test_filter_values_are_checked(engine):
    for kwargs, field in (({"top": 0}, "top"), ({"top": 51}, "top"), ({"max_miles": -2}, "max_miles"),
                          ({"sector": "mining"}, "sector"), ({"start_before": "soon"}, "start_before")):
        with pytest.raises(ValidationError) as exc:
            RecommendationFilters.parse(**kwargs)
        assert exc.value.field == field
    with pytest.raises(ValidationError) as exc:
        engine.recommend({"age": 40}, RecommendationFilters(max_miles=5))
    assert exc.value.field == "max_miles"


def test_slices_are_fitted_once_and_kept_within_the_cache(monkeypatch):
    fits = []

    def make():
        fits.append(1)
        return Recommender()

    engine = FilteredRecommender(default_catalog(), make, cache_size=2)
    for sector in ("healthcare", "construction", "healthcare", "technology", "healthcare"):
        engine.recommend(PROFILE, RecommendationFilters.parse(sector=sector))
    # whole catalog, healthcare, construction, (healthcare cached), technology evicts construction... healthcare
    assert len(fits) == 1 + 3
    assert len(engine._slices) == 2


def test_program_search_pages_and_words():
    page = search_programs(default_catalog(), ProgramQuery.parse(q="Weld", sector="advanced_manufacturing",
                                                                per_page=2))
    assert page.total >= 2 and len(page.programs) == 2 and page.pages == -(-page.total // 2)
    assert all("weld" in (p.name + p.description).lower() for p in page.programs)
    assert search_programs(default_catalog(), ProgramQuery(q="nothing-like-this")).total == 0
    with pytest.raises(ValidationError):
        ProgramQuery(per_page=500)


def test_one_engine_answers_several_threads_at_once_as_it_answers_one(engine):
    """A gunicorn worker's threads share one FilteredRecommender: answers must not mix."""
    from concurrent.futures import ThreadPoolExecutor

    profiles = [{**PROFILE, "zip": z, "skills": [s]} for z in ("97217", "97401", "97030", "98660")
                for s in ("forklift", "cna", "welding", "customer service")]
    filters = [RecommendationFilters(), RecommendationFilters.parse(sector="healthcare"),
               RecommendationFilters(max_miles=10.0)]
    jobs = [(p, f) for p in profiles for f in filters]
    expected = [engine.recommend(p, f).result.to_dict() for p, f in jobs]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda job: engine.recommend(*job).result.to_dict(), jobs * 3))
    assert got == expected * 3
