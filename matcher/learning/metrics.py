"""Ranking and probability metrics, written out so each formula is pinned by a known-answer test.

Gains are linear (a program's relevance is its gain), as in ``sklearn.metrics.ndcg_score``;
the discount of rank r (1-based) is 1 / log2(r + 1).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def discount(rank: int) -> float:
    """1 / log2(rank + 1) for a 1-based rank."""
    return 1.0 / float(np.log2(rank + 1))


def dcg(gains_in_rank_order: Sequence[float], k: int) -> float:
    return float(sum(g * discount(r) for r, g in enumerate(list(gains_in_rank_order)[:k], start=1)))


def ndcg(gains_in_rank_order: Sequence[float], all_gains: Sequence[float], k: int) -> float | None:
    """DCG@k of a ranking over the ideal DCG@k of the same gains sorted; None when nothing is relevant."""
    ideal = dcg(sorted(all_gains, reverse=True), k)
    if ideal <= 0:
        return None
    return dcg(gains_in_rank_order, k) / ideal


def recall_at_k(ranked: Sequence[str], relevant: set[str], k: int) -> float | None:
    if not relevant:
        return None
    return len(set(ranked[:k]) & relevant) / len(relevant)


def average_precision(ranked: Sequence[str], relevant: set[str], k: int | None = None) -> float | None:
    """Mean of precision@i over the ranks i of relevant items (within the first ``k``), divided by
    the number of relevant items (a relevant item never ranked counts as 0)."""
    if not relevant:
        return None
    hits = 0
    total = 0.0
    for i, item in enumerate(ranked[:k] if k else ranked, start=1):
        if item in relevant:
            hits += 1
            total += hits / i
    return total / len(relevant)


def brier(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean((np.asarray(p, float) - np.asarray(y, float)) ** 2))


def auc(y: np.ndarray, score: np.ndarray) -> float | None:
    """Area under the ROC curve (ties count half); None when only one class is present."""
    y = np.asarray(y, bool)
    score = np.asarray(score, float)
    pos, neg = int(y.sum()), int((~y).sum())
    if not pos or not neg:
        return None
    from scipy.stats import rankdata

    ranks = rankdata(score)
    return float((ranks[y].sum() - pos * (pos + 1) / 2) / (pos * neg))


def calibration_curve(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Reliability points on quantile bins: mean predicted, observed rate and count per bin."""
    y = np.asarray(y, float)
    p = np.asarray(p, float)
    if not len(p):
        return []
    edges = np.unique(np.quantile(p, np.linspace(0, 1, bins + 1)))
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, max(len(edges) - 2, 0))
    out = []
    for b in range(max(len(edges) - 1, 1)):
        m = which == b
        if m.any():
            out.append({"predicted": float(p[m].mean()), "observed": float(y[m].mean()), "count": int(m.sum())})
    return out


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Count-weighted mean |observed - predicted| over the calibration curve's bins."""
    curve = calibration_curve(y, p, bins)
    n = sum(c["count"] for c in curve)
    return float(sum(c["count"] * abs(c["observed"] - c["predicted"]) for c in curve) / n) if n else 0.0


def error_rates(y: np.ndarray, p: np.ndarray, threshold: float = 0.5) -> dict[str, float | None]:
    """False-positive and false-negative rates of ``p >= threshold`` as a prediction of success."""
    y = np.asarray(y, bool)
    pred = np.asarray(p, float) >= threshold
    neg, pos = int((~y).sum()), int(y.sum())
    return {"false_positive_rate": float((pred & ~y).sum() / neg) if neg else None,
            "false_negative_rate": float((~pred & y).sum() / pos) if pos else None}


def mean_or_none(values: Sequence[float | None], weights: Sequence[float] | None = None) -> float | None:
    pairs = [(v, 1.0 if weights is None else w) for v, w in zip(values, weights or [1.0] * len(values))
             if v is not None]
    total = sum(w for _, w in pairs)
    return float(sum(v * w for v, w in pairs) / total) if total else None
