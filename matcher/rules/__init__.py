"""The eligibility rules, one object per hard requirement (see :mod:`matcher.rules.base`).

:data:`RULES` is the registry, in the order a left-out program is counted: each excluded
program counts once, under the first rule here that excludes it. The rule names are the
keys of ``RecommendationList.excluded_by_reason`` and of ``Blocker.requirement``;
``docs/engine.md`` has one row per rule.
"""

from __future__ import annotations

from .attendance import DigitalAccessRule, Hours, Language, Online, Schedule
from .background import Background
from .base import ExplainContext, Rule, RuleContext, RuleOutcome
from .cost import Cost
from .distance import Distance
from .license import DriversLicense
from .person import DrugTest, Employment, MaxAge, MinAge, WorkAuthorization
from .readiness import Education, MathLevel, Physical, ReadingLevel

RULES: tuple[Rule, ...] = (
    MinAge(),
    MaxAge(),
    Employment(),
    DriversLicense(),
    Background(),
    Language(),
    Schedule(),
    Hours(),
    Online(),
    DigitalAccessRule(),
    Distance(),
    Education(),
    ReadingLevel(),
    MathLevel(),
    WorkAuthorization(),
    DrugTest(),
    Physical(),
    Cost(),
)

RULE_BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}

__all__ = ["RULES", "RULE_BY_NAME", "ExplainContext", "Rule", "RuleContext", "RuleOutcome"]
