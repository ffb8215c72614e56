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

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import fields, replace
from typing import Any

import numpy as np
import scipy.sparse as sp

from .catalog import Catalog
from .eligibility import RuleContext, distances, evaluate, support_mask
from .errors import ValidationError
from .explain import (
    Blocker,
    Explainer,
    Recommendation,
    RecommendationList,
    ScoreParts,
    SkillGap,
    SupportToArrange,
)
from .features import ProfileBatch, compile_catalog, compile_profiles
from .profile_resolve import ProfileResolver, ResolvedProfile, UnmatchedInput
from .records import Program, SeekerProfile
from .scoring import EngineConfig, SuccessModel, board_barrier_mask, score, static_part

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


class Recommender:
    """A reusable engine, scikit-learn style: settings in ``__init__``, compiled state
    (trailing underscore) set by :meth:`fit`, which returns ``self``.

    ``taxonomy``, ``normalizer``, ``zip_point``, ``wage_for`` and
    ``target_for_profile`` default to the shipped data modules; pass objects to
    use others (tests, a board's own data) or ``False`` to go without.
    ``success_model`` is the hook for the learned completion+placement model:
    when given, its probability becomes one more score component.
    """

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
    ) -> None:
        self.config = config or EngineConfig()
        self.success_model = success_model
        self.taxonomy = taxonomy
        self.normalizer = normalizer
        self.zip_point = zip_point
        self.wage_for = wage_for
        self.target_for_profile = target_for_profile

    # ------------------------------------------------------------------ fitting

    def fit(self, catalog: Catalog | Iterable[Program] | None = None) -> Recommender:
        """Compile ``catalog`` (None: the shipped sample catalog). Returns self."""
        if catalog is None:
            from .catalog import default_catalog

            catalog = default_catalog()
        programs = tuple(catalog.programs if isinstance(catalog, Catalog) else catalog)
        taxonomy = _default(self.taxonomy, "taxonomy", "load_taxonomy", call=True)
        zip_point = _default(self.zip_point, "geo", "zip_point")
        wage_for = _default(self.wage_for, "wages", "wage_for")
        target = _default(self.target_for_profile, "selfsufficiency", "target_for_profile")
        normalizer = self.normalizer
        if normalizer is None:
            factory = _default(None, "normalize", "Normalizer")
            normalizer = factory(taxonomy) if factory is not None and taxonomy is not None else None
        elif normalizer is False:
            normalizer = None

        self.taxonomy_ = taxonomy
        self.catalog_ = compile_catalog(programs, taxonomy=taxonomy, zip_point=zip_point, wage_for=wage_for)
        self.weights_ = self.config.resolved_weights(has_success_model=self.success_model is not None)
        self.static_ = static_part(self.catalog_, self.weights_)
        self.context_ = RuleContext(board_support_mask=support_mask(self.config.board_supports),
                                    remedy_distance_miles=self.config.remedy_distance_miles)
        self.board_barriers_ = board_barrier_mask(self.config.board_supports)
        self.board_urgent_ = board_barrier_mask(self.config.board_supports, urgent=True)
        self.resolver_ = ProfileResolver(
            normalizer,
            known_skills=taxonomy.skills if taxonomy is not None else None,
            known_occupations=taxonomy.occupations if taxonomy is not None else None,
            zip_point=zip_point,
            target_for_profile=target,
        )
        self.explainer_ = Explainer(self.catalog_, taxonomy, self.config)
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
        return self._rank_chunk([resolved], top=top)[0]

    def recommend_batch(self, profiles: Iterable[SeekerProfile | Mapping[str, Any]], *, top: int | None = 10,
                        chunk_size: int | None = None) -> Iterator[RecommendationList]:
        """Ranked lists for many seekers, scored a chunk at a time (memory stays bounded)."""
        self._check_fitted()
        _check_top(top)
        size = chunk_size or max(1, min(1024, BATCH_CELLS // max(self.catalog_.size, 1)))
        if size < 1:
            raise ValidationError("chunk_size must be at least 1", field="chunk_size")
        chunk: list[ResolvedProfile] = []
        for profile in profiles:
            chunk.append(self.resolver_.resolve(profile))
            if len(chunk) >= size:
                yield from self._rank_chunk(chunk, top=top)
                chunk = []
        if chunk:
            yield from self._rank_chunk(chunk, top=top)

    def rank_ids(self, profiles: Iterable[SeekerProfile | Mapping[str, Any]], *, top: int = 10,
                 chunk_size: int | None = None) -> Iterator[list[tuple[str, float]]]:
        """Scoring only (no explanations): ``[(program_id, score), ...]`` per seeker, best first.

        For bulk analysis and benchmarks; coaches should see :meth:`recommend_batch`.
        """
        self._check_fitted()
        _check_top(top)
        size = chunk_size or max(1, min(1024, BATCH_CELLS // max(self.catalog_.size, 1)))
        chunk: list[ResolvedProfile] = []
        for profile in profiles:
            chunk.append(self.resolver_.resolve(profile))
            if len(chunk) >= size:
                yield from self._rank_ids(chunk, top)
                chunk = []
        if chunk:
            yield from self._rank_ids(chunk, top)

    # ------------------------------------------------------------------ internals

    def _score_chunk(self, resolved: list[ResolvedProfile]) -> tuple[ProfileBatch, np.ndarray, np.ndarray, Any]:
        cat = self.catalog_
        pb = compile_profiles(resolved, cat, taxonomy=self.taxonomy_,
                              default_target_wage=self.config.default_target_wage)
        cols = cat.all_columns
        if np.isnan(pb.unit).all() or not cat.has_place.any():
            miles = np.full((pb.size, cat.size), np.nan)
            if cat.is_online.any():
                miles[:, cat.is_online] = 0.0
        else:
            miles = distances(pb, cat, cols)
        elig = evaluate(pb, cat, cols, self.context_, miles)
        success = self.success_model.predict(pb, cat, cols) if self.success_model is not None else None
        comps = score(pb, cat, cols, self.weights_, income_priority=self.config.income_priority,
                      board_support_mask=self.board_barriers_, board_urgent_mask=self.board_urgent_,
                      urgent_priority=self.config.urgent_priority, miles=miles, static=self.static_,
                      success=success, keep_parts=False)
        masked = comps.total
        np.copyto(masked, np.float32(-np.inf), where=elig.excluded)
        return pb, masked, elig.excluded, elig

    def _candidates(self, row: np.ndarray, top: int | None) -> np.ndarray:
        """Eligible columns worth considering, best first (score desc, then program id)."""
        cat = self.catalog_
        eligible = np.flatnonzero(np.isfinite(row))
        if top is not None:
            pool = top * max(self.config.candidate_factor, 1)
            if len(eligible) > pool:
                # Keep every program tied with the pool's last score, so ties break by id, not by chance.
                threshold = np.partition(row[eligible], len(eligible) - pool)[len(eligible) - pool]
                eligible = eligible[row[eligible] >= threshold]
        order = np.lexsort((cat.id_rank[eligible], -row[eligible]))
        return eligible[order]

    def _rank_ids(self, resolved: list[ResolvedProfile], top: int) -> Iterator[list[tuple[str, float]]]:
        _, masked, _, _ = self._score_chunk(resolved)
        for b in range(len(resolved)):
            chosen = self._diversify(self._candidates(masked[b], top), masked[b], top)
            yield [(str(self.catalog_.ids[c]), float(masked[b, c])) for c in chosen]

    def _diversify(self, order: np.ndarray, row: np.ndarray, top: int | None) -> list[int]:
        """Greedy re-rank: skip a program whose provider or type already fills its quota
        when an alternative within ``diversity_margin`` of its score exists."""
        cfg = self.config
        cat = self.catalog_
        remaining = [int(c) for c in order]
        limit = len(remaining) if top is None else min(top, len(remaining))
        if cfg.max_per_provider is None and cfg.max_per_type is None:
            return remaining[:limit]
        providers: dict[int, int] = {}
        types: dict[int, int] = {}
        provider_of, type_of = cat.provider_list, cat.type_list
        max_provider = cfg.max_per_provider if cfg.max_per_provider is not None else len(remaining) + 1
        max_type = cfg.max_per_type if cfg.max_per_type is not None else len(remaining) + 1
        score_of = dict(zip(remaining, row[remaining].tolist()))
        margin = cfg.diversity_margin

        picked: list[int] = []
        while remaining and len(picked) < limit:
            pos = 0
            best = remaining[0]
            best_prov, best_type = providers.get(provider_of[best], 0), types.get(type_of[best], 0)
            if best_prov >= max_provider or best_type >= max_type:
                # A close alternative qualifies when its provider and type are under quota or, once
                # every close provider is at quota, less represented so far than the best's.
                floor = score_of[best] - margin
                for i in range(1, len(remaining)):
                    c = remaining[i]
                    if score_of[c] < floor:
                        break
                    prov, typ = providers.get(provider_of[c], 0), types.get(type_of[c], 0)
                    if (prov < max_provider or prov < best_prov) and (typ < max_type or typ < best_type):
                        pos = i
                        break
            chosen = remaining.pop(pos)
            picked.append(chosen)
            providers[provider_of[chosen]] = providers.get(provider_of[chosen], 0) + 1
            types[type_of[chosen]] = types.get(type_of[chosen], 0) + 1
        return picked

    def _rank_chunk(self, resolved: list[ResolvedProfile], *, top: int | None) -> list[RecommendationList]:
        cat = self.catalog_
        pb, masked, excluded, elig = self._score_chunk(resolved)
        excluded_by_rule = {name: o.excluded for name, o in elig.outcomes.items()}
        counts_by_rule = {name: ex.sum(axis=1) for name, ex in excluded_by_rule.items()}
        n_excluded = excluded.sum(axis=1)
        out: list[RecommendationList] = []
        for b, r in enumerate(resolved):
            chosen = np.array(self._diversify(self._candidates(masked[b], top), masked[b], top), dtype=np.int64)
            items = self._explain_row(pb, b, chosen, masked[b])
            by_reason = {name: int(c[b]) for name, c in counts_by_rule.items() if c[b]}
            out.append(self.explainer_.recommendation_list(
                r, items, catalog_size=cat.size, excluded=int(n_excluded[b]), excluded_by_reason=by_reason))
        return out

    def _explain_row(self, pb: ProfileBatch, b: int, chosen: np.ndarray, row: np.ndarray) -> list[Recommendation]:
        """Re-run the rules and components on the chosen programs only, keeping the detail."""
        if not len(chosen):
            return []
        one = _take_row(pb, b)
        cat = self.catalog_
        miles = distances(one, cat, chosen)
        elig = evaluate(one, cat, chosen, self.context_, miles)
        success = self.success_model.predict(one, cat, chosen) if self.success_model is not None else None
        comps = score(one, cat, chosen, self.weights_, income_priority=self.config.income_priority,
                      board_support_mask=self.board_barriers_, board_urgent_mask=self.board_urgent_,
                      urgent_priority=self.config.urgent_priority, miles=miles, static=self.static_, success=success)
        return [self.explainer_.recommendation(rank, int(c), one.resolved[0], comps, elig, j, float(row[c]))
                for rank, (j, c) in enumerate(zip(range(len(chosen)), chosen), start=1)]


def _take_row(pb: ProfileBatch, b: int) -> ProfileBatch:
    changes: dict[str, Any] = {}
    for f in fields(pb):
        value = getattr(pb, f.name)
        if f.name == "resolved":
            changes[f.name] = (value[b],)
        elif isinstance(value, (np.ndarray, sp.spmatrix, sp.sparray)):
            changes[f.name] = value[b:b + 1]
    return replace(pb, **changes)


def _check_top(top: int | None) -> None:
    if top is not None and (not isinstance(top, int) or top < 1):
        raise ValidationError("top must be a whole number of at least 1 (or None for all)", field="top")


def _default(given: Any, module: str, name: str, *, call: bool = False) -> Any:
    """The shipped implementation of a dependency unless one was given (``False`` = none)."""
    if given is False:
        return None
    if given is not None:
        return given
    import importlib

    try:
        mod = importlib.import_module(f"matcher.{module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"matcher.{module}":
            raise
        return None
    obj = getattr(mod, name)
    return obj() if call else obj


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
