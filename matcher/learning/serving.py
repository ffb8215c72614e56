"""Model-backed recommendations: the engine with the promoted model plugged into its success hook.

How the model changes a ranking (docs/engine.md, "Learned model"): the engine's score stays the
hand-set content score plus one more weighted component, ``success``, whose value is the model's
*expected outcome* for the pair (calibrated chance of completing and being employed in Q2, times how
far the program's wage goes toward the person's self-sufficiency target). Its weight is learned at
training time (the weight that ranks best on held-out cohorts), so the learned combination is
``content + w x expected outcome``. The rules run first and the model only re-ranks what they keep.

What a person sees is a ranking of their own options with reasons. With a model on, the engine itself
removes the two numbers that could be read as a score of the *person* (the success component and an
absolute total): ``score`` is the program's score relative to the best in that person's list and
``parts.success`` is never returned; a reason in plain words says what the model saw
(:mod:`matcher.learning.reasons`), among the reasons when in the program's favour, else as a note.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..catalog import Catalog
from ..engine import EngineConfig, RecommendationList, Recommender
from ..records import Program, SeekerProfile
from .model import ExpectedOutcome
from .pair_features import FEATURE_NAMES, PairFeaturizer
from .registry import LoadedModel, ModelRegistry


def bind(loaded: LoadedModel, catalog: Catalog | Iterable[Program] | None = None,
         config: EngineConfig | None = None, *, target_for_profile: Any = None) -> tuple[Recommender, ExpectedOutcome]:
    """A fitted engine ranking with ``loaded`` (and the hook it uses) for ``catalog``.
    ``target_for_profile``: a board's own self-sufficiency look-up (as for :class:`Recommender`); the
    model's features and the wage component then both read the board's targets."""
    if tuple(loaded.feature_names) != FEATURE_NAMES:
        from ..errors import ModelCompatibilityError

        raise ModelCompatibilityError(f"model {loaded.version} was trained on other features than this matcher "
                                      f"computes; retrain it (matcher train)", field="features")
    base = config or EngineConfig()
    feature_engine = Recommender(base, target_for_profile=target_for_profile).fit(catalog)
    hook = ExpectedOutcome(loaded.tables, loaded.wages, PairFeaturizer(feature_engine, loaded.rates))
    weights = {**dict(base.weights), "success": loaded.blend_weight}
    engine = feature_engine.with_success_model(hook, dataclasses.replace(base, weights=weights))
    hook.check_catalog(engine.catalog_)
    return engine, hook


class ModelRecommender:
    """Recommendations from the promoted model (or a given version), as a person should see them."""

    def __init__(self, catalog: Catalog | Iterable[Program] | None = None, *, registry: ModelRegistry | None = None,
                 version: str | None = None, config: EngineConfig | None = None,
                 target_for_profile: Any = None) -> None:
        self.registry = registry or ModelRegistry()
        self.model = self.registry.load(version)
        self.engine, self.hook = bind(self.model, catalog, config, target_for_profile=target_for_profile)

    @property
    def version(self) -> str:
        return self.model.version

    def recommend(self, profile: SeekerProfile | Mapping[str, Any], *, top: int | None = 10) -> RecommendationList:
        return self.engine.recommend(profile, top=top)

    def recommend_batch(self, profiles: Iterable[SeekerProfile | Mapping[str, Any]], *,
                        top: int | None = 10) -> Iterator[RecommendationList]:
        return self.engine.recommend_batch(profiles, top=top)


def promoted_or_hand_set(catalog: Catalog | Iterable[Program] | None = None, *,
                         registry: ModelRegistry | None = None) -> tuple[Any, str]:
    """The promoted model's recommender when the registry has one, else the hand-set engine; and a line
    saying which (a registry whose files fail their checks is an error, never a silent fallback)."""
    registry = registry or ModelRegistry()
    if registry.promoted() is None:
        return Recommender().fit(catalog), "Ranked by the hand-set engine (no model is promoted)."
    recommender = ModelRecommender(catalog, registry=registry)
    return recommender, f"Ranked with the learned success model {recommender.version} (matcher models show)."
