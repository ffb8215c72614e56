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

from .columns import Columns, width
from .rules import RULES, RuleContext, RuleOutcome

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .features import CompiledCatalog, ProfileBatch


#: Each rule is one bit of a uint32 per (seeker, program) when counting.
MAX_RULES = 32
assert len(RULES) <= MAX_RULES, "one bit per rule: widen Eligibility.rule_bits"


@dataclass(frozen=True)
class Eligibility:
    """The outcome of every rule that applied, and the combined exclusion mask.

    ``outcomes`` is empty unless :func:`evaluate` was asked to keep them (explanations).
    With ``count``: ``counts`` gives, per rule, the programs it excluded first (in RULES
    order), so each excluded program counts once; ``rule_bits`` (bit i set: rule i excludes
    the cell) is the (B, n) grid behind them, from which "meeting this one requirement would
    open N programs" is read.
    """

    excluded: np.ndarray  # (B, n) bool
    outcomes: dict[str, RuleOutcome]
    counts: dict[str, np.ndarray] = field(default_factory=dict)  # rule -> (B,) programs it excluded first
    rule_bits: np.ndarray | None = None  # (B, n) uint32

    def excluded_only_by(self, row: int, *, at_least: int = 1) -> dict[int, np.ndarray]:
        """Per rule index, the columns (positions) that rule alone excludes for seeker ``row``
        (only rules that alone exclude ``at_least`` programs)."""
        assert self.rule_bits is not None, "evaluate(count=True) keeps the rule bits"
        bits = self.rule_bits[row]
        others = bits - np.uint32(1)
        others &= bits  # zero where at most one bit is set
        alone = np.flatnonzero((others == 0) & (bits != 0))
        rules = np.bitwise_count(bits[alone] - np.uint32(1))  # the index of that one bit
        counts = np.bincount(rules, minlength=MAX_RULES)
        return {i: alone[rules == i] for i in np.flatnonzero(counts >= at_least).tolist()}


def evaluate(pb: ProfileBatch, cat: CompiledCatalog, cols: Columns, ctx: RuleContext, *,
             keep_outcomes: bool = True, count: bool = False) -> Eligibility:
    """Run every rule over seekers x the programs ``cols`` (``ctx.miles`` holds their distances).

    ``keep_outcomes=False`` drops each rule's grids as soon as they are folded into the
    combined mask: a batch then holds one grid at a time instead of a dozen, which keeps
    its memory (and the page faults of fresh allocations) down. ``count`` records which
    rules exclude each program (one bit each), read once at the end for the counts.
    """
    shape = (pb.size, width(cols, cat))
    outcomes: dict[str, RuleOutcome] = {}
    excluded = np.zeros(shape, dtype=bool)
    bits = np.zeros(shape, dtype=np.uint32) if count else None
    for index, rule in enumerate(RULES):
        outcome = rule.evaluate(pb, cat, cols, ctx)
        if outcome is None:
            continue
        if keep_outcomes:
            outcomes[rule.name] = outcome
        if bits is not None:
            # bits |= excluded << index, in place and branch-free (a where= mask is several times slower).
            shifted = outcome.excluded.view(np.uint8).astype(np.uint32)
            shifted <<= np.uint32(index)
            bits |= shifted
        else:
            excluded |= outcome.excluded
    if bits is None:
        return Eligibility(excluded, outcomes)
    np.not_equal(bits, 0, out=excluded)
    # The first rule of each cell is its lowest set bit; its index is the popcount of (bit - 1)
    # (32 where no rule excludes). One bincount over row x index gives every rule's count.
    lowest = np.negative(bits)  # two's complement: bits & -bits keeps the lowest set bit
    lowest &= bits
    lowest -= np.uint32(1)
    first = np.bitwise_count(lowest)
    span = MAX_RULES + 1
    if pb.size == 1:
        table = np.bincount(first.reshape(-1), minlength=span).reshape(1, span)
    else:
        keys = first.astype(np.int64)
        keys += (np.arange(pb.size, dtype=np.int64) * span)[:, None]
        table = np.bincount(keys.reshape(-1), minlength=pb.size * span).reshape(pb.size, span)
    counts = {rule.name: table[:, i] for i, rule in enumerate(RULES) if table[:, i].any()}
    return Eligibility(excluded, outcomes, counts, bits)
