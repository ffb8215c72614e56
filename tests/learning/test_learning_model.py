"""The success model: the compiled tables equal the booster, the fast scorer equals the tables, and fitting is
reproducible."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.catalog import default_catalog
from matcher.engine import Recommender
from matcher.learning.evaluation import build_dataset
from matcher.learning.model import AdditiveTables, ExpectedOutcome, SuccessModel
from matcher.learning.pair_features import FEATURE_NAMES, MONOTONE, PairFeaturizer
from matcher.learning.registry import ModelRegistry


def _data(small_generated):
    featurizer = PairFeaturizer(Recommender().fit(default_catalog()))
    return featurizer, build_dataset(small_generated.history, featurizer)


def test_compiled_tables_reproduce_the_booster_and_its_calibration(small_generated) -> None:
    _, ds = _data(small_generated)
    for method in ("sigmoid", "isotonic"):
        model = SuccessModel(calibration=method).fit(ds.x, ds.label)
        x = ds.x.astype(np.float64)
        assert np.allclose(model.tables_.raw(ds.x), model.booster_.decision_function(x), atol=1e-9)
        assert np.allclose(model.predict_proba(ds.x), model.calibrated_.predict_proba(x)[:, 1], atol=1e-9)
        back = AdditiveTables.from_arrays(model.tables_.to_arrays())
        assert np.array_equal(back.proba(ds.x), model.predict_proba(ds.x))


def test_fitting_is_reproducible_with_a_seed(small_generated) -> None:
    _, ds = _data(small_generated)
    a = SuccessModel(random_state=3).fit(ds.x, ds.label)
    b = SuccessModel(random_state=3).fit(ds.x, ds.label)
    assert np.array_equal(a.predict_proba(ds.x), b.predict_proba(ds.x))


def test_monotone_features_only_move_the_chance_their_way(small_generated) -> None:
    _, ds = _data(small_generated)
    tables = SuccessModel().fit(ds.x, ds.label).tables_
    for j, sign in enumerate(MONOTONE):
        if sign and len(tables.thresholds[j]):
            steps = np.diff(tables.values[j])
            assert (sign * steps >= -1e-12).all(), FEATURE_NAMES[j]


def test_the_fast_scorer_equals_the_tables_on_the_stacked_features(small_generated) -> None:
    loaded = ModelRegistry().load()
    featurizer = PairFeaturizer(Recommender().fit(default_catalog()), loaded.rates)
    hook = ExpectedOutcome(loaded.tables, loaded.wages, featurizer)
    profiles = [p.profile for p in small_generated.history.participants[:64]]
    pb = featurizer.compile(profiles)
    cols = np.arange(len(featurizer.program_ids))
    fast, excluded = hook.probability(pb, cols)
    x, _ = featurizer.grid(pb, cols)
    slow = loaded.tables.proba(x.reshape(-1, x.shape[-1])).reshape(excluded.shape)
    assert np.allclose(fast[~excluded], slow[~excluded], atol=1e-12)
    assert (fast[excluded] == 0).all()


def test_pair_features_are_the_same_built_on_two_worker_processes(small_generated) -> None:
    featurizer = PairFeaturizer(Recommender().fit(default_catalog()))
    here = build_dataset(small_generated.history, featurizer, workers=1)
    forked = build_dataset(small_generated.history, featurizer, workers=2, chunk=256)  # several chunks each
    assert np.array_equal(here.x, forked.x)
    assert np.array_equal(here.excluded, forked.excluded)
    assert np.array_equal(here.target, forked.target)
    assert here.participant_ids == forked.participant_ids
    assert list(here.demographics) == list(forked.demographics)


def test_booster_rows_cap_samples_each_outcome_in_its_share() -> None:
    from matcher.learning.model import booster_rows

    rng = np.random.default_rng(0)
    y = rng.random(10_000) < 0.3
    eligible = rng.random(10_000) < 0.8
    assert np.array_equal(booster_rows(y, eligible, None, rng), np.flatnonzero(eligible))
    assert np.array_equal(booster_rows(y, eligible, 10**6, rng), np.flatnonzero(eligible))
    rows = booster_rows(y, eligible, 2000, rng)
    assert abs(len(rows) - 2000) <= 1 and eligible[rows].all() and (np.diff(rows) > 0).all()
    assert abs(y[rows].mean() - y[eligible].mean()) < 1e-3


def test_a_capped_booster_grows_on_the_cap_and_still_calibrates_on_its_share(small_generated) -> None:
    _, ds = _data(small_generated)
    model = SuccessModel(max_booster_rows=800).fit(ds.x, ds.label)
    assert model.n_booster_rows_ <= 801
    full = SuccessModel().fit(ds.x, ds.label)
    assert full.n_booster_rows_ > 1500
    x = ds.x.astype(np.float64)
    assert np.allclose(model.tables_.raw(ds.x), model.booster_.decision_function(x), atol=1e-9)


def test_pair_features_fork_workers_only_for_mid_sized_histories_and_no_other_threads() -> None:
    import threading

    from matcher.learning.evaluation import PARALLEL_MAX_ROWS, PARALLEL_MIN_ROWS, _worker_count

    assert _worker_count(None, PARALLEL_MIN_ROWS - 1) == 1
    assert _worker_count(None, PARALLEL_MAX_ROWS + 1) == 1  # the processes' memory would pass the 4 GB budget
    assert _worker_count(3, 10) == 3  # asked for explicitly
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert _worker_count(None, 10 * PARALLEL_MIN_ROWS) == 1
    finally:
        stop.set()
        other.join()


def test_program_rates_shrink_each_programs_success_rate_toward_the_overall_rate() -> None:
    from matcher.learning.pair_features import ProgramRates

    rates = ProgramRates.learn(["a", "b", "a", "c", "a", "b"], [True, False, True, True, False, False])
    prior = 0.5  # 3 successes of 6
    assert rates.prior == prior
    assert rates.by_program == pytest.approx({"a": (2 + prior * 20) / (3 + 20), "b": (0 + prior * 20) / (2 + 20),
                                              "c": (1 + prior * 20) / (1 + 20)}, abs=1e-15)
    assert rates.of("never seen") == prior
    assert ProgramRates.learn([], []).by_program == {}


def test_encoded_program_rates_are_the_rates_learned_from_the_fit_rows(small_generated) -> None:
    from matcher.learning.pair_features import INDEX, ProgramRates
    from matcher.learning.training import encode_program_rates

    _, ds = _data(small_generated)
    fit, others = np.arange(0, len(ds), 2), np.arange(1, len(ds), 2)
    table = encode_program_rates(ds, fit, others)
    expected = ProgramRates.learn([ds.program_ids[i] for i in fit], list(ds.label[fit]))
    assert table.prior == pytest.approx(expected.prior, abs=1e-15)
    assert table.by_program == pytest.approx(expected.by_program, abs=1e-12)
    col = INDEX["program_success_rate"]
    assert np.allclose(ds.x[others, col], [expected.of(ds.program_ids[i]) for i in others], atol=1e-6)
