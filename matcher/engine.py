"""The matching engine: rank training programs for a job seeker, with reasons.

Public entry points::

    recommend(profile, catalog=None, *, top=10, config=None) -> RecommendationList
    recommend_batch(profiles, catalog=None, *, top=10, chunk_size=None, config=None) -> Iterator[RecommendationList]
    Recommender(config).fit(catalog).recommend(profile) / .recommend_batch(profiles)

How it works (``docs/engine.md`` has the detail): the catalog is compiled
once into arrays (:mod:`matcher.features`); each seeker (or chunk of seekers)
is resolved and compiled too; hard requirements are checked over the whole
catalog at once (:mod:`matcher.eligibility`), every program is scored at once
(:mod:`matcher.scoring`), the best are re-ranked for variety, and only those
shown get plain-language explanations (:mod:`matcher.explain`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, fields, replace
from itertools import pairwise
from typing import Any

import numpy as np
import scipy.sparse as sp

from . import geo, normalize, selfsufficiency, wages
from .catalog import Catalog, ImportResult
from .columns import ALL_COLUMNS, Columns, column_index
from .eligibility import Eligibility, evaluate
from .errors import ValidationError
from .explain import Explainer, Placement, openings_for
from .features import ProfileBatch, compile_catalog, compile_profiles, program_miles
from .policy import board_barriers, support_mask
from .profile_resolve import ProfileResolver, ResolvedProfile, UnmatchedInput
from .records import Program, SeekerProfile
from .results import Blocker, Recommendation, RecommendationList, ScoreParts, SkillGap, SupportToArrange
from .rules import RuleContext, RuleOutcome
from .scoring import Components, EngineConfig, LazySuccess, PairDetails, SuccessModel, score, static_part
from .taxonomy import load_taxonomy

__all__ = [
    "Blocker",
    "EngineConfig",
    "Recommendation",
    "RecommendationList",
    "Recommender",
    "ScoreParts",
    "SkillGap",
    "SuccessModel",
    "SupportToArrange",
    "UnmatchedInput",
    "recommend",
    "recommend_batch",
]

#: Cells (seekers x programs) scored at once in a batch: bounds memory to a few
#: hundred MB at most whatever the caseload size (about 100 MB at 2 million cells).
BATCH_CELLS = 2_000_000

#: Threads scoring chunks of a batch at once, unless ``Recommender(workers=...)`` says otherwise.
#: One: on the 2-core machines measured (docs/benchmarks.md), batch scoring is bound by memory
#: bandwidth and by its Python parts, and a second thread gained nothing while doubling peak
#: memory. Try 2 or more where memory bandwidth per core is higher.
DEFAULT_WORKERS = 1


class Recommender:
    """A reusable engine, scikit-learn style: settings in ``__init__``, compiled state
    (trailing underscore) set by :meth:`fit`, which returns ``self``.

    ``taxonomy``, ``normalizer``, ``zip_point``, ``wage_for`` and
    ``target_for_profile`` default to the shipped data modules; pass objects to
    use others (tests, a board's own data) or ``False`` to go without.
    ``success_model`` is the hook for the learned completion+placement model:
    when given, its probability becomes one more score component (its ``predict``
    may be called from the worker threads).
    ``workers`` is how many threads score chunks of a batch at once (None:
    ``DEFAULT_WORKERS``; 1 scores on the calling thread). Results never depend on it.
    """

    fitted_catalog_: Catalog  # set by the one-call API's cache (see _recommender_for)

    def __init__(
        self,
        config: EngineConfig | None = None,
        *,
        success_model: SuccessModel | None = None,
        taxonomy: Any = None,
        normalizer: Any = None,
        zip_point: Any = None,
        wage_for: Any = None,
        target_for_profile: Any = None,
        workers: int | None = None,
    ) -> None:
        if workers is not None and (not isinstance(workers, int) or workers < 1):
            raise ValidationError("workers must be a whole number of at least 1", field="workers")
        self.config = config or EngineConfig()
        self.workers = workers if workers is not None else DEFAULT_WORKERS
        self.success_model = success_model
        self.taxonomy = taxonomy
        self.normalizer = normalizer
        self.zip_point = zip_point
        self.wage_for = wage_for
        self.target_for_profile = target_for_profile

    # ------------------------------------------------------------------ fitting

    def fit(self, catalog: Catalog | ImportResult | Iterable[Program] | None = None) -> Recommender:
        """Compile ``catalog`` (None: the shipped sample catalog; ``read_catalog``'s result, a
        :class:`Catalog` or any iterable of programs work too). Returns self."""
        if catalog is None:
            from .catalog import default_catalog

            catalog = default_catalog()
        if isinstance(catalog, ImportResult):
            catalog = catalog.catalog
        programs = tuple(catalog.programs if isinstance(catalog, Catalog) else catalog)
        taxonomy = _default(self.taxonomy, load_taxonomy, call=True)
        zip_point = _default(self.zip_point, geo.zip_point)
        wage_for = _default(self.wage_for, wages.wage_for)
        target = _default(self.target_for_profile, selfsufficiency.target_for_profile)
        if target is selfsufficiency.target_for_profile:
            # Bind the shipped table once rather than locating it for every profile, and remember each household.
            target = selfsufficiency.household_targets(selfsufficiency.SelfSufficiencyTable.default())
        normalizer = self.normalizer
        if normalizer is None:
            normalizer = normalize.Normalizer(taxonomy) if taxonomy is not None else None
        elif normalizer is False:
            normalizer = None

        self.taxonomy_ = taxonomy
        self.catalog_ = compile_catalog(programs, taxonomy=taxonomy, zip_point=zip_point, wage_for=wage_for)
        self.resolver_ = ProfileResolver(
            normalizer,
            known_skills=taxonomy.skills if taxonomy is not None else None,
            known_occupations=taxonomy.occupations if taxonomy is not None else None,
            zip_point=zip_point,
            target_for_profile=target,
        )
        return self._weigh()

    def with_success_model(self, success_model: SuccessModel, config: EngineConfig) -> Recommender:
        """A fitted copy that ranks with ``success_model`` under ``config`` (its weights, e.g. the learned
        ``success`` weight), sharing this engine's compiled catalog and resolver: the catalog is compiled
        once, not again for the model. ``config`` may change weights only; the rules' settings must match."""
        self._check_fitted()
        if replace(config, weights=self.config.weights) != self.config:
            raise ValidationError("with_success_model may change the weights only; fit a new engine for other "
                                  "settings", field="config")
        other = Recommender(config, success_model=success_model, taxonomy=self.taxonomy, normalizer=self.normalizer,
                            zip_point=self.zip_point, wage_for=self.wage_for,
                            target_for_profile=self.target_for_profile, workers=self.workers)
        other.taxonomy_, other.catalog_, other.resolver_ = self.taxonomy_, self.catalog_, self.resolver_
        return other._weigh()

    def _weigh(self) -> Recommender:
        """The parts of fitting that depend on the weights and board settings (not on compiling the catalog)."""
        self.weights_ = self.config.resolved_weights(has_success_model=self.success_model is not None)
        self.static_ = static_part(self.catalog_, self.weights_)
        self.context_ = RuleContext(board_support_mask=support_mask(self.config.board_supports),
                                    remedy_distance_miles=self.config.remedy_distance_miles,
                                    transit_line_factor=self.config.transit_line_factor)
        self.board_barriers_ = board_barriers(self.config.board_supports)
        self.board_urgent_ = board_barriers(self.config.board_supports, urgent=True)
        self.explainer_ = Explainer(self.catalog_, self.taxonomy_, self.config, self.weights_)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "catalog_"):
            raise ValidationError("call fit(catalog) before recommending", field="catalog")

    # ------------------------------------------------------------------ recommending

    def recommend(self, profile: SeekerProfile | Mapping[str, Any], *, top: int | None = 10) -> RecommendationList:
        """Ranked, explained programs for one seeker. ``top=None`` returns every eligible program."""
        self._check_fitted()
        _check_top(top)
        resolved = self.resolver_.resolve(profile)
        # One seeker: the ranking pass keeps every rule outcome and component (a few hundred KB at most),
        # so the explanation slices them instead of running the rules and the score again.
        return self._explain_chunk(self._score_and_select([resolved], top, count_rules=True, detail=True))[0]

    def recommend_batch(self, profiles: Iterable[SeekerProfile | Mapping[str, Any]], *, top: int | None = 10,
                        chunk_size: int | None = None) -> Iterator[RecommendationList]:
        """Ranked lists for many seekers, scored a chunk at a time (memory stays bounded)."""
        self._check_fitted()
        _check_top(top)
        for scored in self._scored_chunks(profiles, top, chunk_size, count_rules=True):
            # Explanations stay on this thread: they are Python work, which threads would only
            # serialize, and the explainer need not be thread-safe.
            yield from self._explain_chunk(scored)

    def rank_ids(self, profiles: Iterable[SeekerProfile | Mapping[str, Any]], *, top: int = 10,
                 chunk_size: int | None = None) -> Iterator[list[tuple[str, float]]]:
        """Scoring only (no explanations): ``[(program_id, score), ...]`` per seeker, best first.

        For bulk analysis and benchmarks; coaches should see :meth:`recommend_batch`.
        """
        self._check_fitted()
        _check_top(top)
        ids = self.catalog_.id_list
        for scored in self._scored_chunks(profiles, top, chunk_size, count_rules=False):
            for chosen in scored.chosen:
                yield [(ids[c], s) for c, s in zip(chosen.cols, chosen.scores)]

    # ------------------------------------------------------------------ pair details (for learning)

    def compile_seekers(self, profiles: Iterable[SeekerProfile | Mapping[str, Any]]) -> ProfileBatch:
        """Resolve and compile seekers into the arrays rules and scores read (one row per seeker)."""
        self._check_fitted()
        return self._compile([self.resolver_.resolve(p) for p in profiles])

    def _compile(self, resolved: list[ResolvedProfile]) -> ProfileBatch:
        return compile_profiles(resolved, self.catalog_, taxonomy=self.taxonomy_,
                                default_target_wage=self.config.default_target_wage, mode_miles=self.config.mode_miles)

    def score_details(self, pb: ProfileBatch, cols: Columns) -> tuple[Eligibility, Components]:
        """Every rule outcome and score component for seekers ``pb`` x program columns ``cols``:
        the same arrays the ranking and the explanations use. ``Components.parts`` holds the
        named components (skills, interest, practical, supports, earn, wage, outcomes) and
        ``schedule``/``distance``/``language``/``miles`` their practical pieces, each (B, len(cols)).
        This is the engine's interface for the learned model's features; it stays stable."""
        self._check_fitted()
        return self._rules_and_scores(pb, np.asarray(cols, dtype=np.int64), detail=True)

    # ------------------------------------------------------------------ internals

    def _scored_chunks(self, profiles: Iterable[SeekerProfile | Mapping[str, Any]], top: int | None,
                       chunk_size: int | None, *, count_rules: bool) -> Iterator[_ScoredChunk]:
        """Resolve profiles a chunk at a time (here, in order) and score the chunks on the worker
        threads, yielding them in input order. At most ``workers + 1`` chunks are in flight, so
        memory stays bounded whatever the caseload size."""
        size = chunk_size or max(1, min(1024, BATCH_CELLS // max(self.catalog_.size, 1)))
        if size < 1:
            raise ValidationError("chunk_size must be at least 1", field="chunk_size")

        def work(chunk: list[ResolvedProfile]) -> _ScoredChunk:
            return self._score_and_select(chunk, top, count_rules=count_rules)

        chunks = _chunked((self.resolver_.resolve(p) for p in profiles), size)
        if self.workers <= 1:
            yield from map(work, chunks)
            return
        with ThreadPoolExecutor(self.workers, thread_name_prefix="matcher") as pool:
            pending: deque[Future[_ScoredChunk]] = deque()
            try:
                while True:
                    try:
                        chunk = next(chunks)
                    except StopIteration:
                        break
                    except Exception:
                        # A profile that does not validate: the chunks before it come out first,
                        # in order, as they would one at a time.
                        while pending:
                            yield pending.popleft().result()
                        raise
                    pending.append(pool.submit(work, chunk))
                    if len(pending) > self.workers:
                        yield pending.popleft().result()
                while pending:
                    yield pending.popleft().result()
            finally:
                for future in pending:  # the caller stopped early: do not score what nobody will read
                    future.cancel()

    def _pool_size(self, top: int | None) -> int | None:
        """How many of each row's best programs the re-rank considers (None: all)."""
        return None if top is None else top * max(self.config.candidate_factor, 1)

    def _score_chunk(self, resolved: list[ResolvedProfile], top: int | None, *, count_rules: bool = False,
                     detail: bool = False) -> tuple[ProfileBatch, np.ndarray, Eligibility, Components]:
        """Scores of every (seeker, program), -inf where a hard requirement excludes the program
        (``detail``: every rule outcome and component is kept too)."""
        pb = self._compile(resolved)
        elig, comps = self._rules_and_scores(pb, ALL_COLUMNS, detail=detail, count_rules=count_rules,
                                             pool=self._pool_size(top))
        masked = comps.total.copy() if detail else comps.total  # detail keeps the real totals for explanations
        _exclude(masked, elig.excluded)
        return pb, masked, elig, comps

    def _rules_and_scores(self, pb: ProfileBatch, cols: Columns, *, detail: bool, count_rules: bool = False,
                          pool: int | None = None) -> tuple[Eligibility, Components]:
        """Run the rules and the score components for seekers x programs ``cols``: the one path
        both ranking (``detail=False``: combined mask and totals only) and explanation
        (``detail=True``: every rule outcome and component kept) go through. ``pool``: only the
        best ``pool`` programs of each row will be read (a success model may skip the others)."""
        cat = self.catalog_
        miles = program_miles(pb, cat, cols)
        c = self.context_
        ctx = RuleContext(c.board_support_mask, c.remedy_distance_miles, c.transit_line_factor, miles)
        elig = evaluate(pb, cat, cols, ctx, keep_outcomes=detail, count=count_rules)
        success = self._success(pb, cols, elig.excluded, pool) if self.success_model is not None else None
        comps = score(pb, cat, cols, self.weights_, income_priority=self.config.income_priority,
                      board_support_mask=self.board_barriers_, board_urgent_mask=self.board_urgent_,
                      urgent_priority=self.config.urgent_priority, miles=miles, static=self.static_,
                      success=success, keep_parts=detail)
        return elig, comps

    def _success(self, pb: ProfileBatch, cols: Columns, excluded: np.ndarray, pool: int | None
                 ) -> np.ndarray | LazySuccess:
        """The success component: a plain model's ``predict``, or, for a model that reads the engine's
        own arrays (``predict_details``), a function :func:`~matcher.scoring.score` calls once the content
        components exist. That model is asked only about cells that can still reach a row's best
        ``pool``: the success component adds at most its weight (``headroom``) times the model's
        ``upper_bound`` (1 without one) to a total, so a cell whose content score is more than that
        below a lower bound of the row's pool-th best content score stays below the pool-th best total
        whatever the model says (exact for any ``top``)."""
        model = self.success_model
        cat = self.catalog_
        index = column_index(cols, cat)
        detailed = getattr(model, "predict_details", None)
        if detailed is None:
            assert model is not None
            return model.predict(pb, cat, index)

        bound = getattr(model, "upper_bound", None)

        def run(content: Components, within: np.ndarray | None) -> np.ndarray:
            return np.asarray(detailed(pb, cat, index, PairDetails(excluded, content, within)), dtype=np.float32)

        def lazy(content: Components, headroom: float) -> np.ndarray:
            n = excluded.shape[1]
            if pool is None or pool >= n:
                return run(content, None)
            # 1e-5 covers the rounding of totals to 6 decimals (and float32 sums), with room to spare.
            eps = np.float32(1e-5)
            masked = np.where(excluded, -np.inf, content.total).astype(np.float32, copy=False)
            floor = _pool_floor(masked, pool)[:, None]
            # The most the model can add to each cell: its weight, times the model's own bound when it has one.
            most: np.floating | np.ndarray = np.float32(headroom)
            if bound is not None:  # fmin: a bound over 1 or NaN (a model's oversight) counts as 1
                most = most * np.fmin(np.asarray(bound(pb, cat, index), dtype=np.float32), np.float32(1))
            reachable = ~excluded & (masked + most >= floor - eps)
            # First the content leaders (at least ``pool`` a row): the pool-th best of their exact totals is
            # a lower bound of the row's cut-off, far tighter than the content floor alone.
            leaders = reachable & (masked >= floor)
            success = run(content, leaders)
            totals = np.where(leaders, masked + np.float32(headroom) * success, -np.inf)
            cut = np.partition(totals, n - pool, axis=1)[:, n - pool, None]
            rest = reachable & ~leaders & (masked + most >= cut - eps)
            if rest.any():
                success += run(content, rest)
            return success

        return lazy

    def _score_and_select(self, resolved: list[ResolvedProfile], top: int | None, *,
                          count_rules: bool, detail: bool = False) -> _ScoredChunk:
        pb, masked, elig, comps = self._score_chunk(resolved, top, count_rules=count_rules, detail=detail)
        candidates = self._candidates(masked, top)
        chosen = [self._diversify(cols, scores, top) for cols, scores in candidates]
        n_excluded = np.count_nonzero(elig.excluded, axis=1) if count_rules else None
        return _ScoredChunk(resolved, pb, chosen, n_excluded, elig if count_rules else None,
                            comps if detail else None)

    def _candidates(self, masked: np.ndarray, top: int | None) -> list[tuple[list[int], list[float]]]:
        """Per seeker, the eligible columns worth considering and their scores, best first
        (score desc, then program id): the ``top x candidate_factor`` best, with every program
        tied with the last of them, so ties break by id, not by chance.

        Done for the whole chunk at once, without a per-seeker partition of the catalog: a
        cheap lower bound on each row's cut-off keeps a few dozen cells per row, one sort
        orders every row's candidates, and the exact cut-off is read off the sorted rows.
        """
        b, n = masked.shape
        cat = self.catalog_
        pool = self._pool_size(top) or n
        lowest = np.finfo(np.float32).min  # excluded cells are -inf, below any real score
        if pool < n:
            floor = _pool_floor(masked, pool)
            np.maximum(floor, lowest, out=floor)  # fewer eligible than the pool: all of them
            flat = np.flatnonzero(masked >= floor[:, None])
        else:
            flat = np.flatnonzero(masked >= lowest)
        rows, cols = np.divmod(flat, n)
        values = masked.reshape(-1)[flat]
        order = _best_first(rows, values, cat.id_rank[cols])
        rows, cols, values = rows[order], cols[order], values[order]
        counts = np.bincount(rows, minlength=b)
        if pool < n and (counts > pool).any():
            # The exact cut-off: the pool-th best score of each row; every cell tied with it stays.
            starts = np.cumsum(counts) - counts
            cut = np.full(b, lowest, dtype=masked.dtype)
            over = counts > pool
            cut[over] = values[starts[over] + pool - 1]
            keep = values >= cut[rows]
            rows, cols, values = rows[keep], cols[keep], values[keep]
            counts = np.bincount(rows, minlength=b)
        bounds = np.concatenate([[0], np.cumsum(counts)]).tolist()
        col_list, value_list = cols.tolist(), values.tolist()
        return [(col_list[lo:hi], value_list[lo:hi]) for lo, hi in pairwise(bounds)]

    def _diversify(self, cols: list[int], scores: list[float], top: int | None) -> _Chosen:
        """Greedy re-rank of candidates (best first): skip a program whose provider or type already
        fills its quota when an alternative within ``diversity_margin`` of its score exists.
        Returns the chosen columns, their scores, and for a program placed below a lower-scored
        one, why (its provider's or its type's quota was full)."""
        cfg = self.config
        cat = self.catalog_
        limit = len(cols) if top is None else min(top, len(cols))
        if cfg.max_per_provider is None and cfg.max_per_type is None:
            return _Chosen(cols[:limit], scores[:limit])
        max_provider = cfg.max_per_provider if cfg.max_per_provider is not None else len(cols) + 1
        max_type = cfg.max_per_type if cfg.max_per_type is not None else len(cols) + 1
        if limit <= max_provider and limit <= max_type:  # no quota can fill: the best, in order
            return _Chosen(cols[:limit], scores[:limit])
        provider_of, type_of = cat.provider_list, cat.type_list
        margin = cfg.diversity_margin
        remaining, remaining_scores = list(cols), list(scores)
        providers: dict[int, int] = {}
        types: dict[int, int] = {}
        picked: list[int] = []
        picked_scores: list[float] = []
        deferred: dict[int, str] = {}  # column -> the quota that held it back
        while remaining and len(picked) < limit:
            pos = 0
            best = remaining[0]
            best_prov, best_type = providers.get(provider_of[best], 0), types.get(type_of[best], 0)
            if best_prov >= max_provider or best_type >= max_type:
                # A close alternative qualifies when its provider and type are under quota or, once
                # every close provider is at quota, less represented so far than the best's.
                floor = remaining_scores[0] - margin
                for i in range(1, len(remaining)):
                    if remaining_scores[i] < floor:
                        break
                    c = remaining[i]
                    prov, typ = providers.get(provider_of[c], 0), types.get(type_of[c], 0)
                    if (prov < max_provider or prov < best_prov) and (typ < max_type or typ < best_type):
                        pos = i
                        break
                if pos:
                    deferred.setdefault(best, "provider" if best_prov >= max_provider else "type")
            chosen = remaining.pop(pos)
            picked.append(chosen)
            picked_scores.append(remaining_scores.pop(pos))
            providers[provider_of[chosen]] = providers.get(provider_of[chosen], 0) + 1
            types[type_of[chosen]] = types.get(type_of[chosen], 0) + 1
        placements: dict[int, Placement] = {}
        for i, c in enumerate(picked):
            lower = [k for k in range(i) if picked_scores[k] < picked_scores[i]]
            if lower and c in deferred:
                placements[i] = Placement(deferred[c], lower[0] + 1)
        return _Chosen(picked, picked_scores, placements)

    def _explain_chunk(self, scored: _ScoredChunk) -> list[RecommendationList]:
        cat = self.catalog_
        assert scored.n_excluded is not None and scored.elig is not None
        elig = scored.elig
        out: list[RecommendationList] = []
        for b, r in enumerate(scored.resolved):
            chosen = scored.chosen[b]
            items = self._explain_row(scored, b, chosen)
            by_reason = {name: int(c[b]) for name, c in elig.counts.items() if c[b]}
            out.append(self.explainer_.recommendation_list(
                r, items, catalog_size=cat.size, excluded=int(scored.n_excluded[b]), excluded_by_reason=by_reason,
                openings=openings_for(r, elig, b, cat), model_version=self.model_version))
        return out

    def _explain_row(self, scored: _ScoredChunk, b: int, chosen: _Chosen) -> list[Recommendation]:
        """The chosen programs' records, from the detail kept by the ranking pass (one seeker) or by
        running the rules and components again on the chosen programs only (a batch)."""
        if not chosen.cols:
            return []
        cols = np.array(chosen.cols, dtype=np.int64)
        if scored.comps is not None and scored.elig is not None and scored.pb.size == 1:
            elig, comps = _only_columns(scored.elig, scored.comps, cols)
            one = scored.pb
        else:
            one = _take_row(scored.pb, b)
            elig, comps = self._rules_and_scores(one, cols, detail=True)
        model = self.success_model
        if model is None:
            return self.explainer_.recommendations(one.resolved[0], comps, elig, chosen.cols, chosen.scores,
                                                   chosen.placements)
        # With a learned model on, what a person sees carries no number the model made about them: the
        # success component stays inside the ranking and each score is relative to the list's best.
        said = model.reasons(one, self.catalog_, cols, PairDetails(elig.excluded, comps)) \
            if hasattr(model, "reasons") else None
        best = max(chosen.scores) or 1.0
        items = self.explainer_.recommendations(one.resolved[0], comps, elig, chosen.cols,
                                                [s / best for s in chosen.scores], chosen.placements,
                                                model_reasons=said)
        return [replace(r, parts=replace(r.parts, success=None)) for r in items]

    @property
    def model_version(self) -> str | None:
        """The version of the success model in use (None: the hand-set engine)."""
        return getattr(self.success_model, "version", None) if self.success_model is not None else None


@dataclass(frozen=True)
class _Chosen:
    """One seeker's shown programs: columns, scores, and re-rank placements by position."""

    cols: list[int]
    scores: list[float]
    placements: dict[int, Placement] = field(default_factory=dict)


@dataclass(frozen=True)
class _ScoredChunk:
    """One chunk of seekers, scored and ranked: what explanations (or bare ids) are made from."""

    resolved: list[ResolvedProfile]
    pb: ProfileBatch
    chosen: list[_Chosen]  # per seeker: the programs shown, in order
    n_excluded: np.ndarray | None  # per seeker: programs excluded (when rules were counted)
    elig: Eligibility | None  # the counted rule outcomes (when counted)
    comps: Components | None = None  # every component over the catalog (one seeker, with detail)


_FLOAT32_MAX = np.float32(np.finfo(np.float32).max)


def _exclude(scores: np.ndarray, excluded: np.ndarray) -> None:
    """Set excluded cells to -inf in place: score - MAX - MAX overflows to -inf where excluded and
    subtracts exactly 0 elsewhere. Branch-free arithmetic, several times faster than a masked
    copy (``np.copyto(where=)``) over a batch's scattered exclusions."""
    step = np.multiply(excluded.view(np.uint8), _FLOAT32_MAX, dtype=np.float32)
    with np.errstate(over="ignore"):
        scores -= step
        scores -= step


def _best_first(rows: np.ndarray, values: np.ndarray, id_rank: np.ndarray) -> np.ndarray:
    """The order sorting cells by row, then score (highest first), then program id: what
    ``np.lexsort((id_rank, -values, rows))`` gives, several times faster.

    Score and id go into one 64-bit key (the score's float bits, made to sort in value
    order, above the id's rank), sorted once; a stable sort by row, on small integers,
    then groups the rows without disturbing the order within each.
    """
    if len(rows) and rows[-1] >= 2**16:
        return np.lexsort((id_rank, -values, rows))
    bits = (values.astype(np.float32) + np.float32(0)).view(np.uint32)  # + 0 turns -0.0 into 0.0: they tie
    ascending = np.where(bits >> np.uint32(31), ~bits, bits | np.uint32(1 << 31))  # float order as unsigned order
    id_bits = max(int(id_rank.max(initial=0)).bit_length(), 1)
    key = ((~ascending).astype(np.uint64) << np.uint64(id_bits)) | id_rank.astype(np.uint64)
    by_score = np.argsort(key)
    return by_score[np.argsort(rows[by_score].astype(np.uint16), kind="stable")]


def _pool_floor(masked: np.ndarray, pool: int) -> np.ndarray:
    """Per row, a score at or below its ``pool``-th best: the ``pool``-th best of the maxima
    of ``4 x pool`` column groups (there are at least ``pool`` cells at or above it).

    Groups interleave (column j is in group j mod groups) so the maxima are one
    elementwise pass over row slices, with no copy; leftover columns join the first groups.
    """
    b, n = masked.shape
    groups = min(n, 4 * pool)
    size = n // groups
    full = groups * size
    maxima = np.fmax.reduce(masked[:, :full].reshape(b, size, groups), axis=1)  # fmax: a NaN never hides a row
    if full < n:
        np.fmax(maxima[:, :n - full], masked[:, full:], out=maxima[:, :n - full])
    return np.partition(maxima, groups - pool, axis=1)[:, groups - pool]


def _chunked(items: Iterator[ResolvedProfile], size: int) -> Iterator[list[ResolvedProfile]]:
    chunk: list[ResolvedProfile] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _only_columns(elig: Eligibility, comps: Components, cols: Columns) -> tuple[Eligibility, Components]:
    """One seeker's rule outcomes and components over the whole catalog, cut down to the programs ``cols``
    (what a second pass of the rules and the score over those programs would give)."""
    def cut(a: np.ndarray) -> np.ndarray:
        return a[:, cols] if a.ndim == 2 and a.shape[1] > 1 else a  # (1, 1) board facts stay as they are

    outcomes = {name: RuleOutcome(cut(o.blocked), None if o.by_program is None else cut(o.by_program),
                                  None if o.by_board is None else cut(o.by_board))
                for name, o in elig.outcomes.items()}
    parts = {name: a[:, cols] for name, a in comps.parts.items()}
    return (Eligibility(elig.excluded[:, cols], outcomes),
            Components(parts, cut(comps.schedule), cut(comps.distance), cut(comps.language), cut(comps.miles),
                       comps.total[:, cols]))


def _take_row(pb: ProfileBatch, b: int) -> ProfileBatch:
    changes: dict[str, Any] = {}
    for f in fields(pb):
        value: Any = getattr(pb, f.name)
        if f.name == "resolved":
            changes[f.name] = (value[b],)
        elif f.name == "rule_data":
            changes[f.name] = {rule: {k: a[b:b + 1] for k, a in arrays.items()} for rule, arrays in value.items()}
        elif isinstance(value, (np.ndarray, sp.spmatrix, sp.sparray)):
            changes[f.name] = value[b:b + 1]  # type: ignore[index]
    return replace(pb, **changes)


def _check_top(top: int | None) -> None:
    if top is not None and (not isinstance(top, int) or top < 1):
        raise ValidationError("top must be a whole number of at least 1 (or None for all)", field="top")


def _default(given: Any, shipped: Any, *, call: bool = False) -> Any:
    """The shipped implementation of a dependency unless one was given (``False`` = none)."""
    if given is False:
        return None
    if given is not None:
        return given
    return shipped() if call else shipped


# --------------------------------------------------------------------------- one-call API

_fitted: dict[tuple[int, int], Recommender] = {}


def _recommender_for(catalog: Catalog | Iterable[Program] | None, config: EngineConfig | None) -> Recommender:
    """Reuse one compiled engine per (catalog, config) object so repeated calls do not recompile."""
    if catalog is None:
        from .catalog import default_catalog

        catalog = default_catalog()
    if not isinstance(catalog, Catalog):
        catalog = Catalog(tuple(catalog))
    key = (id(catalog), id(config))
    cached = _fitted.get(key)
    if cached is not None and cached.fitted_catalog_ is catalog:
        return cached
    engine = Recommender(config).fit(catalog)
    engine.fitted_catalog_ = catalog
    if len(_fitted) > 8:
        _fitted.clear()
    _fitted[key] = engine
    return engine


def recommend(profile: SeekerProfile | Mapping[str, Any], catalog: Catalog | Iterable[Program] | None = None, *,
              top: int | None = 10, config: EngineConfig | None = None) -> RecommendationList:
    """Rank ``catalog`` (None: the shipped sample catalog) for one seeker, with explanations."""
    return _recommender_for(catalog, config).recommend(profile, top=top)


def recommend_batch(profiles: Iterable[SeekerProfile | Mapping[str, Any]],
                    catalog: Catalog | Iterable[Program] | None = None, *, top: int | None = 10,
                    chunk_size: int | None = None, config: EngineConfig | None = None
                    ) -> Iterator[RecommendationList]:
    """Rank ``catalog`` for many seekers (lazily, a chunk at a time)."""
    return _recommender_for(catalog, config).recommend_batch(profiles, top=top, chunk_size=chunk_size)
