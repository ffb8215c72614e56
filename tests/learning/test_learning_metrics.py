"""Known-answer tests for the metrics, against scikit-learn where it has the same metric."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, brier_score_loss, ndcg_score, roc_auc_score

from matcher.learning import metrics as m


def test_ndcg_matches_sklearn_on_graded_relevance() -> None:
    rng = np.random.default_rng(3)
    for _ in range(50):
        rel = rng.integers(0, 4, 12).astype(float)
        score = rng.random(12)
        order = np.argsort(-score)
        for k in (5, 10):
            ours = m.ndcg(list(rel[order]), list(rel), k)
            if rel.sum() == 0:
                assert ours is None
                continue
            assert ours == pytest.approx(ndcg_score([rel], [score], k=k), abs=1e-12)


def test_ndcg_of_one_relevant_item_is_its_discount() -> None:
    assert m.ndcg([0, 0, 1], [1], 10) == pytest.approx(1 / np.log2(4))
    assert m.ndcg([1, 0], [1], 10) == 1.0
    assert m.ndcg([0] * 10, [1], 10) == 0.0
    assert m.ndcg([0, 0], [0, 0], 10) is None
    assert m.dcg([3, 2, 3, 0, 1, 2], 6) == pytest.approx(3 + 2 / np.log2(3) + 3 / 2 + 1 / np.log2(6) + 2 / np.log2(7))


def test_average_precision_matches_sklearn_when_every_item_is_ranked() -> None:
    rng = np.random.default_rng(4)
    for _ in range(30):
        rel = rng.random(15) < 0.3
        if not rel.any():
            continue
        score = rng.random(15)
        ranked = [str(i) for i in np.argsort(-score)]
        relevant = {str(i) for i in np.flatnonzero(rel)}
        assert m.average_precision(ranked, relevant) == pytest.approx(average_precision_score(rel, score))


def test_average_precision_and_recall_by_hand() -> None:
    assert m.average_precision(["a", "x", "b"], {"a", "b"}) == pytest.approx((1 + 2 / 3) / 2)
    assert m.average_precision(["x", "y"], {"a"}, k=2) == 0.0
    assert m.recall_at_k(["a", "b", "c"], {"c", "d"}, 2) == 0.0
    assert m.recall_at_k(["a", "b", "c"], {"c", "d"}, 3) == 0.5
    assert m.recall_at_k(["a"], set(), 3) is None


def test_auc_and_brier_match_sklearn() -> None:
    rng = np.random.default_rng(5)
    y = rng.random(400) < 0.4
    p = np.clip(y * 0.3 + rng.random(400) * 0.7, 0, 1)
    p[:50] = 0.5  # ties
    assert m.auc(y, p) == pytest.approx(roc_auc_score(y, p))
    assert m.brier(y, p) == pytest.approx(brier_score_loss(y, p))
    assert m.auc(np.ones(3, bool), np.ones(3)) is None


def test_calibration_curve_and_error_by_hand() -> None:
    y = np.array([0, 0, 1, 1, 1, 1, 0, 1], float)
    p = np.array([0.1, 0.1, 0.1, 0.1, 0.9, 0.9, 0.9, 0.9])
    curve = m.calibration_curve(y, p, bins=2)
    assert [(c["predicted"], c["observed"], c["count"]) for c in curve] == [(0.1, 0.5, 4), (0.9, 0.75, 4)]
    assert m.expected_calibration_error(y, p, bins=2) == pytest.approx((0.4 * 4 + 0.15 * 4) / 8)
    rates = m.error_rates(np.array([1, 1, 0, 0], bool), np.array([0.9, 0.2, 0.7, 0.1]))
    assert rates == {"false_positive_rate": 0.5, "false_negative_rate": 0.5}


def test_weighted_mean_skips_undefined_values() -> None:
    assert m.mean_or_none([1.0, None, 0.0], [3.0, 100.0, 1.0]) == 0.75
    assert m.mean_or_none([None]) is None


def test_case_control_sample_keeps_every_positive_and_reweights_negatives_to_their_true_count():
    from matcher.learning.evaluation import case_control_sample

    rng = np.random.default_rng(0)
    y = np.zeros(200_000, dtype=bool)
    y[rng.choice(len(y), 5_000, replace=False)] = True
    rows, weight = case_control_sample(y, 25_000, np.random.default_rng(1))
    assert y[rows].sum() == 5_000  # no positive is dropped
    assert abs(len(rows) - 25_000) < 600
    assert np.all(weight[y[rows]] == 1.0)
    # the weighted negatives stand for all 195,000 of them (within sampling noise)
    assert abs(weight[~y[rows]].sum() - 195_000) < 195_000 * 0.02
    small, w_small = case_control_sample(y[:1000], 25_000, np.random.default_rng(1))
    assert len(small) == 1000 and np.all(w_small == 1.0)  # under the cap: everything, unweighted
