"""The learned model's hooks into the engine: scoring from the engine's own arrays, a safe upper bound,
exact pruning, and reasons that land where a person reads them.

The shipped model's ``predict_details`` (features read from the ranking pass) and ``upper_bound`` (to skip
programs that cannot reach a list) are speed paths: they must never change a ranking. A model offering
only ``predict`` is the reference.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Any

import numpy as np
import pytest

from matcher.catalog import default_catalog
from matcher.engine import EngineConfig, Recommender
from matcher.errors import ValidationError
from matcher.learning.generator import GeneratedHistory
from matcher.learning.model import ExpectedOutcome
from matcher.learning.registry import ModelRegistry
from matcher.learning.serving import bind
from matcher.scoring import PairDetails, SuccessReason

CATALOG = default_catalog()


@lru_cache(maxsize=1)
def shipped() -> tuple[Recommender, ExpectedOutcome]:
    return bind(ModelRegistry().load(), CATALOG)


class OnlyPredict:
    """The shipped model seen through the plain protocol: no details, no bound, no reasons; counts cells."""

    def __init__(self, hook: ExpectedOutcome) -> None:
        self.hook = hook

    def predict(self, pb: Any, cat: Any, cols: np.ndarray) -> np.ndarray:
        return self.hook.predict(pb, cat, cols)


class Counting:
    """The shipped model with its fast hooks, counting the cells it is asked to score."""

    def __init__(self, hook: ExpectedOutcome) -> None:
        self.hook = hook
        self.cells = 0
        self.grid = 0

    def predict(self, pb: Any, cat: Any, cols: np.ndarray) -> np.ndarray:
        return self.hook.predict(pb, cat, cols)

    def upper_bound(self, pb: Any, cat: Any, cols: np.ndarray) -> np.ndarray:
        return self.hook.upper_bound(pb, cat, cols)

    def predict_details(self, pb: Any, cat: Any, cols: np.ndarray, details: PairDetails) -> np.ndarray:
        within = ~details.excluded if details.within is None else details.within & ~details.excluded
        self.cells += int(np.count_nonzero(within))
        self.grid += int(np.count_nonzero(~details.excluded))
        return self.hook.predict_details(pb, cat, cols, details)


def _engine_with(model: Any) -> Recommender:
    engine, _ = shipped()
    config = dataclasses.replace(engine.config, weights=dict(engine.weights_))
    return Recommender(config, success_model=model).fit(CATALOG)


@pytest.fixture(scope="module")
def seekers(small_generated: GeneratedHistory) -> list[Any]:
    return [p.profile for p in small_generated.history.participants[:120]]


def test_scoring_from_the_engines_arrays_equals_the_plain_prediction(seekers: list[Any]) -> None:
    engine, hook = shipped()
    pb = engine.compile_seekers(seekers[:40])
    cols = np.arange(engine.catalog_.size)
    elig, comps = engine.score_details(pb, cols)
    plain = hook.predict(pb, engine.catalog_, cols)
    detailed = hook.predict_details(pb, engine.catalog_, cols, PairDetails(elig.excluded, comps))
    kept = ~elig.excluded
    assert kept.sum() > 1000
    np.testing.assert_allclose(detailed[kept], plain[kept], rtol=0, atol=1e-6)
    # ``within`` limits the cells scored; the others stay 0
    half = kept & (np.arange(cols.size)[None, :] % 2 == 0)
    some = hook.predict_details(pb, engine.catalog_, cols, PairDetails(elig.excluded, comps, half))
    np.testing.assert_allclose(some[half], plain[half], rtol=0, atol=1e-6)
    assert not some[kept & ~half].any()


def test_the_upper_bound_is_never_below_the_prediction(seekers: list[Any]) -> None:
    engine, hook = shipped()
    pb = engine.compile_seekers(seekers)
    cols = np.arange(engine.catalog_.size)
    bound = hook.upper_bound(pb, engine.catalog_, cols)
    predicted = hook.predict(pb, engine.catalog_, cols)
    assert bound.shape == predicted.shape
    assert np.all(bound + 1e-6 >= predicted)
    assert np.all(bound <= 1.0)
    assert bound.mean() < 0.95  # a bound that is always 1 would prune nothing


@pytest.mark.parametrize("top", [1, 3, 10])
def test_pruning_with_the_bound_ranks_exactly_as_the_plain_model(seekers: list[Any], top: int) -> None:
    engine, hook = shipped()
    reference = _engine_with(OnlyPredict(hook))
    counting = Counting(hook)
    fast = _engine_with(counting)
    assert list(fast.rank_ids(seekers, top=top)) == list(reference.rank_ids(seekers, top=top))
    assert list(fast.rank_ids(seekers, top=top)) == list(engine.rank_ids(seekers, top=top))
    if top <= 3:  # a short list needs far fewer cells than the grid: the pruning really ran
        assert counting.cells < 0.6 * counting.grid
    for seeker in seekers[:15]:
        a, b = fast.recommend(seeker, top=top), reference.recommend(seeker, top=top)
        assert [r.program_id for r in a.items] == [r.program_id for r in b.items]


def test_a_wrong_bound_over_one_is_treated_as_one_so_nothing_is_lost(seekers: list[Any]) -> None:
    _, hook = shipped()

    class Overbound(Counting):
        def upper_bound(self, pb: Any, cat: Any, cols: np.ndarray) -> np.ndarray:
            return np.full((pb.size, len(cols)), np.nan, dtype=np.float32)

    reference = _engine_with(OnlyPredict(hook))
    assert list(_engine_with(Overbound(hook)).rank_ids(seekers, top=3)) == list(reference.rank_ids(seekers, top=3))


class Says:
    """A stand-in detailed model: one favourable and one unfavourable sentence, by program id."""

    def __init__(self, good: str, bad: str) -> None:
        self.good, self.bad = good, bad

    def predict(self, pb: Any, cat: Any, cols: np.ndarray) -> np.ndarray:
        row = np.where(np.asarray(cat.ids)[cols] == self.good, 1.0, 0.3).astype(np.float32)
        return np.broadcast_to(row, (pb.size, len(cols))).copy()

    def predict_details(self, pb: Any, cat: Any, cols: np.ndarray, details: PairDetails) -> np.ndarray:
        return self.predict(pb, cat, cols)

    def reasons(self, pb: Any, cat: Any, cols: np.ndarray, details: PairDetails) -> list[SuccessReason | None]:
        ids = np.asarray(cat.ids)[cols]
        return [SuccessReason("GOOD-SENTENCE", True) if i == self.good
                else SuccessReason("BAD-SENTENCE", False) if i == self.bad else None for i in ids]


def test_a_favourable_model_sentence_is_a_reason_and_an_unfavourable_one_a_note() -> None:
    profile = {"zip": "97214", "interests": {"sectors": ["construction"]}}
    plain = Recommender(EngineConfig()).fit(CATALOG).recommend(profile, top=5)
    good, bad = plain.items[3].program_id, plain.items[0].program_id
    result = Recommender(EngineConfig(), success_model=Says(good, bad)).fit(CATALOG).recommend(profile, top=5)
    by_id = {r.program_id: r for r in result.items}
    assert good in by_id and bad in by_id
    assert "GOOD-SENTENCE" in by_id[good].reasons and "GOOD-SENTENCE" not in by_id[good].notes
    assert "BAD-SENTENCE" in by_id[bad].notes and "BAD-SENTENCE" not in by_id[bad].reasons
    others = [r for r in result.items if r.program_id not in (good, bad)]
    assert not any("SENTENCE" in s for r in others for s in (*r.reasons, *r.notes))
    assert max(r.score for r in result.items) == 1.0  # relative to the list's best


def test_a_boards_own_self_sufficiency_table_reaches_the_model_backed_engine() -> None:
    import functools

    from matcher.learning.serving import ModelRecommender
    from matcher.selfsufficiency import target_for_profile

    def board_table(profile: Any) -> Any:  # a board whose table puts every target at $99.00 an hour
        found = target_for_profile(profile)
        return dataclasses.replace(found, hourly_wage=99.0) if found is not None else None

    profile = {"zip": "97214", "interests": {"sectors": ["construction"]}}
    shipped_target = ModelRecommender(CATALOG).recommend(profile, top=3)
    board = ModelRecommender(CATALOG, target_for_profile=functools.partial(board_table))
    result = board.recommend(profile, top=3)
    assert result.target_wage == 99.0 and shipped_target.target_wage != 99.0
    # the model's features read the board's target too (its wage reach falls against $99)
    pb = board.engine.compile_seekers([profile])
    cols = np.arange(board.engine.catalog_.size)
    assert board.hook.predict(pb, board.engine.catalog_, cols).max() < \
        shipped()[1].predict(shipped()[0].compile_seekers([profile]), shipped()[0].catalog_, cols).max()


def test_the_model_engine_shares_the_compiled_catalog_and_ranks_as_a_fresh_fit(seekers: list[Any]) -> None:
    engine, hook = shipped()
    # bind() compiles the catalog once: the model's engine reuses the feature engine's.
    assert engine.catalog_ is hook.featurizer.engine.catalog_
    fresh = _engine_with(hook)
    for profile in seekers[:40]:
        a, b = engine.recommend(profile, top=10), fresh.recommend(profile, top=10)
        assert a.items == b.items and a.items


def test_with_success_model_changes_weights_only() -> None:
    engine, hook = shipped()
    with pytest.raises(ValidationError) as exc:
        engine.with_success_model(hook, dataclasses.replace(engine.config, remedy_distance_miles=1.0))
    assert exc.value.field == "config"
    with pytest.raises(ValidationError):
        Recommender().with_success_model(hook, EngineConfig())  # not fitted
