"""Background checks: record categories a program screens out, for ever or within a
look-back period ("no felony convictions in the last 7 years"), against the seeker's
recorded categories and years since their most recent conviction.

The hierarchy of categories is :data:`matcher.policy.RECORD_COVERS`. Record clearing
(``record_expungement``) remedies a block only when every category that blocks is one
the law lets a court clear (:data:`matcher.policy.CLEARABLE_RECORDS`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..columns import Columns, column_index
from ..policy import CLEARABLE_MASK, CLEARABLE_RECORDS, RECORD_BIT, covered_records, record_mask
from ..records import RecordCategory, Support
from .base import (
    Arrays,
    ExplainContext,
    Rule,
    RuleContext,
    RuleOutcome,
    bit,
    column,
    more_programs,
    offers,
    remedy_words,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..features import CompiledCatalog, ProfileBatch
    from ..profile_resolve import ResolvedProfile
    from ..records import Program

CATEGORIES = list(RecordCategory)
#: Years since conviction used for a seeker who did not say: above any look-back, so only a
#: screen for ever can exclude them (unknown answers never exclude; a check asks instead).
UNKNOWN_YEARS = 1e9


def screen_years(program: Program) -> dict[RecordCategory, float]:
    """Per category (after the hierarchy): how many years back the check screens it (inf: for ever)."""
    pre = program.prerequisites
    years: dict[RecordCategory, float] = {}
    for category in pre.background_exclusions:
        limit = float(pre.background_lookback_years.get(category, math.inf))
        for covered in covered_records([category]):
            years[covered] = max(years.get(covered, 0.0), limit)
    return years


class Background(Rule):
    name = "background"
    summary = "its background check screens out the record"
    remedies = (Support.RECORD_EXPUNGEMENT,)

    def concerns(self, program: Program) -> bool:
        return program.prerequisites.background_check

    def compile_programs(self, programs: Sequence[Program]) -> Arrays:
        forever = np.zeros(len(programs), dtype=np.uint16)
        recent = np.zeros((len(programs), len(CATEGORIES)), dtype=np.float32)  # look-back years, 0 = none
        for i, p in enumerate(programs):
            for category, years in screen_years(p).items():
                if math.isinf(years):
                    forever[i] |= RECORD_BIT[category]
                else:
                    recent[i, CATEGORIES.index(category)] = years
        return {"forever": forever, "recent": recent, "has_recent": np.asarray((recent > 0).any(axis=1))}

    def compile_seekers(self, seekers: Sequence[ResolvedProfile], cat: CompiledCatalog) -> Arrays:
        years = [UNKNOWN_YEARS if s.profile.years_since_conviction is None else s.profile.years_since_conviction
                 for s in seekers]
        return {"records": column([record_mask(s.record_categories) for s in seekers], np.uint16),
                "years": column(years, np.float32)}

    def evaluate(self, pb: ProfileBatch, cat: CompiledCatalog, cols: Columns,
                 ctx: RuleContext) -> RuleOutcome | None:
        mine = self.seeker_arrays(pb)
        records = mine["records"]
        if not records.any():
            return None
        data = self.arrays(cat)
        # hits: the categories that block, per cell (a bit mask), so the remedy can ask whether all are clearable.
        hits = data["forever"][cols][None, :] & records[:, None]
        recent_cols = np.flatnonzero(data["has_recent"][cols])
        if len(recent_cols):
            lookback = data["recent"][column_index(cols, cat)[recent_cols]]
            for k, category in enumerate(CATEGORIES):
                has = (records & np.uint16(RECORD_BIT[category])) != 0
                if not has.any() or not lookback[:, k].any():
                    continue
                within = has[:, None] & (lookback[None, :, k] > mine["years"][:, None])
                hits[:, recent_cols] |= np.where(within, np.uint16(RECORD_BIT[category]), np.uint16(0))
        blocked = hits != 0
        # Remedy only when every category that blocks is one a record-clearing service can remove.
        clearable = (hits & ~np.uint16(CLEARABLE_MASK)) == 0
        mask = bit(Support.RECORD_EXPUNGEMENT)
        return RuleOutcome(blocked, clearable & offers(cat, cols, mask),
                           clearable & bool(ctx.board_support_mask & mask))

    def describe_block(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext
                       ) -> tuple[str, str, str, Support | None]:
        provided_by, words = remedy_words(Support.RECORD_EXPUNGEMENT, ctx)
        return "Its background check screens out part of your record", words, provided_by, Support.RECORD_EXPUNGEMENT

    def checks(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext) -> list[str]:
        pre = program.prerequisites
        if not pre.background_check:
            return []
        years = screen_years(program)
        screened = [c.label for c in CATEGORIES if math.isinf(years.get(c, 0.0))]
        recent = sorted((int(y), c.label) for c, y in years.items() if not math.isinf(y))
        parts = []
        if screened:
            parts.append(", ".join(screened))
        parts += [f"{name} in the last {y} years" for y, name in recent]
        what = f" (screens out: {'; '.join(parts)})" if parts else ""
        out: list[str] = []
        mine = seeker.record_categories
        recent_mine = sorted((int(y), c.label) for c, y in years.items() if c in mine and not math.isinf(y))
        if recent_mine and seeker.profile.years_since_conviction is None:
            what_recent = "; ".join(f"{name} in the last {y} years" for y, name in recent_mine)
            out.append(f"It screens out {what_recent}; confirm how many years ago your conviction was")
        if not mine:
            out.append(f"Runs a background check{what}; check whether anything on your record matters")
        elif parts:
            # Never silent for someone with a record: the categories are coarse and checks vary.
            out.append(f"Runs a background check{what}; it does not screen out your record type, "
                       f"but confirm with the program")
        else:
            out.append("Runs a background check that lists nothing it screens out; ask the program "
                       "whether your record matters")
        return out

    def opening(self, cols: np.ndarray, cat: CompiledCatalog, seeker: ResolvedProfile) -> tuple[int, str] | None:
        if seeker.record_categories and all(c in CLEARABLE_RECORDS for c in seeker.record_categories):
            return len(cols), (f"Clearing your record (a set-aside), where the law allows it, would open "
                               f"{more_programs(len(cols))}")
        return None
