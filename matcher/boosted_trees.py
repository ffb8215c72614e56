"""Gradient-boosted trees as plain arrays: scored with numpy alone, saved in an ``.npz``.

The title coder's candidate re-ranker is a scikit-learn
``HistGradientBoostingClassifier`` fitted at build time
(``scripts/build_coder.py``). Shipping it as a pickle would tie the data file
to one scikit-learn version and make every process that codes a title import
scikit-learn; :func:`from_sklearn` copies its trees into flat arrays instead,
and :class:`BoostedTrees` walks all trees at once, one level per step, over a
whole batch of rows. The build checks that the copy scores exactly as the
fitted model does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: Rows walked through the trees at a time (see :meth:`BoostedTrees.decision_function`).
ROW_CHUNK = 512
#: The deepest trees supported (the title coder's re-ranker has depth 6).
MAX_DEPTH = 16


class BoostedTrees:
    """A binary boosted-tree model: ``predict_proba(X)`` is the chance of the positive class.

    Arrays (all trees concatenated; node ids are global): ``feature_`` the column a node
    splits on, ``threshold_`` (go left when ``x <= threshold``), ``left_`` / ``right_`` the
    children (a leaf points to itself), ``value_`` a leaf's raw score, ``roots_`` each
    tree's first node, ``baseline_`` the raw score before any tree, ``depths_`` each tree's
    most steps from its root to a leaf (``depth_`` the most of all). Missing values (NaN) follow ``missing_left_``.
    """

    def __init__(self, *, feature: np.ndarray, threshold: np.ndarray, left: np.ndarray, right: np.ndarray,
                 value: np.ndarray, missing_left: np.ndarray, roots: np.ndarray, baseline: float) -> None:
        self.feature_ = np.asarray(feature, dtype=np.int32)
        self.threshold_ = np.asarray(threshold, dtype=np.float64)
        self.left_ = np.asarray(left, dtype=np.int32)
        self.right_ = np.asarray(right, dtype=np.int32)
        self.value_ = np.asarray(value, dtype=np.float64)
        self.missing_left_ = np.asarray(missing_left, dtype=bool)
        self.roots_ = np.asarray(roots, dtype=np.int32)
        self.baseline_ = float(baseline)
        self.n_features_ = int(self.feature_.max()) + 1 if len(self.feature_) else 0
        self.depths_ = self._depths()
        self.depth_ = int(self.depths_.max()) if len(self.depths_) else 0
        if self.depth_ > MAX_DEPTH:  # the level layout holds 2**depth nodes per tree
            raise ValueError(f"trees deeper than {MAX_DEPTH} levels are not supported (got {self.depth_})")
        self._levels = self._by_level()

    def _by_level(self) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray], np.ndarray]:
        """Every tree as a full binary tree of ``depth_`` levels, laid out level by level.

        At level L, tree t's nodes sit at ``t * 2**L + j``, so a node's children are at ``2p`` and
        ``2p + 1`` of the next level: moving a row down is arithmetic, not a lookup. A leaf above the
        last level is stretched down by splits that always go left (threshold +inf, missing left),
        so every row ends on the last level's copy of its leaf. Returns each level's (feature,
        threshold, missing_left) and the last level's leaf values.
        """
        features, thresholds, missing = [], [], []
        nodes = self.roots_.astype(np.int64)
        for _ in range(self.depth_):
            leaf = self.left_[nodes] == nodes
            features.append(np.where(leaf, 0, self.feature_[nodes]).astype(np.int64))
            thresholds.append(np.where(leaf, np.inf, self.threshold_[nodes]))
            missing.append(np.where(leaf, True, self.missing_left_[nodes]))
            below = np.empty(2 * len(nodes), dtype=np.int64)
            below[0::2] = np.where(leaf, nodes, self.left_[nodes])
            below[1::2] = np.where(leaf, nodes, self.right_[nodes])
            nodes = below
        return features, thresholds, missing, self.value_[nodes]

    def _depths(self) -> np.ndarray:
        """Each tree's depth (the most steps from its root to a leaf)."""
        depths = np.zeros(len(self.roots_), dtype=np.int64)
        nodes, tree = self.roots_.astype(np.int64), np.arange(len(self.roots_))
        level = 0
        while len(nodes):
            inner = self.left_[nodes] != nodes
            depths[tree[inner]] = level + 1
            nodes = np.concatenate([self.left_[nodes[inner]], self.right_[nodes[inner]]]).astype(np.int64)
            tree = np.concatenate([tree[inner], tree[inner]])
            level += 1
        return depths

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """Raw scores (log-odds), one per row."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] < self.n_features_:
            raise ValueError(f"expected rows of {self.n_features_} features, got shape {X.shape}")
        out = np.empty(len(X))
        # A few hundred rows at a time: their node positions for all trees stay in the CPU's cache over
        # the levels (the whole batch at once was measured at twice the time).
        for start in range(0, len(X), ROW_CHUNK):
            out[start:start + ROW_CHUNK] = self._walk(X[start:start + ROW_CHUNK])
        return out

    def _walk(self, X: np.ndarray) -> np.ndarray:
        """Every tree one level down per step, for all rows at once (a few whole-array lookups a level)."""
        features, thresholds, missing, values = self._levels
        n_rows, width = X.shape
        flat = X.ravel()
        has_missing = bool(np.isnan(flat).any())
        row_start = (np.arange(n_rows, dtype=np.int64) * width)[:, None]
        at = np.broadcast_to(np.arange(len(self.roots_), dtype=np.int64), (n_rows, len(self.roots_)))
        for feature, threshold, missing_left in zip(features, thresholds, missing):
            x = flat.take(row_start + feature.take(at))
            go_right = x > threshold.take(at)
            if has_missing:
                go_right |= np.isnan(x) & ~missing_left.take(at)
            at = 2 * at + go_right
        return self.baseline_ + values.take(at).sum(axis=1)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """P(positive) per row (the logistic of the raw score, computed without overflow)."""
        z = self.decision_function(X)
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}feature": self.feature_.astype(np.int16), f"{prefix}threshold": self.threshold_,
                f"{prefix}left": self.left_, f"{prefix}right": self.right_,
                f"{prefix}value": self.value_, f"{prefix}missing_left": self.missing_left_,
                f"{prefix}roots": self.roots_, f"{prefix}baseline": np.asarray([self.baseline_])}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], prefix: str) -> BoostedTrees:
        return cls(feature=arrays[f"{prefix}feature"], threshold=arrays[f"{prefix}threshold"],
                   left=arrays[f"{prefix}left"], right=arrays[f"{prefix}right"], value=arrays[f"{prefix}value"],
                   missing_left=arrays[f"{prefix}missing_left"], roots=arrays[f"{prefix}roots"],
                   baseline=float(arrays[f"{prefix}baseline"][0]))


def from_sklearn(model: Any) -> BoostedTrees:
    """Copy a fitted binary ``HistGradientBoostingClassifier`` (numeric features only) into arrays.

    Reads the estimator's fitted trees (``_predictors``, ``_baseline_prediction``): there is no
    public accessor. The build compares the copy's probabilities with ``predict_proba``, so a
    scikit-learn release that changed these would stop the build, not ship a wrong model.
    """
    if getattr(model, "n_trees_per_iteration_", 1) != 1:
        raise ValueError("only binary classifiers can be copied")
    feature, threshold, left, right, value, missing_left, roots = [], [], [], [], [], [], []
    offset = 0
    for (tree,) in model._predictors:
        nodes = tree.nodes
        if nodes["is_categorical"].any():
            raise ValueError("categorical splits are not supported")
        n = len(nodes)
        leaf = nodes["is_leaf"].astype(bool)
        ids = np.arange(n) + offset
        roots.append(offset)
        feature.append(np.where(leaf, 0, nodes["feature_idx"]))
        threshold.append(np.where(leaf, 0.0, nodes["num_threshold"]))
        left.append(np.where(leaf, ids, nodes["left"].astype(np.int64) + offset))
        right.append(np.where(leaf, ids, nodes["right"].astype(np.int64) + offset))
        value.append(np.where(leaf, nodes["value"], 0.0))
        missing_left.append(nodes["missing_go_to_left"].astype(bool))
        offset += n
    baseline = float(np.ravel(model._baseline_prediction)[0])
    return BoostedTrees(feature=np.concatenate(feature), threshold=np.concatenate(threshold),
                        left=np.concatenate(left), right=np.concatenate(right), value=np.concatenate(value),
                        missing_left=np.concatenate(missing_left), roots=np.asarray(roots), baseline=baseline)
