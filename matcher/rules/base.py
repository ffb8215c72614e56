"""What every eligibility rule is: one object owning a hard requirement end to end.

A rule knows
- what it compiles from the programs (:meth:`Rule.compile_programs`) and from a batch
  of seekers (:meth:`Rule.compile_seekers`): small arrays kept under its name in
  ``CompiledCatalog.rule_data`` / ``ProfileBatch.rule_data``;
- its vectorised predicate (:meth:`Rule.evaluate`) over seekers x programs, and the
  remedies that keep a blocked program (a support the program offers, one the board
  arranges, or something the seeker is already doing);
- the words a coach reads: the blocker with its remedy (:meth:`Rule.blocker`), what to
  check when the seeker did not answer (:meth:`Rule.checks`), and what meeting the
  requirement would open (:meth:`Rule.opening`).

So adding a requirement is: a field on :class:`~matcher.records.Prerequisites` (and
its CSV column), the seeker's answer on :class:`~matcher.records.SeekerProfile`, one
rule module, its entry in :data:`matcher.rules.RULES`, and a row in docs/engine.md.
``tests/test_rules.py`` fails when a rule lacks any of its parts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ..policy import SUPPORT_BIT
from ..records import Support

if TYPE_CHECKING:  # pragma: no cover - typing only
    from ..columns import Columns
    from ..features import CompiledCatalog, ProfileBatch
    from ..profile_resolve import ResolvedProfile
    from ..records import Program
    from ..results import Blocker

Arrays = Mapping[str, np.ndarray]


@dataclass(frozen=True)
class RuleOutcome:
    """One rule over a (seekers x programs) grid.

    ``blocked``: the seeker cannot meet the requirement. ``by_program`` / ``by_board``: a
    remedy exists from the program / from the board or the seeker's own situation (None
    when the rule has none), as arrays broadcastable to ``blocked`` (``(1, n)`` for a
    per-program fact, ``(B, 1)`` or ``(1, 1)`` for the board). Excluded = blocked and no
    remedy (computed once, on first use).
    """

    blocked: np.ndarray
    by_program: np.ndarray | None = None
    by_board: np.ndarray | None = None

    @cached_property
    def excluded(self) -> np.ndarray:
        if self.by_program is None and self.by_board is None:
            return self.blocked
        out = self.blocked
        # For booleans, a > b is "a and not b": one pass per remedy, no negated temporary.
        for remedy in (self.by_program, self.by_board):
            if remedy is not None:
                out = np.greater(u8(out), u8(remedy))
        return out


@dataclass(frozen=True)
class RuleContext:
    """Board-level settings the rules read (from :class:`matcher.scoring.EngineConfig`), and
    the (B, n) miles of the call (NaN unknown, 0 online), computed once and shared with scoring."""

    board_support_mask: int = 0
    remedy_distance_miles: float = 40.0
    transit_line_factor: float = 1.0
    miles: np.ndarray | None = None


@dataclass(frozen=True)
class ExplainContext:
    """What a rule's words may need about one program for one seeker."""

    miles: float  # NaN when unknown
    board_supports: frozenset[Support]
    from_program: bool  # the remedy found is the program's own (else the board's or the seeker's)


class Rule:
    """Base of every eligibility rule (see the module doc).

    Subclasses set ``name`` (the key of ``excluded_by_reason`` and of blockers) and
    ``summary`` (plain words for "left out because ..."), and implement
    :meth:`evaluate` and :meth:`describe_block` (when they have a remedy).
    """

    name: ClassVar[str]
    summary: ClassVar[str]
    #: Supports that can remedy the requirement (for the docs and the structure tests).
    remedies: ClassVar[tuple[Support, ...]] = ()

    def compile_programs(self, programs: Sequence[Program]) -> Arrays:
        """Per-program arrays this rule reads (row i is programs[i])."""
        return {}

    def compile_seekers(self, seekers: Sequence[ResolvedProfile], cat: CompiledCatalog) -> Arrays:
        """Per-seeker arrays this rule reads (row b is seekers[b])."""
        return {}

    def evaluate(self, pb: ProfileBatch, cat: CompiledCatalog, cols: Columns,
                 ctx: RuleContext) -> RuleOutcome | None:
        """The outcome over seekers x programs ``cols``; None when no seeker of the batch can be
        blocked by this rule (a rule about an answer nobody gave): the grid is skipped."""
        raise NotImplementedError

    def blocker(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext) -> Blocker:
        """The blocker a coach reads for a program this rule blocked and a remedy kept."""
        from ..results import Blocker

        problem, remedy, provided_by, support = self.describe_block(program, seeker, ctx)
        return Blocker(self.name, f"{problem}: {remedy}", support.value if support else provided_by, provided_by)

    def describe_block(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext
                       ) -> tuple[str, str, str, Support | None]:
        """(problem, remedy in words, provided_by, support) for :meth:`blocker`."""
        raise NotImplementedError(f"rule {self.name} has no remedy, so it never explains a kept block")

    def checks(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext) -> list[str]:
        """What to check for this program when the seeker has not answered (never excludes)."""
        return []

    def concerns(self, program: Program) -> bool:
        """Whether the program has this requirement at all (False: :meth:`checks` never needs asking).
        The explanation asks once per program; a rule that cannot tell returns True."""
        return True

    def opening(self, cols: np.ndarray, cat: CompiledCatalog, seeker: ResolvedProfile) -> tuple[int, str] | None:
        """Guidance when meeting this requirement would open the programs ``cols`` (columns this rule
        alone excludes for the seeker): (programs it would open, the words). None: nothing a
        person can act on, e.g. an age limit."""
        return None

    # ------------------------------------------------------------------ shared helpers

    def arrays(self, cat: CompiledCatalog) -> Arrays:
        return cat.rule_data[self.name]

    def seeker_arrays(self, pb: ProfileBatch) -> Arrays:
        return pb.rule_data[self.name]


def remedy_words(support: Support, ctx: ExplainContext) -> tuple[str, str]:
    """(provided_by, words) for a support remedy: the program's own, else the board's."""
    if ctx.from_program:
        return "program", f"the program offers {support.label}"
    return "board", f"the board provides {support.label}"


def u8(a: np.ndarray | bool) -> np.ndarray:
    """A boolean array as 0/1 bytes (a view, no copy)."""
    return np.asarray(a, dtype=bool).view(np.uint8)


def both(a: np.ndarray | bool, b: np.ndarray | bool) -> np.ndarray:
    """``a & b`` for booleans of broadcastable shapes, such as a seeker column times a program row.

    numpy's boolean loops are several times slower than its byte loops when both operands
    broadcast; 0/1 bytes are valid booleans, so the byte result is viewed back as bool.
    """
    return np.bitwise_and(u8(a), u8(b)).view(bool)


def offers(cat: CompiledCatalog, cols: Columns, mask: int | np.ndarray) -> np.ndarray:
    """(1, n) or (B, n): does the program offer any support in ``mask`` (an int or one per seeker)."""
    m = np.asarray(mask, dtype=np.uint32)
    if m.ndim == 1:
        m = m[:, None]
    return (cat.support_mask[cols][None, :] & m) != 0


def board_has(ctx: RuleContext, mask: int | np.ndarray) -> np.ndarray:
    """(B, 1) or (1, 1): does the board arrange a support in ``mask`` (broadcasts over programs)."""
    m = np.asarray(mask, dtype=np.uint32)
    if m.ndim == 1:
        return ((m & np.uint32(ctx.board_support_mask)) != 0)[:, None]
    return np.full((1, 1), bool(int(m) & ctx.board_support_mask))


def remedied_by_support(blocked: np.ndarray, cat: CompiledCatalog, cols: Columns, ctx: RuleContext,
                        mask: int | np.ndarray) -> RuleOutcome:
    """The outcome of a rule any support in ``mask`` remedies, from the program or the board."""
    return RuleOutcome(blocked, offers(cat, cols, mask), board_has(ctx, mask))


def more_programs(count: int) -> str:
    return f"{count} more program{'s' if count != 1 else ''}"


def bit(support: Support) -> int:
    return SUPPORT_BIT[support]


def column(values: Sequence[Any], dtype: Any) -> np.ndarray:
    """A 1-d array of ``values`` (``reshape`` keeps an empty batch one-dimensional)."""
    return np.array(values, dtype=dtype).reshape(len(values))
