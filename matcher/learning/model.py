"""The success model: a calibrated chance that a seeker completes a program and is employed in Q2.

:class:`SuccessModel` follows scikit-learn's conventions (parameters in ``__init__``,
learned state with a trailing underscore, ``fit`` / ``predict_proba``). Inside it:

- a ``HistGradientBoostingClassifier`` with **monotone constraints** (a barrier the
  program meets, a required skill the person has or pay when income is needed can only
  raise the chance; a need left unmet can only lower it: :data:`pair_features.MONOTONE`)
  and **interaction constraints that keep it additive** (each tree splits on one feature):
  a generalized additive model, as accurate as an unconstrained one on our data (see
  docs/learning.md) and explainable feature by feature;
- a ``CalibratedClassifierCV`` around the frozen booster, fitted on a held-out
  calibration share (sigmoid by default, isotonic on request).

Because the booster is additive, it is **compiled** into one step function per feature
(:class:`AdditiveTables`: the thresholds the trees use and the summed leaf values between
them). Scoring is then a ``searchsorted`` and a gather per feature, which is what keeps
the model on within the engine's latency budget; the tables reproduce the booster's own
``decision_function`` (tested), and they are plain numbers, so the served artifact loads
without unpickling anything.

:class:`ExpectedOutcome` is the object handed to ``Recommender(success_model=...)``: for
every seeker x program it returns the *expected outcome*, the calibrated chance of success
times how far the program's wage goes toward the seeker's self-sufficiency target.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..scoring import SuccessReason
from .pair_features import FEATURE_NAMES, INDEX, MONOTONE, PairFeaturizer

FORMAT_VERSION = 1


# --------------------------------------------------------------------------- compiled tables


@dataclass(frozen=True)
class AdditiveTables:
    """An additive model as one step function per feature, plus a calibrator.

    ``raw(x) = intercept + sum_j values[j][searchsorted(thresholds[j], x_j)]`` (``x <= t`` goes left,
    as in the booster); ``probability = calibrate(raw)``.
    """

    intercept: float
    thresholds: tuple[np.ndarray, ...]
    values: tuple[np.ndarray, ...]
    calibration: str  # "sigmoid" | "isotonic"
    cal_a: float = 0.0
    cal_b: float = 0.0
    cal_x: np.ndarray | None = None
    cal_y: np.ndarray | None = None

    def raw(self, x: np.ndarray) -> np.ndarray:
        out = np.full(len(x), self.intercept, dtype=np.float64)
        for j, (t, v) in enumerate(zip(self.thresholds, self.values)):
            if len(t):
                out += v[np.searchsorted(t, x[:, j].astype(np.float64), side="left")]
        return out

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        if self.calibration == "isotonic":
            assert self.cal_x is not None and self.cal_y is not None
            return np.interp(raw, self.cal_x, self.cal_y)
        return 1.0 / (1.0 + np.exp(self.cal_a * raw + self.cal_b))

    def proba(self, x: np.ndarray) -> np.ndarray:
        return self.calibrate(self.raw(x))

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """(n, F) each feature's term in ``raw`` (the booster's own additive decomposition)."""
        out = np.zeros(x.shape, dtype=np.float64)
        for j, (t, v) in enumerate(zip(self.thresholds, self.values)):
            if len(t):
                out[:, j] = v[np.searchsorted(t, x[:, j].astype(np.float64), side="left")]
        return out

    # -- plain-array form (for the registry's .npz: no pickles)

    def to_arrays(self) -> dict[str, np.ndarray]:
        arrays: dict[str, np.ndarray] = {
            "intercept": np.array([self.intercept]), "calibration": np.array([self.calibration]),
            "cal_ab": np.array([self.cal_a, self.cal_b]),
            "cal_x": self.cal_x if self.cal_x is not None else np.zeros(0),
            "cal_y": self.cal_y if self.cal_y is not None else np.zeros(0),
            "n_features": np.array([len(self.thresholds)]),
        }
        for j, (t, v) in enumerate(zip(self.thresholds, self.values)):
            arrays[f"t{j}"] = t
            arrays[f"v{j}"] = v
        return arrays

    @classmethod
    def from_arrays(cls, a: Mapping[str, np.ndarray]) -> AdditiveTables:
        n = int(a["n_features"][0])
        method = str(a["calibration"][0])
        return cls(float(a["intercept"][0]), tuple(np.asarray(a[f"t{j}"], np.float64) for j in range(n)),
                   tuple(np.asarray(a[f"v{j}"], np.float64) for j in range(n)), method,
                   float(a["cal_ab"][0]), float(a["cal_ab"][1]),
                   np.asarray(a["cal_x"], np.float64) if method == "isotonic" else None,
                   np.asarray(a["cal_y"], np.float64) if method == "isotonic" else None)


def compile_booster(booster: Any, calibrator: Any, n_features: int) -> AdditiveTables:
    """Turn a fitted additive ``HistGradientBoostingClassifier`` and its calibrator into tables.

    Every leaf's path must use one feature only (the booster's interaction constraints
    guarantee it); its value is added to the bins of that feature's interval.
    """
    leaves: list[list[tuple[float, float, float]]] = [[] for _ in range(n_features)]
    intercept = float(np.ravel(booster._baseline_prediction)[0])
    for per_class in booster._predictors:
        nodes = per_class[0].nodes
        stack: list[tuple[int, int, float, float]] = [(0, -1, -np.inf, np.inf)]
        while stack:
            i, feature, lo, hi = stack.pop()
            node = nodes[i]
            if node["is_leaf"]:
                if feature < 0:
                    intercept += float(node["value"])
                else:
                    leaves[feature].append((lo, hi, float(node["value"])))
                continue
            f = int(node["feature_idx"])
            if feature >= 0 and f != feature:
                raise ValueError("the booster is not additive: a tree path splits on two features")
            if node["is_categorical"]:
                raise ValueError("categorical splits are not supported by the compiled tables")
            t = float(node["num_threshold"])
            stack.append((int(node["left"]), f, lo, min(hi, t)))
            stack.append((int(node["right"]), f, max(lo, t), hi))
    thresholds: list[np.ndarray] = []
    values: list[np.ndarray] = []
    for j in range(n_features):
        cuts = sorted({b for lo, hi, _ in leaves[j] for b in (lo, hi) if np.isfinite(b)})
        cut_at = np.array(cuts, dtype=np.float64)
        steps = np.zeros(len(cut_at) + 1, dtype=np.float64)
        for lo, hi, value in leaves[j]:
            # bins are (t[i-1], t[i]]; the leaf covers (lo, hi]
            first = 0 if not np.isfinite(lo) else int(np.searchsorted(cut_at, lo, side="left")) + 1
            last = len(cut_at) if not np.isfinite(hi) else int(np.searchsorted(cut_at, hi, side="left"))
            steps[first:last + 1] += value
        thresholds.append(cut_at)
        values.append(steps)
    cal = calibrator.calibrated_classifiers_[0].calibrators[0]
    if hasattr(cal, "a_"):
        return AdditiveTables(intercept, tuple(thresholds), tuple(values), "sigmoid", float(cal.a_), float(cal.b_))
    return AdditiveTables(intercept, tuple(thresholds), tuple(values), "isotonic",
                          cal_x=np.asarray(cal.X_thresholds_, np.float64), cal_y=np.asarray(cal.y_thresholds_,
                                                                                               np.float64))


# --------------------------------------------------------------------------- the estimator


#: The booster grows its trees on at most this many rows (a random sample stratified by outcome); the
#: calibration share is drawn from all rows first. On a 100k generated history, held-out log loss improved
#: by 0.0077, 0.0042, 0.0038, 0.0017 per doubling of the rows from 4,000 to 65,000 (docs/benchmarks.md,
#: "Training time and peak memory"): flattening, so the rows past this cap (two doublings beyond 65,000)
#: should add little.
MAX_BOOSTER_ROWS = 250_000


class SuccessModel:
    """Calibrated P(success | seeker, program) from pair features (scikit-learn conventions).

    ``learning_rate`` 0.3 with early stopping: on the 100k history it stopped after 52-103 rounds
    instead of 126-343 at 0.1, with held-out AUC and log loss within the seed-to-seed spread.
    """

    def __init__(self, *, max_iter: int = 500, learning_rate: float = 0.3, max_leaf_nodes: int = 15,
                 l2_regularization: float = 1.0, calibration: str = "sigmoid", calibration_share: float = 0.2,
                 max_bins: int = 255, max_booster_rows: int | None = MAX_BOOSTER_ROWS,
                 random_state: int = 0) -> None:
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.l2_regularization = l2_regularization
        self.calibration = calibration
        self.calibration_share = calibration_share
        self.max_bins = max_bins
        self.max_booster_rows = max_booster_rows
        self.random_state = random_state

    def get_params(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("max_iter", "learning_rate", "max_leaf_nodes", "l2_regularization",
                                              "calibration", "calibration_share", "max_bins", "max_booster_rows",
                                              "random_state")}

    def fit(self, x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None) -> SuccessModel:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.frozen import FrozenEstimator

        if self.calibration not in ("sigmoid", "isotonic"):
            raise ValueError("calibration must be 'sigmoid' or 'isotonic'")
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=bool)
        if len(np.unique(y)) < 2:
            raise ValueError("the training data has only one outcome (all successes or all failures)")
        rng = np.random.default_rng(self.random_state)
        calib = rng.random(len(y)) < self.calibration_share
        if len(np.unique(y[calib])) < 2 or len(np.unique(y[~calib])) < 2:
            raise ValueError("too few outcomes of each kind to train and calibrate")
        grow = booster_rows(y, ~calib, self.max_booster_rows, rng)
        booster = HistGradientBoostingClassifier(
            max_iter=self.max_iter, learning_rate=self.learning_rate, max_leaf_nodes=self.max_leaf_nodes,
            l2_regularization=self.l2_regularization, max_bins=self.max_bins,
            monotonic_cst=list(MONOTONE[:x.shape[1]]),
            interaction_cst=[{j} for j in range(x.shape[1])], early_stopping=True, validation_fraction=0.15,
            n_iter_no_change=20, random_state=self.random_state)
        w = None if sample_weight is None else np.asarray(sample_weight)[grow]
        booster.fit(x[grow], y[grow], sample_weight=w)
        calibrated = CalibratedClassifierCV(FrozenEstimator(booster), method=self.calibration)
        calibrated.fit(x[calib], y[calib], sample_weight=None if sample_weight is None
                       else np.asarray(sample_weight)[calib])
        self.booster_ = booster
        self.calibrated_ = calibrated
        self.tables_ = compile_booster(booster, calibrated, x.shape[1])
        self.n_iter_ = int(booster.n_iter_)
        self.n_booster_rows_ = int(len(grow))
        self.n_features_in_ = x.shape[1]
        return self

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """(n,) calibrated P(success), from the compiled tables."""
        return self.tables_.proba(np.asarray(x))


def booster_rows(y: np.ndarray, eligible: np.ndarray, cap: int | None, rng: np.random.Generator) -> np.ndarray:
    """Indices of the rows the booster grows its trees on: every ``eligible`` row, or, above ``cap``, a
    random sample of ``cap`` of them stratified by outcome (each outcome keeps its share), in row order."""
    rows = np.flatnonzero(eligible)
    if cap is None or len(rows) <= cap:
        return rows
    keep: list[np.ndarray] = []
    for outcome in (False, True):
        group = rows[y[rows] == outcome]
        take = int(round(cap * len(group) / len(rows)))
        keep.append(rng.choice(group, size=min(take, len(group)), replace=False))
    return np.sort(np.concatenate(keep))


# --------------------------------------------------------------------------- the engine hook


@dataclass(frozen=True)
class ProgramWages:
    """The wage a program's successful participants earn: learned from the history where it has
    enough of them (median of the exits' wages, shrunk toward the catalog's starting wage), else
    the catalog's starting wage, else the median of all programs'."""

    by_program: Mapping[str, float]
    fallback: float
    prior_weight: float = 10.0

    @classmethod
    def learn(cls, program_ids: list[str], wages: list[float], catalog_wage: Mapping[str, float],
              prior_weight: float = 10.0) -> ProgramWages:
        groups: dict[str, list[float]] = {}
        for pid, w in zip(program_ids, wages):
            if w and w > 0:
                groups.setdefault(pid, []).append(float(w))
        known = [w for w in catalog_wage.values() if w and np.isfinite(w)]
        fallback = float(np.median(known)) if known else 20.0
        out: dict[str, float] = {}
        for pid in set(groups) | set(catalog_wage):
            prior = catalog_wage.get(pid)
            prior = fallback if prior is None or not np.isfinite(prior) else float(prior)
            seen = groups.get(pid, [])
            n = len(seen)
            out[pid] = (float(np.median(seen)) * n + prior * prior_weight) / (n + prior_weight) if n else prior
        return cls(out, fallback, prior_weight)

    def for_columns(self, ids: list[str], catalog_wage: np.ndarray) -> np.ndarray:
        out = np.empty(len(ids), dtype=np.float64)
        for i, pid in enumerate(ids):
            w = self.by_program.get(pid)
            if w is None:
                w = float(catalog_wage[i]) if np.isfinite(catalog_wage[i]) else self.fallback
            out[i] = w
        return out


class ExpectedOutcome:
    """The success-model hook for :class:`matcher.engine.Recommender`.

    ``predict(pb, cat, cols)`` returns, per seeker x program, P(success) x min(1, program wage /
    seeker's self-sufficiency target), 0 where the rules exclude the program (the engine never
    shows those; the model never brings one back). It keeps no per-call state, so worker threads
    may call it at once.
    """

    def __init__(self, tables: AdditiveTables, wages: ProgramWages, featurizer: PairFeaturizer) -> None:
        self.tables = tables
        self.wages = wages
        self.featurizer = featurizer
        from .pair_features import catalog_start_wage

        self.program_wage_ = wages.for_columns(featurizer.program_ids, catalog_start_wage(featurizer.catalog))
        static = featurizer.static_planes(np.arange(len(featurizer.program_ids)))
        total = np.zeros(len(featurizer.program_ids), dtype=np.float64)
        for name, plane in static.items():
            j = INDEX[name]
            if len(tables.thresholds[j]):
                total += tables.values[j][np.searchsorted(tables.thresholds[j], plane[0].astype(np.float64))]
        self.static_raw_ = total
        # The most (and least) the seeker-dependent features can add: the model is additive, so a program's
        # chance can never exceed the calibration of its static terms plus each other feature's largest step.
        dependent = [j for j, name in enumerate(FEATURE_NAMES) if name not in static and len(tables.thresholds[j])]
        high = tables.intercept + total + sum(float(np.max(tables.values[j])) for j in dependent)
        low = tables.intercept + total + sum(float(np.min(tables.values[j])) for j in dependent)
        # max of both ends: right for any monotone calibration, rising or falling
        self.max_chance_ = np.maximum(tables.calibrate(high), tables.calibrate(low)).astype(np.float32)

    def check_catalog(self, cat: Any) -> None:
        if len(cat.id_list) != len(self.featurizer.program_ids) or cat.id_list != self.featurizer.program_ids:
            raise ValueError("the success model was bound to a different catalog than the engine's")

    def probability(self, pb: Any, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(P(success), excluded) for seekers x ``cols``; P is 0 where excluded.

        Scored without building the feature matrix: the seeker-independent features' terms are summed
        once per program (``static_raw_``), and each seeker-dependent feature's step function is applied
        to its plane at the eligible cells only. Equal to ``tables.proba`` of the stacked features (tested).
        """
        cols = np.asarray(cols, dtype=np.int64)
        planes, excluded = self.featurizer.details(pb, cols)
        return self._probability_at(planes, ~excluded, cols), excluded

    def _probability_at(self, planes: Mapping[str, np.ndarray], keep: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """P(success) at the cells where ``keep`` (B, n) is true, 0 elsewhere."""
        b, n = keep.shape
        cells = np.flatnonzero(keep.reshape(-1))
        p = np.zeros(b * n, dtype=np.float64)
        if len(cells):
            rows, cc = np.divmod(cells, n)
            at_cells = {name: np.broadcast_to(plane, (b, n))[rows, cc] for name, plane in planes.items()
                        if len(self.tables.thresholds[INDEX[name]])}
            p[cells] = self.tables.calibrate(self._raw_at(cols[cc], at_cells))
        return p.reshape(b, n)

    def _raw_at(self, programs: np.ndarray, features: Mapping[str, np.ndarray]) -> np.ndarray:
        """Log-odds at a list of cells: the intercept, each cell's program's static terms, and each
        seeker-dependent feature's step at its value there (``features``: name -> values at the cells)."""
        raw = self.tables.intercept + self.static_raw_[programs]
        for name, values in features.items():
            j = INDEX[name]
            t = self.tables.thresholds[j]
            if len(t):
                raw += self.tables.values[j][np.searchsorted(t, values.astype(np.float64), side="left")]
        return raw

    def _reach(self, pb: Any, cols: np.ndarray) -> np.ndarray:
        from .pair_features import target_wages

        return np.minimum(1.0, self.program_wage_[cols][None, :] / target_wages(pb)[:, None])

    def predict(self, pb: Any, cat: Any, cols: np.ndarray) -> np.ndarray:
        cols = np.asarray(cols, dtype=np.int64)
        p, _ = self.probability(pb, cols)
        return (p * self._reach(pb, cols)).astype(np.float32)

    def upper_bound(self, pb: Any, cat: Any, cols: np.ndarray) -> np.ndarray:
        """An upper bound of :meth:`predict` for seekers x ``cols`` that needs no features: the program's
        highest possible chance times how far its wage goes toward each seeker's target. The engine uses
        it to skip programs that cannot reach a seeker's list whatever the model says."""
        from .pair_features import target_wages

        cols = np.asarray(cols, dtype=np.int64)
        # float32 and one multiply per cell: a bound, so the last bit does not matter (the engine allows for it)
        inverse = (1.0 / target_wages(pb)).astype(np.float32)[:, None]
        bound = self.program_wage_[cols].astype(np.float32)[None, :] * inverse
        np.minimum(bound, np.float32(1), out=bound)
        bound *= self.max_chance_[cols][None, :]
        return bound

    def predict_details(self, pb: Any, cat: Any, cols: np.ndarray, details: Any) -> np.ndarray:
        """:meth:`predict` from what the engine's ranking pass already computed
        (:class:`matcher.scoring.PairDetails`): no second pass of the rules and components, and only
        the cells in ``details.within`` (the others stay 0), feature by feature at those cells alone.
        Equal to :meth:`predict` there (tested)."""
        cols = np.asarray(cols, dtype=np.int64)
        keep = ~details.excluded if details.within is None else details.within & ~details.excluded
        b, n = keep.shape
        out = np.zeros(b * n, dtype=np.float32)
        cells = np.flatnonzero(keep.reshape(-1))
        if not len(cells):
            return out.reshape(b, n)
        rows, pos = np.divmod(cells, n)
        programs = cols[pos]
        raw = self._raw_at(programs, self.featurizer.cell_features(pb, rows, pos, programs, details.components))
        from .pair_features import target_wages

        reach = np.minimum(1.0, self.program_wage_[programs] / target_wages(pb)[rows])
        out[cells] = self.tables.calibrate(raw) * reach
        return out.reshape(b, n)

    def reasons(self, pb: Any, cat: Any, cols: np.ndarray, details: Any) -> list[SuccessReason | None]:
        """For one seeker's shown programs, the model's view in plain words where it stands out
        (:func:`matcher.learning.reasons.model_reasons`)."""
        from .reasons import model_reasons

        cols = np.asarray(cols, dtype=np.int64)
        x = self.featurizer.matrix(pb, cols, details.components)
        return model_reasons(self.tables.contributions(x[0]))


def feature_names() -> tuple[str, ...]:
    return FEATURE_NAMES
