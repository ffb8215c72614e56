"""Model-backed recommendations: the engine with the promoted model plugged into its success hook.

How the model changes a ranking (docs/engine.md, "Learned model"): the engine's score stays the
hand-set content score plus one more weighted component, ``success``, whose value is the model's
*expected outcome* for the pair (calibrated chance of completing and being employed in Q2, times how
far the program's wage goes toward the person's self-sufficiency target). Its weight is learned at
training time (the weight that ranks best on held-out cohorts), so the learned combination is
``content + w x expected outcome``. The rules run first and the model only re-ranks what they keep.

What a person sees is a ranking of their own options with reasons. :func:`shown` removes the two
numbers that could be read as a score of the *person* (the success component and an absolute total):
``score`` becomes the program's score relative to the best in that person's list and ``parts.success``
is never returned; a reason in plain words says what the model saw (:func:`model_reasons`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from ..catalog import Catalog
from ..engine import EngineConfig, Recommendation, RecommendationList, Recommender
from ..records import Program, SeekerProfile
from .model import ExpectedOutcome
from .pair_features import FEATURE_NAMES, FEATURE_TOPICS, PairFeaturizer
from .registry import LoadedModel, ModelRegistry

#: A topic's contribution (log-odds, against the typical program for this person) worth a sentence.
REASON_THRESHOLD = 0.15

POSITIVE = {
    "schedule": "People with your availability often finish programs with this schedule",
    "travel": "People who travel the way you do often finish programs this close and this easy to reach",
    "supports": "People with your barriers often finish here: its supports meet them",
    "pay": "People who need income while training more often finish paid programs like this one",
    "skills": "People with your skills often finish this program",
    "language": "People who speak your languages often finish here",
    "interest": "People interested in this field often finish and find work",
    "program": "This program's past participants often finished and found work",
}
NEGATIVE = {
    "schedule": "Its schedule often makes it hard for people with your availability to finish",
    "travel": "The trip there often makes it hard for people who travel the way you do to finish",
    "supports": "People with your barriers often struggle here: it does not offer the supports they need",
    "pay": "It does not pay while you train, which often makes finishing hard for people who need income",
    "skills": "People without the starting skills it expects often struggle to finish",
    "language": "People who learn best in another language often struggle here",
    "interest": "People not drawn to this field often leave before finishing",
    "program": "Fewer of this program's past participants finished and found work",
}


def bind(loaded: LoadedModel, catalog: Catalog | Iterable[Program] | None = None,
         config: EngineConfig | None = None) -> tuple[Recommender, ExpectedOutcome]:
    """A fitted engine ranking with ``loaded`` (and the hook it uses) for ``catalog``."""
    if tuple(loaded.feature_names) != FEATURE_NAMES:
        from ..errors import ModelCompatibilityError

        raise ModelCompatibilityError(f"model {loaded.version} was trained on other features than this matcher "
                                      f"computes; retrain it (matcher train)", field="features")
    base = config or EngineConfig()
    feature_engine = Recommender(base).fit(catalog)
    hook = ExpectedOutcome(loaded.tables, loaded.wages, PairFeaturizer(feature_engine, loaded.rates))
    weights = {**dict(base.weights), "success": loaded.blend_weight}
    engine = Recommender(dataclasses.replace(base, weights=weights), success_model=hook).fit(catalog)
    hook.check_catalog(engine.catalog_)
    return engine, hook


class ModelRecommender:
    """Recommendations from the promoted model (or a given version), as a person should see them."""

    def __init__(self, catalog: Catalog | Iterable[Program] | None = None, *, registry: ModelRegistry | None = None,
                 version: str | None = None, config: EngineConfig | None = None) -> None:
        self.registry = registry or ModelRegistry()
        self.model = self.registry.load(version)
        self.engine, self.hook = bind(self.model, catalog, config)

    @property
    def version(self) -> str:
        return self.model.version

    def recommend(self, profile: SeekerProfile | Mapping[str, Any], *, top: int | None = 10) -> RecommendationList:
        result = self.engine.recommend(profile, top=top)
        return shown(result, model_reasons(self.hook, profile, result, self.engine))

    def recommend_batch(self, profiles: Iterable[SeekerProfile | Mapping[str, Any]], *,
                        top: int | None = 10) -> Iterator[RecommendationList]:
        for profile in profiles:
            yield self.recommend(profile, top=top)


def model_reasons(hook: ExpectedOutcome, profile: SeekerProfile | Mapping[str, Any], result: RecommendationList,
                  engine: Recommender) -> dict[str, str]:
    """One plain sentence per shown program where the model's view of it stands out in the person's list.

    The model is additive, so its log-odds split exactly into one term per feature. For each topic
    (schedule, travel, supports, pay, skills...), a program's term is compared with the mean term over
    the programs shown; the largest difference beyond :data:`REASON_THRESHOLD` becomes the sentence.
    Never a number.
    """
    if len(result.items) < 2:
        return {}
    fz = hook.featurizer
    pb = fz.compile([profile])
    cols = np.array([fz.column_of[r.program_id] for r in result.items], dtype=np.int64)
    x, _ = fz.grid(pb, cols)
    contrib = hook.tables.contributions(x[0])
    topics = sorted({t for t in FEATURE_TOPICS.values() if t in POSITIVE})
    by_topic = np.zeros((len(cols), len(topics)))
    for j, name in enumerate(FEATURE_NAMES):
        t = FEATURE_TOPICS.get(name)
        if t in topics:
            by_topic[:, topics.index(t)] += contrib[:, j]
    typical = by_topic.mean(axis=0)
    out: dict[str, str] = {}
    for i, rec in enumerate(result.items):
        diff = by_topic[i] - typical
        k = int(np.argmax(np.abs(diff)))
        if abs(diff[k]) >= REASON_THRESHOLD:
            out[rec.program_id] = (POSITIVE if diff[k] > 0 else NEGATIVE)[topics[k]]
    return out


def shown(result: RecommendationList, reasons: Mapping[str, str] | None = None) -> RecommendationList:
    """The list as returned to people: no per-person model number, scores relative to the list's best,
    and the model's plain-word reason (if any) added to each program's reasons."""
    if not result.items:
        return result
    best = max(r.score for r in result.items) or 1.0
    items: list[Recommendation] = []
    for r in result.items:
        extra = (reasons or {}).get(r.program_id)
        items.append(dataclasses.replace(
            r, score=round(r.score / best, 4), parts=dataclasses.replace(r.parts, success=None),
            reasons=(*r.reasons, extra) if extra and extra not in r.reasons else r.reasons))
    return dataclasses.replace(result, items=tuple(items))


def promoted_or_hand_set(catalog: Catalog | Iterable[Program] | None = None, *,
                         registry: ModelRegistry | None = None) -> tuple[Any, str]:
    """The promoted model's recommender when the registry has one, else the hand-set engine; and a line
    saying which (a registry whose files fail their checks is an error, never a silent fallback)."""
    registry = registry or ModelRegistry()
    if registry.promoted() is None:
        return Recommender().fit(catalog), "Ranked by the hand-set engine (no model is promoted)."
    recommender = ModelRecommender(catalog, registry=registry)
    return recommender, f"Ranked with the learned success model {recommender.version} (matcher models show)."
