"""Held-out evaluation: the labelled pairs, the two splits, the rankers compared and their metrics.

**Queries.** Each labelled enrollment of a held-out participant is one query: the participant's
profile ranks the catalog (only the programs the rules keep), and the one program they enrolled
in has an observed outcome. Rankers are measured in the same run on the same queries:
``random`` (eligible programs shuffled, seeded), ``most_popular`` (by enrollments in the training
part), ``hand_set`` (the engine with no model: the product without this issue) and ``model``
(the engine with the learned model, the promoted configuration).

**Selection bias.** Outcomes exist only for the program each person enrolled in, chosen by a
coach, not at random. The report gives three views:

- *replay* (``ndcg@5``, ``ndcg@10``, ``recall@10``, ``map@10``): over queries whose enrolled program
  succeeded and is eligible, where the ranking puts it (one relevant item per query). Biased toward
  rankers that imitate coaches.
- *IPS* (``ips_ndcg@10``, ``ips_recall@10``): the same, each query weighted by the inverse of the
  estimated chance that the coach's process led to that program (a propensity model fitted on the
  training part: which eligible programs coaches *considered*, from the recorded considered sets,
  else which one was chosen), clipped at :data:`PROPENSITY_FLOOR` and self-normalized. It corrects
  toward "which ranking puts programs that work first", within the support of what coaches do.
- *true* (``true_ndcg@10``, generated histories only): graded relevance from the generator's
  hidden truth for every eligible program (chance of success x wage reach), against the ideal order.

Model-only metrics on the held-out enrollments: AUC, Brier, a calibration curve (and, as a
baseline, the AUC of the hand-set score as a predictor of success).
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import metrics as m
from .collection import fewer_collections
from .history import History, Participant, ReportingDemographics, participant_from_json
from .pair_features import FEATURE_NAMES, PairFeaturizer, target_wages

PROPENSITY_FLOOR = 0.01
SELECTION_BIAS = (
    "Outcomes exist only for the program each person enrolled in, chosen with a coach, not at random. Three "
    "views are reported. Replay (NDCG@5, NDCG@10, recall@10, MAP@10): over held-out queries whose enrolled "
    "program succeeded and is still eligible, where each ranker puts it; this favours rankers that imitate "
    "coaches. IPS: the same, each query weighted by the inverse of the estimated chance that the coaches' "
    "process led to that program (a propensity model of which eligible programs coaches considered, from the "
    "recorded considered sets, else the program chosen; floored at 0.01 and self-normalized); it corrects "
    "toward 'which ranking puts programs that work first', within what coaches do. True NDCG (generated "
    "histories only): graded relevance from the generator's hidden truth, chance of success times wage reach, "
    "for every eligible program, against the ideal order. The model itself is trained on the enrollments as "
    "logged, without reweighting.")
TOP_K = 10
RANKERS = ("random", "most_popular", "hand_set", "model")


@dataclass
class Dataset:
    """One row per labelled enrollment whose program is in the catalog, in history order."""

    participant_ids: list[str]
    program_ids: list[str]
    columns: np.ndarray
    entry: np.ndarray  # datetime64[D]
    label: np.ndarray  # bool: success
    wage: np.ndarray  # hourly wage after exit (NaN unknown)
    excluded: np.ndarray  # bool: the rules exclude this program for this person today
    considered: list[list[str]]
    x: np.ndarray  # (n, F) float32
    demographics: Sequence[ReportingDemographics]
    target: np.ndarray  # the person's self-sufficiency target wage
    skipped_unknown_program: int = 0

    def __len__(self) -> int:
        return len(self.label)

    def subset(self, idx: np.ndarray) -> Dataset:
        idx = np.asarray(idx)
        return Dataset([self.participant_ids[i] for i in idx], [self.program_ids[i] for i in idx],
                       self.columns[idx], self.entry[idx], self.label[idx], self.wage[idx], self.excluded[idx],
                       [self.considered[i] for i in idx], self.x[idx], [self.demographics[i] for i in idx],
                       self.target[idx])


#: Below this many labelled enrollments the pair features are built in this process: starting workers
#: costs more than it saves.
PARALLEL_MIN_ROWS = 40_000
#: ... and above this many too, for the 4 GB memory budget: at 1M enrollments two workers cut the features
#: from 68 to 58 s but the processes' summed PSS peaked at 4.21 GB (serial: 3.42 GB): workers forked from a
#: parent holding the whole history copy its heap pages as they allocate (docs/benchmarks.md). Workers forked
#: before the history is read (:func:`feature_workers`, what ``matcher train`` uses) have no such limit.
PARALLEL_MAX_ROWS = 300_000


@fewer_collections()
def build_dataset(history: History, featurizer: PairFeaturizer, *, chunk: int = 2048,
                  progress: Callable[[int], None] | None = None, workers: int | None = None,
                  early: FeatureWorkers | None = None) -> Dataset:
    """Pair features of every labelled enrollment, in history order (programs not in the catalog are
    counted and left out).

    Two passes in bounded memory: the enrollments and outcomes first (ids and numbers only), then the
    participants a chunk at a time, in program order, so each chunk's features are computed on the
    chunk's seekers x the few programs they enrolled in rather than x the whole catalog.

    The second pass (reading each participant, resolving and compiling the profile, the features) is
    Python work per seeker: ``workers`` processes share it (default: one per core, at most
    :data:`MAX_WORKERS`; none outside :data:`PARALLEL_MIN_ROWS` - :data:`PARALLEL_MAX_ROWS` rows or when
    other threads run). They are
    forked, so the fitted engine is inherited rather than sent; each chunk's participants are sent to them
    as their stored JSON (a worker that read the inherited history itself would write the reference count
    of every record it read, copying its memory page: about 1.1 GB per worker at 1M enrollments). The
    result is the same whatever the number.

    ``early``: workers forked before the history was read (:func:`feature_workers`) for this same
    ``featurizer``; they are used at any size, since they hold no copy of the history to grow.
    """
    import sys

    intern = sys.intern
    participant_ids: list[str] = []
    program_ids: list[str] = []
    entry: list[str] = []  # ISO dates
    labels: list[bool] = []
    wages: list[float] = []
    considered: list[list[str]] = []
    skipped = 0
    for e in history.labelled_pairs():
        if e.program_id not in featurizer.column_of:
            skipped += 1
            continue
        participant_ids.append(e.participant_id)
        program_ids.append(intern(e.program_id))
        entry.append(e.entry or "1970-01-01")
        labels.append(e.success)
        wages.append(np.nan if e.wage is None else e.wage)
        considered.append([intern(c) for c in e.considered_program_ids])
    n = len(labels)
    columns = np.array([featurizer.column_of[pid] for pid in program_ids], dtype=np.int64)
    f = len(FEATURE_NAMES)
    x = np.zeros((n, f), dtype=np.float32)
    excluded = np.zeros(n, dtype=bool)
    target = np.zeros(n, dtype=np.float64)
    demographics: list[bytes] = [b""] * n  # compact JSON: a million live records would take about a gigabyte
    order = np.argsort(columns, kind="stable")
    chunks = [order[lo:lo + chunk] for lo in range(0, n, chunk)]
    job = _ChunkJob(history, featurizer, participant_ids, columns)
    for rows, part in _map_chunks(job, chunks, _worker_count(workers, n), early):
        x[rows], excluded[rows], target[rows] = part.x, part.excluded, part.target
        for i, blob in zip(rows.tolist(), part.demographics):
            demographics[i] = blob
        if progress is not None:
            progress(len(rows))
    from .history import Records

    return Dataset(
        participant_ids=participant_ids, program_ids=program_ids, columns=columns,
        entry=np.array(entry, dtype="datetime64[D]"), label=np.array(labels, dtype=bool),
        wage=np.array(wages, dtype=np.float64), excluded=excluded, considered=considered, x=x,
        demographics=Records(ReportingDemographics, demographics, [""] * n), target=target,
        skipped_unknown_program=skipped,
    )


#: At most this many worker processes build pair features (the machines this runs on have two cores).
MAX_WORKERS = 2


@dataclass
class _ChunkFeatures:
    x: np.ndarray
    excluded: np.ndarray
    target: np.ndarray
    demographics: list[bytes]


@dataclass
class _ChunkJob:
    """What every chunk needs: the history, the featurizer, and each row's participant and program column."""

    history: History
    featurizer: PairFeaturizer
    participant_ids: list[str]
    columns: np.ndarray

    def payload(self, rows: np.ndarray) -> list[bytes]:
        """The chunk's participants as their stored JSON: what a worker process is sent."""
        return [self.history.participant_json(self.participant_ids[i]) for i in rows]

    def run(self, rows: np.ndarray, blobs: list[bytes] | None = None) -> _ChunkFeatures:
        if blobs is None:
            people = [self.history.participant(self.participant_ids[i]) for i in rows]
        else:
            people = [self.history.participant_from_json(b) for b in blobs]
        return _chunk_features(self.featurizer, people, self.columns[rows])


def _chunk_features(fz: PairFeaturizer, people: Sequence[Participant], columns: np.ndarray) -> _ChunkFeatures:
    """The features of each person with the program in the same position of ``columns``."""
    pb = fz.compile([p.profile for p in people])
    xs, exc = fz.pairs(pb, np.arange(len(people)), columns)
    return _ChunkFeatures(xs, exc, target_wages(pb), [p.demographics.model_dump_json().encode() for p in people])


@dataclass(frozen=True)
class FeatureWorkers:
    """Processes forked from a process that had not read its history yet (:func:`feature_workers`)."""

    featurizer: PairFeaturizer
    pool: Any  # multiprocessing.pool.Pool
    processes: int


#: The featurizer early workers inherit (set in the parent just before they are forked).
_EARLY: PairFeaturizer | None = None


def _run_early(columns: np.ndarray, blobs: list[bytes]) -> _ChunkFeatures:
    assert _EARLY is not None
    return _chunk_features(_EARLY, [participant_from_json(b) for b in blobs], columns)


@contextmanager
def feature_workers(featurizer: PairFeaturizer) -> Iterator[FeatureWorkers | None]:
    """Fork worker processes now, before a large history is read, for reading it and building its features.

    Workers forked later, from a process that holds the history, copy its memory pages as they allocate:
    about 400 MB each at a million enrollments, which is why :func:`build_dataset`'s own workers stop at
    :data:`PARALLEL_MAX_ROWS`. Forked first, they share only the catalog and the engine, and are sent each
    chunk's participants as JSON. Yields None where forking is not safe or not worth it (one CPU, no fork,
    other threads running: a service job builds its features in its own process as before).
    """
    import multiprocessing

    global _EARLY
    n = _forkable()
    if n <= 1:
        yield None
        return
    _EARLY = featurizer
    try:
        with fewer_collections():  # frozen, the inherited objects are not copied by the children's collections
            pool = multiprocessing.get_context("fork").Pool(n, initializer=_one_blas_thread)
        try:
            yield FeatureWorkers(featurizer, pool, n)
        finally:
            pool.terminate()
            pool.join()
    finally:
        _EARLY = None


def _worker_count(workers: int | None, rows: int) -> int:
    if workers is not None:
        return max(1, workers)
    return _forkable() if PARALLEL_MIN_ROWS <= rows <= PARALLEL_MAX_ROWS else 1


def _forkable() -> int:
    """How many feature workers to fork here and now: one per usable CPU (at most :data:`MAX_WORKERS`), or 1
    (none) where fork is missing or other threads run: forking a process that runs other threads (a service
    job's heartbeat) can leave a lock held in the child, so such callers build the features themselves."""
    import multiprocessing
    import os
    import threading

    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cpus))


#: The job the forked workers inherit (set only while a pool runs).
_JOB: _ChunkJob | None = None


def _run_inherited(rows: np.ndarray, blobs: list[bytes]) -> _ChunkFeatures:
    assert _JOB is not None
    return _JOB.run(rows, blobs)


def _map_chunks(job: _ChunkJob, chunks: list[np.ndarray], workers: int, early: FeatureWorkers | None = None
                ) -> Iterator[tuple[np.ndarray, _ChunkFeatures]]:
    """Each chunk's features, in chunk order: here, on ``early`` workers, or on ``workers`` forked processes."""
    if early is not None and len(chunks) > 1:
        if early.featurizer is not job.featurizer:
            raise ValueError("these feature workers were forked for another featurizer")
        yield from _in_flight(early.pool, early.processes, chunks,
                              lambda rows: (_run_early, (job.columns[rows], job.payload(rows))))
        return
    if workers <= 1 or len(chunks) <= 1:
        for rows in chunks:
            yield rows, job.run(rows)
        return
    import multiprocessing

    global _JOB
    _JOB = job
    # Inherited objects stay shared only while nothing writes to them: frozen, the children's garbage
    # collections do not visit (and so copy) every object of the history.
    try:
        with fewer_collections(), multiprocessing.get_context("fork").Pool(workers, initializer=_one_blas_thread
                                                                           ) as pool:
            yield from _in_flight(pool, workers, chunks, lambda rows: (_run_inherited, (rows, job.payload(rows))))
    finally:
        _JOB = None


def _one_blas_thread() -> None:
    """In each feature worker: one BLAS thread. The workers already fill the cores; a second BLAS thread
    per worker only spins (at 100k: 7.3 s of features on one thread cost 12 CPU s on two, for the same
    wall time), and two workers' spinning threads slowed both by a quarter (docs/benchmarks.md)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def _in_flight(pool: Any, workers: int, chunks: list[np.ndarray],
               task: Callable[[np.ndarray], tuple[Callable[..., _ChunkFeatures], tuple[Any, ...]]]
               ) -> Iterator[tuple[np.ndarray, _ChunkFeatures]]:
    """Run ``task(rows)`` of every chunk on ``pool``, a few in flight per worker, yielding them in order
    (``imap`` would queue every chunk's JSON at once)."""
    pending: deque[tuple[np.ndarray, Any]] = deque()
    for rows in chunks:
        pending.append((rows, pool.apply_async(*task(rows))))
        if len(pending) >= 2 * workers:
            done, result = pending.popleft()
            yield done, result.get()
    while pending:
        done, result = pending.popleft()
        yield done, result.get()


# --------------------------------------------------------------------------- splits


@dataclass(frozen=True)
class Split:
    name: str
    train: np.ndarray
    test: np.ndarray
    description: str


def time_split(ds: Dataset, test_share: float = 0.2) -> Split:
    """Train on earlier cohorts, test on the latest ``test_share`` of enrollments by entry date."""
    train, test, cutoff = _by_time(ds.entry, test_share)
    return Split("time", train, test, f"train: entered before {cutoff}; test: entered on or after {cutoff}")


def participant_split(ds: Dataset, test_share: float = 0.2, salt: str = "matcher") -> Split:
    """Hold out a stable ``test_share`` of participants (all their enrollments), by a hash of their id."""
    train, test = _by_participant(ds.participant_ids, test_share, salt)
    return Split("participant", train, test, f"test: {test_share:.0%} of participants held out (hash of id)")


def _by_time(entry: np.ndarray, test_share: float) -> tuple[np.ndarray, np.ndarray, Any]:
    if not len(entry):
        raise ValueError("no labelled enrollments to split")
    cutoff = np.sort(entry)[int(len(entry) * (1 - test_share))]
    return np.flatnonzero(entry < cutoff), np.flatnonzero(entry >= cutoff), cutoff


def _by_participant(participant_ids: Sequence[str], test_share: float, salt: str) -> tuple[np.ndarray, np.ndarray]:
    bucket = np.array([int(hashlib.sha256(f"{salt}:{pid}".encode()).hexdigest()[:8], 16) % 1000
                       for pid in participant_ids])
    return np.flatnonzero(bucket >= int(test_share * 1000)), np.flatnonzero(bucket < int(test_share * 1000))


def validation_part(ds: Dataset, split: Split, share: float = 0.15) -> tuple[np.ndarray, np.ndarray]:
    """Split the training part again the same way (latest by time, or participants): (fit, validation).

    Works on the training rows' dates or ids only: a ``ds.subset`` would copy the feature matrix."""
    if split.name == "time":
        inner_train, inner_test, _ = _by_time(ds.entry[split.train], share)
    else:
        inner_train, inner_test = _by_participant([ds.participant_ids[i] for i in split.train], share, "validation")
    return split.train[inner_train], split.train[inner_test]


def sample_queries(ds: Dataset, idx: np.ndarray, limit: int) -> np.ndarray:
    """At most ``limit`` of ``idx``, chosen by a stable hash of the participant id (all of a person's queries
    stay together), in their original order."""
    if len(idx) <= limit:
        return idx
    h = np.array([int(hashlib.sha256(f"sample:{ds.participant_ids[i]}".encode()).hexdigest()[:8], 16)
                  for i in idx], dtype=np.int64)
    cut = np.sort(h)[limit - 1]
    return idx[h <= cut][:limit]


# --------------------------------------------------------------------------- rankers


@dataclass
class Rankings:
    """Per query: the top-k program ids of each ranker, and per unique person the eligible set."""

    lists: dict[str, list[list[str]]]
    eligible: list[np.ndarray]  # per query: eligible columns


def rank_queries(ds: Dataset, profiles: Sequence[Any], engines: dict[str, Any], featurizer: PairFeaturizer,
                 popularity: np.ndarray, *, k: int = TOP_K, seed: int = 0, chunk: int = 1024) -> Rankings:
    """Top-k lists for each query from each ranker; ``engines`` maps ranker name to a fitted Recommender."""
    rng = np.random.default_rng(seed)
    ids = featurizer.program_ids
    lists: dict[str, list[list[str]]] = {name: [] for name in ("random", "most_popular", *engines)}
    eligible: list[np.ndarray] = []
    pop_order = np.lexsort((np.arange(len(ids)), -popularity))
    for lo in range(0, len(profiles), chunk):
        part = list(profiles[lo:lo + chunk])
        pb = featurizer.compile(part)
        elig, _ = featurizer.engine.score_details(pb, np.arange(len(ids)))
        for row in range(len(part)):
            keep = np.flatnonzero(~elig.excluded[row])
            eligible.append(keep)
            lists["random"].append([ids[c] for c in rng.permutation(keep)[:k]])
            mask = np.zeros(len(ids), bool)
            mask[keep] = True
            lists["most_popular"].append([ids[c] for c in pop_order[mask[pop_order]][:k]])
        for name, engine in engines.items():
            lists[name].extend([pid for pid, _ in row] for row in engine.rank_ids(part, top=k))
    return Rankings(lists, eligible)


# --------------------------------------------------------------------------- propensities


def fit_propensity(ds: Dataset, train: np.ndarray, featurizer: PairFeaturizer, profiles: Mapping[str, Any],
                   *, max_people: int = 3000, max_rows: int = 60_000, seed: int = 0) -> Any:
    """A model of the coaches' logging policy: P(a program is considered | person, program) over the
    eligible programs, from the recorded considered sets (the chosen program when none was recorded).

    Fitted by case-control sampling: every considered (person, program) pair, and the pairs not considered
    at the rate that keeps at most ``max_rows`` rows, each weighted by the inverse of that rate, so the
    fitted chance is still the chance over the whole grid. (Most pairs are not considered: without the
    sampling the fit took minutes on the grid of a few thousand people x the catalog.)"""
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(seed)
    people = list(dict.fromkeys(ds.participant_ids[i] for i in train))
    if len(people) > max_people:
        people = [people[i] for i in sorted(rng.choice(len(people), max_people, replace=False))]
    considered: dict[str, set[str]] = {}
    for i in train:
        pid = ds.participant_ids[i]
        considered.setdefault(pid, set()).update(ds.considered[i] or [ds.program_ids[i]])
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    n = len(featurizer.program_ids)
    for lo in range(0, len(people), 512):
        part = people[lo:lo + 512]
        pb = featurizer.compile([profiles[p] for p in part])
        x, excluded = featurizer.grid(pb, np.arange(n))
        for row, pid in enumerate(part):
            keep = np.flatnonzero(~excluded[row])
            xs.append(x[row, keep])
            ys.append(np.isin(np.array(featurizer.program_ids)[keep], list(considered.get(pid, ()))))
    x_all, y_all = np.concatenate(xs), np.concatenate(ys)
    if y_all.all() or not y_all.any():
        return None
    rows, weight = case_control_sample(y_all, max_rows, rng)
    return HistGradientBoostingClassifier(max_iter=150, learning_rate=0.1, random_state=seed).fit(
        x_all[rows], y_all[rows], sample_weight=weight)


def case_control_sample(y: np.ndarray, max_rows: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Rows to fit on and their weights: every positive, and negatives at the rate that keeps about
    ``max_rows`` rows in all, each weighted 1 / rate (so weighted counts estimate the full data's)."""
    y = np.asarray(y, dtype=bool)
    positive, negative = np.flatnonzero(y), np.flatnonzero(~y)
    rate = min(1.0, max(max_rows - len(positive), 1) / max(len(negative), 1))
    if rate < 1.0:
        negative = negative[rng.random(len(negative)) < rate]
    rows = np.sort(np.concatenate([positive, negative]))
    return rows, np.where(y[rows], 1.0, 1.0 / rate)


def propensities(model: Any, ds: Dataset, test: np.ndarray, featurizer: PairFeaturizer,
                 profiles: Sequence[Any]) -> np.ndarray:
    """Per test query: the normalized propensity of the program enrolled in, floored at PROPENSITY_FLOOR."""
    out = np.ones(len(test))
    if model is None:
        return out
    n = len(featurizer.program_ids)
    for lo in range(0, len(test), 512):
        part = profiles[lo:lo + 512]
        pb = featurizer.compile(list(part))
        x, excluded = featurizer.grid(pb, np.arange(n))
        b = len(part)
        s = np.zeros((b, n))
        keep = ~excluded
        if keep.any():  # only the eligible programs share the propensity; the others stay 0
            s[keep] = model.predict_proba(x[keep])[:, 1]
        total = s.sum(axis=1, keepdims=True)
        s = np.divide(s, total, out=np.zeros_like(s), where=total > 0)
        cols = ds.columns[test[lo:lo + 512]]
        out[lo:lo + b] = s[np.arange(b), cols]
    return np.maximum(out, PROPENSITY_FLOOR)


# --------------------------------------------------------------------------- metrics per ranker


@dataclass
class RankingReport:
    metrics: dict[str, dict[str, float | None]]
    counts: dict[str, int]
    notes: list[str] = field(default_factory=list)


def ranking_metrics(ds: Dataset, test: np.ndarray, rankings: Rankings, weights: np.ndarray | None,
                    true_relevance: list[np.ndarray] | None, featurizer: PairFeaturizer) -> RankingReport:
    """Replay, IPS and (with ``true_relevance``) true NDCG for every ranker on the same queries."""
    positive = [q for q, i in enumerate(test) if ds.label[i] and not ds.excluded[i]]
    out: dict[str, dict[str, float | None]] = {}
    for name, lists in rankings.lists.items():
        nd5: list[float | None] = []
        nd10: list[float | None] = []
        rec: list[float | None] = []
        ap: list[float | None] = []
        w: list[float] = []
        for q in positive:
            target = ds.program_ids[test[q]]
            ranked = lists[q]
            gains = [1.0 if pid == target else 0.0 for pid in ranked]
            nd5.append(m.ndcg(gains, [1.0], 5))
            nd10.append(m.ndcg(gains, [1.0], 10))
            rec.append(m.recall_at_k(ranked, {target}, 10))
            ap.append(m.average_precision(ranked, {target}, 10))
            w.append(float(weights[q]) if weights is not None else 1.0)
        row: dict[str, float | None] = {
            "ndcg@5": m.mean_or_none(nd5), "ndcg@10": m.mean_or_none(nd10), "recall@10": m.mean_or_none(rec),
            "map@10": m.mean_or_none(ap),
            "ips_ndcg@10": m.mean_or_none(nd10, w) if weights is not None else None,
            "ips_recall@10": m.mean_or_none(rec, w) if weights is not None else None,
        }
        if true_relevance is not None:
            col = featurizer.column_of
            vals: list[float | None] = []
            for q in range(len(test)):
                rel = true_relevance[q]
                gains = [float(rel[col[pid]]) for pid in lists[q]]
                vals.append(m.ndcg(gains, list(rel[rankings.eligible[q]]), 10))
            row["true_ndcg@10"] = m.mean_or_none(vals)
        out[name] = row
    counts = {"queries": len(test), "positive_eligible_queries": len(positive),
              "positive_but_excluded_today": int(sum(1 for i in test if ds.label[i] and ds.excluded[i]))}
    return RankingReport(out, counts)


def top_choice_outcomes(rankings: Rankings, test: np.ndarray, ds: Dataset, p_success: list[np.ndarray],
                        program_wage: np.ndarray, featurizer: PairFeaturizer) -> dict[str, np.ndarray]:
    """Per ranker, per query: expected chance that the top recommendation leads to a self-sufficient wage
    (P(success) there x 1[its wage reaches the person's target]); NaN when nothing is eligible."""
    col = featurizer.column_of
    out: dict[str, np.ndarray] = {}
    for name, lists in rankings.lists.items():
        vals = np.full(len(test), np.nan)
        for q, i in enumerate(test):
            if lists[q]:
                c = col[lists[q][0]]
                vals[q] = p_success[q][c] * float(program_wage[c] >= ds.target[i])
        out[name] = vals
    return out


def probability_metrics(y: np.ndarray, p: np.ndarray) -> dict[str, Any]:
    return {"auc": m.auc(y, p), "brier": m.brier(y, p), "ece": m.expected_calibration_error(y, p),
            "calibration_curve": m.calibration_curve(y, p), "base_rate": float(np.mean(y)) if len(y) else None,
            "n": int(len(y))}
