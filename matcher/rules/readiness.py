"""Being ready to start: schooling (with the GED waiver), reading and math levels, and
physical demand against a stated limit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..records import EducationLevel, PhysicalDemand, Support
from .base import (
    Arrays,
    ExplainContext,
    Rule,
    RuleContext,
    RuleOutcome,
    bit,
    board_has,
    column,
    more_programs,
    offers,
    remedied_by_support,
    remedy_words,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..columns import Columns
    from ..features import CompiledCatalog, ProfileBatch
    from ..profile_resolve import ResolvedProfile
    from ..records import Program

HS = EducationLevel.HS_DIPLOMA_OR_GED
#: Unknown education: above every minimum, so it never excludes (a check asks instead).
UNKNOWN_EDUCATION = 99


class Education(Rule):
    """Education below the program's minimum. A program that helps people earn a GED while
    they train (support ``ged_prep``) waives a minimum of a high-school diploma or GED (or
    less); so does the board's own GED class, and so does the seeker already working on one
    (they can start once they pass). Higher minimums have no remedy."""

    name = "education"
    summary = "needs more schooling than you have finished"
    remedies = (Support.GED_PREP,)

    def concerns(self, program: Program) -> bool:
        return program.prerequisites.min_education is not EducationLevel.NONE or bool(program.provenance)

    def compile_programs(self, programs: Sequence[Program]) -> Arrays:
        ranks = column([p.prerequisites.min_education.rank for p in programs], np.int8)
        return {"min": ranks, "ged_waivable": ranks <= HS.rank}

    def compile_seekers(self, seekers: Sequence[ResolvedProfile], cat: CompiledCatalog) -> Arrays:
        return {"education": column([UNKNOWN_EDUCATION if s.education is None else s.education.rank
                                     for s in seekers], np.int8),
                "working_on_ged": column([s.profile.working_on_ged for s in seekers], bool)}

    def evaluate(self, pb: ProfileBatch, cat: CompiledCatalog, cols: Columns,
                 ctx: RuleContext) -> RuleOutcome | None:
        mine = self.seeker_arrays(pb)
        education = mine["education"]
        if (education >= UNKNOWN_EDUCATION).all():
            return None
        data = self.arrays(cat)
        blocked = data["min"][cols][None, :] > education[:, None]
        if not blocked.any():
            return RuleOutcome(blocked)
        waivable = data["ged_waivable"][cols][None, :]
        mask = bit(Support.GED_PREP)
        own = board_has(ctx, mask) | mine["working_on_ged"][:, None]
        return RuleOutcome(blocked, waivable & offers(cat, cols, mask), waivable & own)

    def describe_block(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext
                       ) -> tuple[str, str, str, Support | None]:
        need = program.prerequisites.min_education.label
        if ctx.from_program:
            return f"Requires {need}", "the program helps you earn a GED while you train", "program", \
                Support.GED_PREP
        if Support.GED_PREP in ctx.board_supports:
            return f"Requires {need}", "the board offers GED classes; you can start once you pass", "board", \
                Support.GED_PREP
        return f"Requires {need}", "you are working on your GED; you can start once you pass", "seeker", None

    def checks(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext) -> list[str]:
        pre = program.prerequisites
        if program.provenance and program.field_status("prerequisites.min_education").is_unknown:
            return ["The schooling it requires is not reported; ask the provider"]
        if pre.min_education is not EducationLevel.NONE and seeker.education is None:
            return [f"Requires {pre.min_education.label}; check your schooling"]
        return []

    def opening(self, cols: np.ndarray, cat: CompiledCatalog, seeker: ResolvedProfile) -> tuple[int, str] | None:
        if seeker.education is not None and seeker.education.rank < HS.rank:
            count = int(np.count_nonzero(self.arrays(cat)["ged_waivable"][cols]))
            if count:
                return count, f"A GED or high-school diploma would open {more_programs(count)}"
        return None


class _GradeLevel(Rule):
    """A reading or math grade below the program's minimum; tutoring keeps the program."""

    remedies = (Support.TUTORING,)
    subject: str
    attr: str  # Prerequisites min_<attr>_grade / SeekerProfile <attr>_grade

    def compile_programs(self, programs: Sequence[Program]) -> Arrays:
        return {"min": column([getattr(p.prerequisites, f"min_{self.attr}_grade") or 0 for p in programs],
                              np.float32)}

    def compile_seekers(self, seekers: Sequence[ResolvedProfile], cat: CompiledCatalog) -> Arrays:
        grades = [getattr(s.profile, f"{self.attr}_grade") for s in seekers]
        return {"grade": column([np.inf if g is None else g for g in grades], np.float32)}

    def evaluate(self, pb: ProfileBatch, cat: CompiledCatalog, cols: Columns,
                 ctx: RuleContext) -> RuleOutcome | None:
        have = self.seeker_arrays(pb)["grade"]
        if not np.isfinite(have).any():
            return None
        blocked = self.arrays(cat)["min"][cols][None, :] > have[:, None]
        return remedied_by_support(blocked, cat, cols, ctx, bit(Support.TUTORING))

    def describe_block(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext
                       ) -> tuple[str, str, str, Support | None]:
        provided_by, words = remedy_words(Support.TUTORING, ctx)
        need = getattr(program.prerequisites, f"min_{self.attr}_grade")
        have = getattr(seeker.profile, f"{self.attr}_grade")
        you = "you read at grade" if self.attr == "reading" else "you are at grade"
        return f"Expects {self.subject} at grade {need}; {you} {have}", words, provided_by, Support.TUTORING

    def checks(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext) -> list[str]:
        need = getattr(program.prerequisites, f"min_{self.attr}_grade")
        if need and getattr(seeker.profile, f"{self.attr}_grade") is None:
            return [f"Expects {self.subject} at grade {need}; a skills test may be needed"]
        return []

    def opening(self, cols: np.ndarray, cat: CompiledCatalog, seeker: ResolvedProfile) -> tuple[int, str] | None:
        return len(cols), f"Help with {self.subject} (tutoring) would open {more_programs(len(cols))}"


class ReadingLevel(_GradeLevel):
    name = "reading_level"
    summary = "expects a higher reading level"
    subject = "reading"
    attr = "reading"

    def concerns(self, program: Program) -> bool:
        return bool(program.prerequisites.min_reading_grade)


class MathLevel(_GradeLevel):
    name = "math_level"
    summary = "expects a higher math level"
    subject = "math"
    attr = "math"

    def concerns(self, program: Program) -> bool:
        return bool(program.prerequisites.min_math_grade)


class Physical(Rule):
    """Physical demand above the seeker's stated limit. Kept only where the program says the
    work can be adjusted (``accommodates_physical_limits``): offering disability
    accommodations in general does not make heavy construction work light."""

    name = "physical_demand"
    summary = "more physically demanding than your limit"

    def concerns(self, program: Program) -> bool:
        return program.prerequisites.physical_demand is not None

    def compile_programs(self, programs: Sequence[Program]) -> Arrays:
        pre = [p.prerequisites for p in programs]
        return {"demand": column([q.physical_demand.rank if q.physical_demand else -1 for q in pre], np.int8),
                "adjustable": column([q.accommodates_physical_limits for q in pre], bool)}

    def compile_seekers(self, seekers: Sequence[ResolvedProfile], cat: CompiledCatalog) -> Arrays:
        limits = [s.profile.max_physical_demand for s in seekers]
        return {"limit": column([99 if x is None else x.rank for x in limits], np.int8)}

    def evaluate(self, pb: ProfileBatch, cat: CompiledCatalog, cols: Columns,
                 ctx: RuleContext) -> RuleOutcome | None:
        limit = self.seeker_arrays(pb)["limit"]
        if (limit >= 99).all():
            return None
        data = self.arrays(cat)
        blocked = data["demand"][cols][None, :] > limit[:, None]
        return RuleOutcome(blocked, data["adjustable"][cols][None, :])

    def describe_block(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext
                       ) -> tuple[str, str, str, Support | None]:
        demand = program.prerequisites.physical_demand
        return (f"Physically demanding ({demand.value if demand else ''} work)",
                "the program says it can adjust the work to your limits", "program", Support.ACCOMMODATIONS)

    def checks(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext) -> list[str]:
        demand = program.prerequisites.physical_demand
        if demand is not None and seeker.profile.max_physical_demand is None \
                and demand.rank >= PhysicalDemand.MEDIUM.rank:
            return [f"Physically demanding ({demand.value} work); check this suits you"]
        return []
