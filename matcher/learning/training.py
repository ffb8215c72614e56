"""One training run, end to end: features, fit, blend weight, held-out evaluation, audit, artifact, gate.

``train(history, catalog)`` does, in order (a seed makes every step reproducible):

1. pair features of every labelled enrollment (:mod:`.pair_features`, through the engine);
2. the **time split**: train on earlier cohorts, test on the latest 20% of enrollments; inside the
   training part the latest 15% are a validation part;
3. fit the calibrated :class:`~.model.SuccessModel` on the rest of the training part, and learn each
   program's wage after a successful exit;
4. choose the **blend weight** of the expected outcome in the engine's score: the weight (from a
   fixed grid, 0 = the hand-set engine) with the best replay NDCG@10 on the validation part;
5. evaluate on the test part against random, most-popular and the hand-set engine, in the same run
   (replay, IPS and, for generated histories, true NDCG), plus AUC, Brier and calibration;
6. the **participant split** (20% of people held out) as a second check of the same recipe;
7. the fairness audit on the test part;
8. write the version folder (served tables, estimator, card, report) and register it.

:func:`promotion_decision` is the gate: the new version replaces the promoted one only if it is at
least as good on the primary metric (replay NDCG@10) measured on *this* run's test queries, unless forced.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import platform
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..catalog import Catalog
from ..engine import EngineConfig, Recommender
from . import evaluation as ev
from .collection import fewer_collections
from .fairness import audit
from .history import History, Records, canonical_json
from .model import FORMAT_VERSION, AdditiveTables, ExpectedOutcome, ProgramWages, SuccessModel
from .pair_features import FEATURE_NAMES, INDEX, MONOTONE, PairFeaturizer, ProgramRates, catalog_start_wage

BLEND_GRID = (0.0, 0.12, 0.2, 0.3, 0.45, 0.6, 0.9)
#: Ranking metrics are computed on at most this many held-out (and validation) queries, a stable
#: sample by participant id hash: enough for about +-0.01 on NDCG@10, and bounded time on big histories.
MAX_RANKED_QUERIES = 6000
MAX_VALIDATION_QUERIES = 3000
PRIMARY_METRIC = "ndcg@10"
SUCCESS_DEFINITION = ("completed the program and employed in the 2nd quarter after exit (PIRL-style Q2 "
                      "employment); enrollments whose Q2 employment is not known yet are left out")
Progress = Callable[[str], None]


@dataclass
class TrainResult:
    """Everything a run produced; ``card`` and ``report`` are JSON-ready."""

    model: SuccessModel
    wages: ProgramWages
    blend_weight: float
    card: dict[str, Any]
    report: dict[str, Any]
    test_queries: dict[str, Any] = field(default_factory=dict)
    rates: ProgramRates | None = None


def history_hash(history: History) -> str:
    """SHA-256 over the history's records in canonical JSON, one a line: the data a model was made from.

    Canonical JSON is pydantic's compact JSON of a record, fields in their declared order
    (:func:`~matcher.learning.history.canonical_json`); the history keeps its records in exactly that form,
    so the hash is taken over the stored bytes.
    """
    digest = hashlib.sha256()
    for table in (history.participants, history.enrollments, history.outcomes):
        for blob in table.blobs if isinstance(table, Records) else map(canonical_json, table):
            digest.update(blob)
            digest.update(b"\n")
    return digest.hexdigest()


def _engines(catalog: Catalog, config: EngineConfig, tables: AdditiveTables | None, wages: ProgramWages | None,
             weights: tuple[float, ...], rates: ProgramRates | None = None
             ) -> tuple[Recommender, dict[float, Recommender], ExpectedOutcome | None]:
    base = Recommender(config).fit(catalog)
    if tables is None or wages is None:
        return base, {}, None
    hook = ExpectedOutcome(tables, wages, PairFeaturizer(base, rates))
    out = {}
    for w in weights:
        if w == 0:
            out[w] = base
            continue
        cfg = dataclasses.replace(config, weights={**dict(config.weights), "success": w})
        out[w] = Recommender(cfg, success_model=hook).fit(catalog)
    return base, out, hook


def _profiles(history: History, ds: ev.Dataset, idx: np.ndarray) -> list[Any]:
    return [history.participant(ds.participant_ids[i]).profile for i in idx]


def choose_blend_weight(history: History, ds: ev.Dataset, valid: np.ndarray, catalog: Catalog, config: EngineConfig,
                        tables: AdditiveTables, wages: ProgramWages, featurizer: PairFeaturizer,
                        popularity: np.ndarray, rates: ProgramRates | None = None
                        ) -> tuple[float, dict[str, float | None]]:
    """The grid weight with the best replay NDCG@10 on the validation queries (ties: the smaller weight)."""
    _, engines, _ = _engines(catalog, config, tables, wages, BLEND_GRID, rates)
    valid = ev.sample_queries(ds, valid, MAX_VALIDATION_QUERIES)
    profiles = _profiles(history, ds, valid)
    rankings = ev.rank_queries(ds.subset(valid), profiles, {f"w={w}": e for w, e in engines.items()}, featurizer,
                               popularity)
    rep = ev.ranking_metrics(ds, valid, rankings, None, None, featurizer)
    scores = {w: rep.metrics[f"w={w}"][PRIMARY_METRIC] for w in BLEND_GRID}
    best = max(BLEND_GRID, key=lambda w: (scores[w] or 0.0, -w))
    return best, {str(w): s for w, s in scores.items()}


def evaluate_split(history: History, ds: ev.Dataset, split: ev.Split, catalog: Catalog, config: EngineConfig,
                   featurizer: PairFeaturizer, model: SuccessModel, wages: ProgramWages, blend: float, *,
                   rates: ProgramRates | None = None, hidden: Any = None, seed: int = 0,
                   progress: Progress | None = None,
                   extra_models: dict[str, tuple[AdditiveTables, ProgramWages, ProgramRates, float]] | None = None
                   ) -> dict[str, Any]:
    """Every metric of one split's test part, for every ranker, in one run."""
    test = ev.sample_queries(ds, split.test, MAX_RANKED_QUERIES)
    popularity = np.bincount(ds.columns[split.train], minlength=len(featurizer.program_ids)).astype(float)
    base, engines, hook = _engines(catalog, config, model.tables_, wages, (blend,), rates)
    rankers = {"hand_set": base, "model": engines[blend]}
    for name, (tables, w, r, b) in (extra_models or {}).items():
        _, eng, _ = _engines(catalog, config, tables, w, (b,), r)
        rankers[name] = eng[b]
    profiles = _profiles(history, ds, test)
    if progress:
        progress(f"ranking {len(test):,} held-out queries ({split.name} split)")
    rankings = ev.rank_queries(ds.subset(test), profiles, rankers, featurizer, popularity, seed=seed)
    # propensities of the coaches' choices, for the IPS view
    if progress:
        progress("fitting the coaches' choice model (propensities for the IPS view)")
    # made on demand: the propensity model samples a few thousand people, whatever the history's size
    all_profiles = _ProfilesOf(history)
    prop_model = ev.fit_propensity(ds, split.train, featurizer, all_profiles, seed=seed)
    weights = 1.0 / ev.propensities(prop_model, ds, test, featurizer, profiles) if prop_model is not None else None
    if progress:
        progress("scoring the held-out people and auditing fairness")
    # the model's chance of success for every eligible program of each test query
    assert hook is not None
    p_rows: list[np.ndarray] = []
    for lo in range(0, len(test), 512):
        pb = featurizer.compile(profiles[lo:lo + 512])
        p, _ = hook.probability(pb, np.arange(len(featurizer.program_ids)))
        p_rows.extend(p)
    true_rel = None
    oracle_p = None
    program_wage = hook.program_wage_
    if hidden is not None:
        from .generator import oracle_success

        truth, start_wage = oracle_success(history, hidden, [ds.participant_ids[i] for i in test], catalog)
        oracle_p = list(truth)
        wage = np.where(np.isfinite(start_wage), start_wage, np.nanmedian(start_wage))
        true_rel = []
        for q, i in enumerate(test):
            rel = truth[q] * np.minimum(1.0, wage / ds.target[i])
            mask = np.zeros(len(rel), bool)
            mask[rankings.eligible[q]] = True
            true_rel.append(np.where(mask, rel, 0.0))
    ranking = ev.ranking_metrics(ds, test, rankings, weights, true_rel, featurizer)
    # per person (first query of each held-out person): self-sufficient top choice
    first: dict[str, int] = {}
    for q, i in enumerate(test):
        first.setdefault(ds.participant_ids[i], q)
    people = np.array(list(first.values()), dtype=np.int64)
    p_for_share = oracle_p if oracle_p is not None else p_rows
    expected = ev.top_choice_outcomes(rankings, test, ds, p_for_share, program_wage, featurizer)
    reaches = {name: np.array([float(program_wage[featurizer.column_of[lists[q][0]]] >= ds.target[test[q]])
                               if lists[q] else np.nan for q in range(len(test))])
               for name, lists in rankings.lists.items()}
    y = ds.label[test]
    p_pair = model.predict_proba(ds.x[test])
    hand_score = _hand_set_scores(base, profiles, ds.columns[test])
    y_all = ds.label[split.test]
    p_all = model.predict_proba(ds.x[split.test])
    fairness = audit([ds.demographics[test[q]] for q in people],
                     top_self_sufficient={k: v[people] for k, v in reaches.items() if k in ("hand_set", "model")},
                     expected_self_sufficient={k: v[people] for k, v in expected.items()
                                               if k in ("hand_set", "model")},
                     enrollment_demographics=[ds.demographics[i] for i in test], y=y, p=p_pair)
    return {
        "split": {"name": split.name, "description": split.description, "train": int(len(split.train)),
                  "test": int(len(split.test)), "ranked_queries": int(len(test)), "test_people": int(len(people))},
        "ranking": ranking.metrics, "ranking_counts": ranking.counts,
        "ips": {"available": weights is not None, "floor": ev.PROPENSITY_FLOOR,
                "weights_p50": float(np.median(weights)) if weights is not None else None,
                "weights_max": float(np.max(weights)) if weights is not None else None},
        "true_ndcg_available": true_rel is not None,
        "probability": {"model": ev.probability_metrics(y_all, p_all),
                        "hand_set_score_auc": ev.m.auc(y, hand_score)},
        "self_sufficient_top_choice": {
            name: {"expected_share": float(np.nanmean(v[people])) if np.isfinite(v[people]).any() else None,
                   "top_pays_target_share": float(np.nanmean(reaches[name][people]))
                   if np.isfinite(reaches[name][people]).any() else None}
            for name, v in expected.items()},
        "self_sufficient_estimated_with": "generator truth" if oracle_p is not None else "the model's probabilities",
        "fairness": fairness,
    }


class _ProfilesOf(Mapping[str, Any]):
    """Participant id -> profile, read from the history when asked (a dict of a million would be built for the
    few thousand the propensity model uses)."""

    def __init__(self, history: History) -> None:
        self.history = history

    def __getitem__(self, participant_id: str) -> Any:
        return self.history.participant(participant_id).profile

    def __iter__(self) -> Iterator[str]:
        people = self.history.participants
        return iter(people.keys) if isinstance(people, Records) else (p.id for p in people)

    def __len__(self) -> int:
        return len(self.history.participants)


def _counting(say: Progress, what: str) -> Callable[[int], None]:
    """A ``build_dataset`` progress callback (told each chunk's size; the total is not known in advance): it
    reports at 50,000 enrollments, then each time the count doubles, so a long build says it is alive."""
    done = 0
    next_at = 50_000

    def tick(n: int) -> None:
        nonlocal done, next_at
        done += n
        if done >= next_at:
            say(f"{what}: {done:,} enrollments")
            next_at *= 2

    return tick


def _hand_set_scores(engine: Recommender, profiles: list[Any], cols: np.ndarray) -> np.ndarray:
    out = np.zeros(len(profiles))
    for lo in range(0, len(profiles), 1024):
        pb = engine.compile_seekers(profiles[lo:lo + 1024])
        _, comps = engine.score_details(pb, cols[lo:lo + 1024])
        out[lo:lo + 1024] = np.diagonal(comps.total)
    return out


def feature_importance(model: SuccessModel, x: np.ndarray) -> list[dict[str, Any]]:
    """Mean absolute term of each feature in the model's log-odds on ``x`` (additive: exact shares)."""
    contrib = model.tables_.contributions(x)
    centred = np.abs(contrib - contrib.mean(axis=0))
    score = centred.mean(axis=0)
    order = np.argsort(-score)
    return [{"feature": FEATURE_NAMES[j], "importance": float(score[j]), "monotone": MONOTONE[j]}
            for j in order if score[j] > 0]


@fewer_collections()
def train(history: History, catalog: Catalog, *, config: EngineConfig | None = None, seed: int = 0,
          params: dict[str, Any] | None = None, hidden: Any = None, participant_split_check: bool = True,
          progress: Progress | None = None,
          compare: dict[str, tuple[AdditiveTables, ProgramWages, ProgramRates, float]] | None = None,
          workers: ev.FeatureWorkers | None = None) -> TrainResult:
    """Train, choose the blend weight, evaluate and audit (see the module docstring).

    ``workers``: from :func:`training_workers` for the same catalog and config (their featurizer is used)."""
    import sklearn

    config = config or EngineConfig()
    say = progress or (lambda _msg: None)
    if workers is not None:
        featurizer = workers.featurizer
        if featurizer.engine.config != config or \
                list(featurizer.program_ids) != [p.id for p in catalog.programs]:
            raise ValueError("the feature workers were made for another catalog or engine configuration")
    else:
        featurizer = PairFeaturizer(Recommender(config).fit(catalog))
    say("building pair features of the labelled enrollments")
    ds = ev.build_dataset(history, featurizer, progress=_counting(say, "pair features"), early=workers)
    say(f"pair features of {len(ds):,} labelled enrollments built")
    if len(ds) < 200:
        raise ValueError(f"only {len(ds)} labelled enrollments with a program in the catalog; at least 200 are "
                         f"needed to train and evaluate")
    split = ev.time_split(ds)
    fit_idx, valid_idx = ev.validation_part(ds, split)
    say(f"fitting the success model on {len(fit_idx):,} enrollments")
    rates = encode_program_rates(ds, fit_idx, np.setdiff1d(np.arange(len(ds)), fit_idx))
    model = SuccessModel(random_state=seed, **(params or {})).fit(ds.x[fit_idx], ds.label[fit_idx])
    wages = _learn_wages(ds, fit_idx, featurizer)
    popularity = np.bincount(ds.columns[split.train], minlength=len(featurizer.program_ids)).astype(float)
    say("choosing the blend weight on the validation cohort")
    blend, blend_scores = choose_blend_weight(history, ds, valid_idx, catalog, config, model.tables_, wages,
                                              featurizer, popularity, rates)
    say(f"evaluating on the held-out cohort (blend weight {blend})")
    time_eval = evaluate_split(history, ds, split, catalog, config, featurizer, model, wages, blend, rates=rates,
                               hidden=hidden, seed=seed, progress=progress, extra_models=compare)
    participant_eval = None
    if participant_split_check:
        psplit = ev.participant_split(ds)
        pfit, pvalid = ev.validation_part(ds, psplit)
        say("participant split: fitting and evaluating the same recipe")
        pds = dataclasses.replace(ds, x=ds.x.copy())
        prates = encode_program_rates(pds, pfit, np.setdiff1d(np.arange(len(pds)), pfit))
        pmodel = SuccessModel(random_state=seed, **(params or {})).fit(pds.x[pfit], pds.label[pfit])
        pwages = _learn_wages(pds, pfit, featurizer)
        pblend, _ = choose_blend_weight(history, pds, pvalid, catalog, config, pmodel.tables_, pwages, featurizer,
                                        popularity, prates)
        participant_eval = evaluate_split(history, pds, psplit, catalog, config, featurizer, pmodel, pwages, pblend,
                                          rates=prates, hidden=hidden, seed=seed)
        encode_program_rates(ds, fit_idx, np.setdiff1d(np.arange(len(ds)), fit_idx))  # restore the time split's
        participant_eval["blend_weight"] = pblend
    say("feature importance, the data's hash, the card")
    importance = feature_importance(model, ds.x[split.test])
    data_hash = history_hash(history)
    libraries = {"python": platform.python_version(), "numpy": np.__version__, "scikit-learn": sklearn.__version__}
    report = {
        "title": "Success model evaluation and fairness audit",
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "data": {"source": history.source, "sha256": data_hash, **history.counts(),
                 "labelled_in_catalog": len(ds), "skipped_unknown_program": ds.skipped_unknown_program,
                 "catalog_programs": len(featurizer.program_ids)},
        "success_definition": SUCCESS_DEFINITION,
        "blend_weight": blend, "blend_validation_ndcg@10": blend_scores,
        "time_split": time_eval, "participant_split": participant_eval,
        "feature_importance": importance, "n_iter": model.n_iter_, "seed": seed,
        "selection_bias": ev.SELECTION_BIAS,
    }
    card = model_card(report, model, blend, libraries, config)
    return TrainResult(model, wages, blend, card, report, rates=rates)


def encode_program_rates(ds: ev.Dataset, fit: np.ndarray, others: np.ndarray, folds: int = 5) -> ProgramRates:
    """Fill the ``program_success_rate`` column of ``ds.x``: out-of-fold rates for the ``fit`` rows (so a
    row never sees its own outcome), rates from all ``fit`` rows for ``others``; returns the latter table.

    The rates are :meth:`ProgramRates.shrunk_rates`, counted per program column (a million rows in a fraction
    of a second rather than a Python loop over them)."""
    col = INDEX["program_success_rate"]
    fit = np.asarray(fit, dtype=np.int64)
    others = np.asarray(others, dtype=np.int64)
    width = int(ds.columns.max()) + 1 if len(ds.columns) else 0
    fold = np.array([int(ev.hashlib.sha256(f"fold:{ds.participant_ids[i]}".encode()).hexdigest()[:8], 16) % folds
                     for i in fit], dtype=np.int64)
    for k in range(folds):
        inside, outside = fit[fold == k], fit[fold != k]
        rate, _ = ProgramRates.shrunk_rates(ds.columns[outside], ds.label[outside], width)
        ds.x[inside, col] = rate[ds.columns[inside]]
    rate, prior = ProgramRates.shrunk_rates(ds.columns[fit], ds.label[fit], width)
    ds.x[others, col] = rate[ds.columns[others]]
    seen, first = np.unique(ds.columns[fit], return_index=True)
    return ProgramRates({ds.program_ids[fit[i]]: float(rate[c]) for c, i in zip(seen.tolist(), first.tolist())},
                        prior)


def _learn_wages(ds: ev.Dataset, idx: np.ndarray, featurizer: PairFeaturizer) -> ProgramWages:
    idx = np.asarray(idx, dtype=np.int64)
    ok = idx[ds.label[idx] & np.isfinite(ds.wage[idx])].tolist()
    start = catalog_start_wage(featurizer.catalog)
    catalog_wage = {pid: float(start[c]) for c, pid in enumerate(featurizer.program_ids)}
    return ProgramWages.learn([ds.program_ids[i] for i in ok], ds.wage[ok].tolist(), catalog_wage)


def model_card(report: dict[str, Any], model: SuccessModel, blend: float, libraries: dict[str, str],
               config: EngineConfig) -> dict[str, Any]:
    t = report["time_split"]
    flags = t["fairness"]["flags"]
    return {
        "format_version": FORMAT_VERSION,
        "created": report["created"],
        "model": "additive gradient boosting (scikit-learn HistGradientBoostingClassifier, one feature per tree, "
                 "monotone constraints) with sigmoid/isotonic calibration (CalibratedClassifierCV)",
        "success_definition": SUCCESS_DEFINITION,
        "predicts": "the chance that a person completes a program and is employed in the 2nd quarter after exit; "
                    "the engine uses it times the program's wage reach toward the person's self-sufficiency target",
        "blend_weight": blend,
        "data": report["data"],
        "split": t["split"],
        "features": [{"name": n, "monotone": c} for n, c in zip(FEATURE_NAMES, MONOTONE)],
        "parameters": {**model.get_params(), "n_iter": model.n_iter_},
        "engine_config": {"weights": dict(config.weights), "income_priority": config.income_priority,
                          "urgent_priority": config.urgent_priority},
        "metrics": {"ranking": t["ranking"], "probability": {k: v for k, v in t["probability"]["model"].items()
                                                             if k != "calibration_curve"},
                    "hand_set_score_auc": t["probability"]["hand_set_score_auc"],
                    "self_sufficient_top_choice": t["self_sufficient_top_choice"],
                    "participant_split": (report["participant_split"] or {}).get("ranking")},
        "fairness": {"flags": flags, "four_fifths": t["fairness"]["four_fifths"],
                     "min_group": t["fairness"]["min_group"]},
        "libraries": libraries,
        "intended_use": "Re-ranking, for one job seeker at a time, the training programs the matcher's rules keep, "
                        "so that programs people like them complete and find work from come first. For coaches and "
                        "job seekers choosing together.",
        "not_for": "Deciding who gets services, funding or a referral; comparing or ranking people; any use without "
                   "the person. The product returns only rankings within one person's list, never a person's "
                   "predicted chance.",
        "limits": ["Learned from past enrollments chosen by coaches: programs coaches rarely chose are estimated "
                   "from similar programs, with more uncertainty (see the IPS and replay figures).",
                   "The shipped model is trained on generated sample history, not real participants: a board must "
                   "retrain it on its own outcomes before relying on it.",
                   "Outcomes of people who never enrolled are unknown; unobserved motivation and local labour "
                   "demand are not in the features.",
                   "Groups under the minimum size are reported, not judged."],
        "contest": "A person or their coach can ask why a program was ranked where it was: the reasons list what "
                   "drove it, the hand-set ranking (no model) is always available for comparison, and the coach "
                   "can refer to any program the rules keep whatever its rank. Report a wrong or unfair "
                   "recommendation to the board's evaluator, who can roll the model back (matcher models rollback).",
    }


def promotion_decision(candidate: dict[str, Any], promoted: dict[str, Any] | None, *, force: bool = False
                       ) -> tuple[bool, str]:
    """Whether a candidate replaces the promoted model: ``candidate`` and ``promoted`` are ranking metrics
    of the two measured on the same held-out queries."""
    new = candidate.get(PRIMARY_METRIC)
    if new is None:
        return force, "the candidate has no held-out NDCG@10" + (" (forced)" if force else "")
    if promoted is None:
        return True, f"no model was promoted; the candidate's held-out NDCG@10 is {new:.4f}"
    old = promoted.get(PRIMARY_METRIC) or 0.0
    if new >= old:
        return True, f"held-out NDCG@10 {new:.4f} >= {old:.4f} of the promoted model on the same queries"
    if force:
        return True, f"forced: held-out NDCG@10 {new:.4f} < {old:.4f} of the promoted model"
    return False, (f"not promoted: held-out NDCG@10 {new:.4f} is below {old:.4f} of the promoted model on the same "
                   f"queries (use --force to promote anyway)")


def write_version(result: TrainResult, registry: Any, *, render: Callable[[dict[str, Any]], str] | None = None
                  ) -> str:
    """Write a version folder into the registry (staged, then moved in atomically) and return its id."""
    import joblib

    from .registry import CARD, ESTIMATOR, SERVED, write_served

    staging = registry.staging_dir()
    try:
        version = registry.new_version_id(result.report["data"]["sha256"])
        result.card["version"] = version
        result.report["version"] = version
        write_served(staging / SERVED, result.model.tables_, result.wages, FEATURE_NAMES, result.rates)
        joblib.dump(result.model.calibrated_, staging / ESTIMATOR, compress=3)
        (staging / CARD).write_text(json.dumps(result.card, indent=2, sort_keys=True, default=str) + "\n",
                                    encoding="utf-8")
        (staging / "card.md").write_text(card_markdown(result.card), encoding="utf-8")
        (staging / "report.json").write_text(json.dumps(result.report, indent=2, sort_keys=True, default=str) + "\n",
                                             encoding="utf-8")
        if render is not None:
            (staging / "report.html").write_text(render(result.report), encoding="utf-8")
        summary = {"metrics": {"ndcg@10": result.report["time_split"]["ranking"]["model"]["ndcg@10"],
                               "auc": result.report["time_split"]["probability"]["model"]["auc"]},
                   "data_sha256": result.report["data"]["sha256"]}
        return str(registry.register(staging, version, summary))
    except BaseException:
        registry.discard(staging)
        raise


def card_markdown(card: dict[str, Any]) -> str:
    m = card["metrics"]["ranking"]
    lines = [f"# Model card: {card.get('version', '(unregistered)')}", "",
             f"- Created: {card['created']}", f"- Model: {card['model']}",
             f"- Predicts: {card['predicts']}", f"- Success: {card['success_definition']}",
             f"- Blend weight of the expected outcome in the engine score: {card['blend_weight']}",
             f"- Data: {card['data']['source']} (SHA-256 {card['data']['sha256'][:16]}...), "
             f"{card['data']['labelled_in_catalog']:,} labelled enrollments",
             f"- Split: {card['split']['description']}",
             f"- Libraries: {', '.join(f'{k} {v}' for k, v in card['libraries'].items())}", "",
             "## Held-out ranking (time split)", "", "| ranker | NDCG@5 | NDCG@10 | recall@10 | MAP@10 | IPS NDCG@10 | "
             "true NDCG@10 |", "|---|---:|---:|---:|---:|---:|---:|"]
    for name, row in m.items():
        cells = [row.get(k) for k in ("ndcg@5", "ndcg@10", "recall@10", "map@10", "ips_ndcg@10", "true_ndcg@10")]
        lines.append(f"| {name} | " + " | ".join("-" if c is None else f"{c:.4f}" for c in cells) + " |")
    p = card["metrics"]["probability"]
    lines += ["", f"AUC {p.get('auc') or 0:.4f}, Brier {p.get('brier') or 0:.4f}, ECE {p.get('ece') or 0:.4f}.", "",
              "## Fairness", "", f"Four-fifths threshold {card['fairness']['four_fifths']}; groups under "
              f"{card['fairness']['min_group']} people are reported, not judged.", ""]
    flags = card["fairness"]["flags"]
    lines += [f"- flagged: {f['attribute']} = {f['group']} ({f['ranker']}, ratio {f['ratio']:.2f}, n {f['n']})"
              for f in flags] or ["- no group flagged"]
    lines += ["", "## Intended use", "", card["intended_use"], "", "Not for: " + card["not_for"], "", "## Limits", ""]
    lines += [f"- {x}" for x in card["limits"]]
    lines += ["", "## How to contest a recommendation", "", card["contest"], ""]
    return "\n".join(lines)


def metrics_path(folder: Path) -> Path:
    return folder / "report.json"


class TablesModel:
    """A loaded model's tables in the shape :func:`evaluate_split` expects of a fitted SuccessModel."""

    def __init__(self, tables: AdditiveTables) -> None:
        self.tables_ = tables

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        return self.tables_.proba(np.asarray(x))


@contextmanager
def training_workers(catalog: Catalog, config: EngineConfig | None = None) -> Iterator[ev.FeatureWorkers | None]:
    """Worker processes for reading a history and building its pair features, forked now, before the history
    is in memory (:func:`~matcher.learning.evaluation.feature_workers`); pass them to
    :func:`load_history_source` and :func:`run_training`. None where forking is not safe."""
    with ev.feature_workers(PairFeaturizer(Recommender(config or EngineConfig()).fit(catalog))) as workers:
        yield workers


def load_history_source(history_dir: Path | None, db_url: str | None, catalog: Catalog,
                        skip_invalid: bool = False, workers: ev.FeatureWorkers | None = None
                        ) -> tuple[History, Any]:
    """The history to learn from (a folder, else the store) and the generator's hidden draws if any."""
    from .generator import read_hidden
    from .history_io import read_history
    from .history_store import HistoryStore

    if history_dir is not None:
        result = read_history(history_dir, catalog=catalog, skip_invalid=skip_invalid,
                              pool=workers.pool if workers is not None else None)
        return result.history, read_hidden(history_dir)
    with HistoryStore(db_url) as store:
        return store.history(), None


def run_training(history: History, catalog: Catalog, registry: Any, *, promote: bool = True, force: bool = False,
                 seed: int = 0, hidden: Any = None, config: EngineConfig | None = None,
                 params: dict[str, Any] | None = None, participant_split_check: bool = True,
                 progress: Progress | None = None, workers: ev.FeatureWorkers | None = None) -> dict[str, Any]:
    """Train, register the new version, and promote it if the gate allows (see :func:`promotion_decision`)."""
    from ..errors import MatcherError
    from .report import render_html

    compare: dict[str, tuple[AdditiveTables, ProgramWages, ProgramRates, float]] = {}
    current = registry.promoted()
    note = None
    if current is not None:
        try:
            loaded = registry.load(current)
            if tuple(loaded.feature_names) == FEATURE_NAMES:
                compare["promoted"] = (loaded.tables, loaded.wages, loaded.rates, loaded.blend_weight)
            else:
                note = f"the promoted model {current} uses other features and cannot be measured on this data"
        except MatcherError as exc:
            note = f"the promoted model {current} cannot be loaded ({exc.message})"
    result = train(history, catalog, config=config, seed=seed, params=params, hidden=hidden,
                   participant_split_check=participant_split_check, progress=progress, compare=compare,
                   workers=workers)
    ranking = result.report["time_split"]["ranking"]
    if compare:
        allowed, why = promotion_decision(ranking["model"], ranking["promoted"], force=force)
    elif note is not None:
        allowed, why = force, note + ("; promoted because --force was given" if force else "; not promoted "
                                      "without --force")
    else:
        allowed, why = promotion_decision(ranking["model"], None, force=force)
    result.report["promotion"] = {"compared_with": current if compare else None, "decision": why}
    if progress:
        progress("writing the version folder and its report")
    version = write_version(result, registry, render=render_html)
    promoted = False
    if promote and allowed:
        registry.promote(version, reason=why)
        promoted = True
    return {"version": version, "promoted": promoted, "decision": why, "blend_weight": result.blend_weight,
            "metrics": ranking, "probability": {k: v for k, v in
                                                result.report["time_split"]["probability"]["model"].items()
                                                if k != "calibration_curve"},
            "fairness_flags": result.report["time_split"]["fairness"]["flags"], "report": result.report}


def run_evaluation(history: History, catalog: Catalog, registry: Any, version: str | None = None, *,
                   hidden: Any = None, config: EngineConfig | None = None, seed: int = 0,
                   progress: Progress | None = None) -> dict[str, Any]:
    """Evaluate a registered model on a history's held-out time split, beside the baselines, with the audit."""
    loaded = registry.load(version)
    if tuple(loaded.feature_names) != FEATURE_NAMES:
        from ..errors import ModelCompatibilityError

        raise ModelCompatibilityError(f"model {loaded.version} uses other features; retrain it", field="features")
    config = config or EngineConfig()
    featurizer = PairFeaturizer(Recommender(config).fit(catalog), loaded.rates)
    ds = ev.build_dataset(history, featurizer)
    if len(ds) < 50:
        raise ValueError(f"only {len(ds)} labelled enrollments with a program in the catalog; too few to evaluate")
    split = ev.time_split(ds)
    out = evaluate_split(history, ds, split, catalog, config, featurizer,
                         TablesModel(loaded.tables),  # type: ignore[arg-type]
                         loaded.wages, loaded.blend_weight, rates=loaded.rates, hidden=hidden, seed=seed,
                         progress=progress)
    model_like = TablesModel(loaded.tables)
    report = {"title": f"Evaluation of model {loaded.version}", "version": loaded.version,
              "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "data": {"source": history.source, "sha256": history_hash(history), **history.counts(),
                       "labelled_in_catalog": len(ds), "skipped_unknown_program": ds.skipped_unknown_program,
                       "catalog_programs": len(featurizer.program_ids)},
              "success_definition": SUCCESS_DEFINITION, "blend_weight": loaded.blend_weight,
              "time_split": out, "participant_split": None,
              "feature_importance": feature_importance(model_like, ds.x[split.test]),  # type: ignore[arg-type]
              "selection_bias": ev.SELECTION_BIAS}
    return report
