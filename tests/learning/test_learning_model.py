"""The success model: the compiled tables equal the booster, the fast scorer equals the tables, and fitting is
reproducible."""

from __future__ import annotations

import numpy as np

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
