"""Cost: tuition above what the seeker can pay out of pocket.

Funding the program lists (a WIOA training account, a Pell grant, the employer...) is
the remedy a coach arranges; with none listed the program is left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..results import Blocker
from ..wording import FUNDING_LABELS, join_words, money
from .base import ExplainContext, Rule, RuleContext, RuleOutcome

if TYPE_CHECKING:  # pragma: no cover
    from ..columns import Columns
    from ..features import CompiledCatalog, ProfileBatch
    from ..profile_resolve import ResolvedProfile
    from ..records import Program


def funding_words(program: Program) -> str:
    return join_words([FUNDING_LABELS[f] for f in program.cost.funding])


class Cost(Rule):
    name = "cost"
    summary = "tuition you cannot pay, with no funding listed"

    def concerns(self, program: Program) -> bool:
        return not program.cost.is_free

    def evaluate(self, pb: ProfileBatch, cat: CompiledCatalog, cols: Columns,
                 ctx: RuleContext) -> RuleOutcome | None:
        if not np.isfinite(pb.max_cost).any():
            return None
        blocked = cat.tuition[cols][None, :] > pb.max_cost[:, None]
        return RuleOutcome(blocked, cat.funded[cols][None, :])

    def blocker(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext) -> Blocker:
        return Blocker(self.name, f"Tuition {money(program.cost.tuition_usd)} is more than you can pay; "
                                  f"it can be covered by {funding_words(program)}", "funding", "funding")

    def checks(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext) -> list[str]:
        if not program.cost.tuition_reported:  # never "Tuition $0": the source did not say
            return ["Cost is not reported; ask the provider"]
        if program.cost.is_free or seeker.profile.max_cost_usd is not None:
            return []
        if program.cost.funding:
            return [f"Tuition {money(program.cost.tuition_usd)}; it can be covered by {funding_words(program)}: "
                    f"check eligibility"]
        return [f"Tuition {money(program.cost.tuition_usd)} with no funding listed; check you can pay"]
