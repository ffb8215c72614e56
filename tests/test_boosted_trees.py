"""Boosted trees as arrays: a copy of scikit-learn's model scores as it does, saved and loaded whole."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from matcher.boosted_trees import BoostedTrees, from_sklearn


def _stump(left_value: float, right_value: float, missing_left: bool = True) -> BoostedTrees:
    """One tree: node 0 splits feature 1 at 0.5; node 1 (left) and node 2 (right) are leaves."""
    return BoostedTrees(feature=[1, 0, 0], threshold=[0.5, 0.0, 0.0], left=[1, 1, 2], right=[2, 1, 2],
                        value=[0.0, left_value, right_value], missing_left=[missing_left, False, False],
                        roots=[0], baseline=0.25)


def test_a_stump_scores_baseline_plus_the_leaf_it_reaches():
    trees = _stump(-1.0, 2.0)
    X = np.array([[9.0, 0.5], [9.0, 0.6], [9.0, np.nan]])
    assert trees.decision_function(X).tolist() == [-0.75, 2.25, -0.75]  # x <= threshold goes left
    assert trees.predict_proba(X)[1] == pytest.approx(1 / (1 + np.exp(-2.25)), abs=1e-15)
    assert _stump(-1.0, 2.0, missing_left=False).decision_function(X)[2] == 2.25


def test_probabilities_of_extreme_scores_do_not_overflow():
    with np.errstate(over="raise", invalid="raise"):  # an overflow in exp would raise here
        proba = _stump(-1000.0, 1000.0).predict_proba(np.array([[0.0, 0.0], [0.0, 1.0]]))
    assert proba.tolist() == [0.0, 1.0]


def test_rows_of_the_wrong_width_are_refused():
    with pytest.raises(ValueError, match="2 features"):
        _stump(0.0, 1.0).decision_function(np.zeros((3, 1)))


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 6))
    X[rng.random(X.shape) < 0.05] = np.nan  # missing values take the side the fit chose
    y = (np.nan_to_num(X[:, 0]) + np.nan_to_num(X[:, 1]) * np.nan_to_num(X[:, 2]) + rng.normal(size=2000)) > 0
    model = HistGradientBoostingClassifier(max_iter=60, max_leaf_nodes=15, max_depth=6, early_stopping=False,
                                           random_state=0).fit(X, y)
    return model, X


def test_the_copy_scores_exactly_as_scikit_learn(fitted):
    model, X = fitted
    trees = from_sklearn(model)
    assert len(trees.roots_) == 60
    assert 1 <= trees.depth_ <= 6 and trees.depths_.max() == trees.depth_
    assert np.abs(trees.predict_proba(X) - model.predict_proba(X)[:, 1]).max() < 1e-12
    assert np.abs(trees.decision_function(X) - model.decision_function(X)).max() < 1e-12


def test_a_row_scores_the_same_alone_as_in_any_batch(fitted):
    model, X = fitted  # 2,000 rows: several of the walk's chunks
    trees = from_sklearn(model)
    whole = trees.decision_function(X)
    assert [trees.decision_function(X[i:i + 1])[0] for i in range(0, len(X), 97)] == whole[::97].tolist()
    assert np.array_equal(trees.decision_function(X[::-1]), whole[::-1])
    assert trees.decision_function(np.zeros((0, 6))).shape == (0,)


def test_a_tree_that_is_one_leaf_adds_its_value_to_every_row():
    trees = BoostedTrees(feature=[1, 0, 0, 0], threshold=[0.5, 0.0, 0.0, 0.0], left=[1, 1, 2, 3],
                         right=[2, 1, 2, 3], value=[0.0, -1.0, 2.0, 0.5], missing_left=[True, False, False, False],
                         roots=[0, 3], baseline=0.0)
    assert trees.decision_function(np.array([[0.0, 0.0], [0.0, 1.0]])).tolist() == [-0.5, 2.5]


def test_trees_too_deep_for_the_level_layout_are_refused():
    n = 2 * 17 + 1  # a chain 17 deep: an even node splits into a leaf (i + 1) and the next even node (i + 2)
    left = [i + 1 if i % 2 == 0 and i < n - 1 else i for i in range(n)]
    right = [i + 2 if i % 2 == 0 and i < n - 1 else i for i in range(n)]
    with pytest.raises(ValueError, match="deeper than 16"):
        BoostedTrees(feature=[0] * n, threshold=[0.0] * n, left=left, right=right, value=[0.0] * n,
                     missing_left=[True] * n, roots=[0], baseline=0.0)


def test_saved_arrays_load_the_same_model(fitted):
    model, X = fitted
    trees = from_sklearn(model)
    again = BoostedTrees.from_arrays(trees.arrays("m_"), "m_")
    assert np.array_equal(again.decision_function(X), trees.decision_function(X))


def test_only_binary_classifiers_are_copied():
    X = np.arange(30, dtype=float).reshape(-1, 1)
    model = HistGradientBoostingClassifier(max_iter=3).fit(X, np.arange(30) % 3)
    with pytest.raises(ValueError, match="binary"):
        from_sklearn(model)
