"""Running the eligibility rules over seekers x programs.

A program's hard requirement that the seeker cannot meet excludes the program,
*unless a remedy exists* (a support the program offers, one the board arranges, or
something the seeker is already doing): then the program is kept, flagged, and the
remedy is named. Unknown seeker answers never exclude; the explanation lists the
requirement as something to check. Each requirement is one rule object in
:mod:`matcher.rules`; this module runs them all and folds their outcomes.

The fast path (ranking) keeps only the combined mask; the explanation of the programs
shown runs the same rules on a handful of columns and reads every outcome, so a
reason can never disagree with a ranking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .rules import RULES, RuleContext, RuleOutcome

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .features import CompiledCatalog, ProfileBatch


@dataclass(frozen=True)
class Eligibility:
    """The outcome of every rule that applied, and the combined exclusion mask.

    ``outcomes`` is empty unless :func:`evaluate` was asked to keep them (explanations).
    With ``count``: ``counts`` gives, per rule, the programs it excluded first (in RULES
    order), so each excluded program counts once; ``first_rule`` (index into RULES, -1 for
    kept) and ``n_rules`` (how many rules exclude it) are the (B, n) grids behind them,
    from which "meeting this one requirement would open N programs" is read.
    """

    excluded: np.ndarray  # (B, n) bool
    outcomes: dict[str, RuleOutcome]
    counts: dict[str, np.ndarray] = field(default_factory=dict)  # rule -> (B,) programs it excluded first
    first_rule: np.ndarray | None = None  # (B, n) int8
    n_rules: np.ndarray | None = None  # (B, n) uint8

    def excluded_only_by(self, row: int, rule_index: int) -> np.ndarray:
        """Columns (positions) that rule ``rule_index`` alone excludes for seeker ``row``."""
        assert self.first_rule is not None and self.n_rules is not None, "evaluate(count=True) keeps these"
        return np.flatnonzero((self.first_rule[row] == rule_index) & (self.n_rules[row] == 1))


def evaluate(pb: ProfileBatch, cat: CompiledCatalog, cols: np.ndarray, ctx: RuleContext, *,
             keep_outcomes: bool = True, count: bool = False) -> Eligibility:
    """Run every rule over seekers x the programs ``cols`` (``ctx.miles`` holds their distances).

    ``keep_outcomes=False`` drops each rule's grids as soon as they are folded into the
    combined mask: a batch then holds one grid at a time instead of a dozen, which keeps
    its memory (and the page faults of fresh allocations) down. ``count`` records which
    rule excluded each program first and how many rules exclude it.
    """
    shape = (pb.size, len(cols))
    outcomes: dict[str, RuleOutcome] = {}
    if count:
        first = np.full(shape, -1, dtype=np.int8)
        n_rules = np.zeros(shape, dtype=np.uint8)
    else:
        excluded = np.zeros(shape, dtype=bool)
    for index, rule in enumerate(RULES):
        outcome = rule.evaluate(pb, cat, cols, ctx)
        if outcome is None:
            continue
        if keep_outcomes:
            outcomes[rule.name] = outcome
        if count:
            mask = np.broadcast_to(outcome.excluded, shape)
            np.copyto(first, np.int8(index), where=mask & (first < 0))
            n_rules += mask
        else:
            excluded |= outcome.excluded
    if not count:
        return Eligibility(excluded, outcomes)
    # Programs per (seeker, first rule) in one pass: a bincount over row x (rule index + 1).
    width = len(RULES) + 1
    keys = first.astype(np.int64) + 1
    keys += (np.arange(pb.size, dtype=np.int64) * width)[:, None]
    table = np.bincount(keys.reshape(-1), minlength=pb.size * width).reshape(pb.size, width)
    counts = {rule.name: table[:, i + 1] for i, rule in enumerate(RULES) if table[:, i + 1].any()}
    return Eligibility(first >= 0, outcomes, counts, first, n_rules)
