"""A driver's license: programs that need one, seekers who have none or a suspended one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..profile_resolve import LicenseStatus
from ..records import Support
from .base import (
    Arrays,
    ExplainContext,
    Rule,
    RuleContext,
    RuleOutcome,
    bit,
    both,
    column,
    more_programs,
    remedied_by_support,
    remedy_words,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..columns import Columns
    from ..features import CompiledCatalog, ProfileBatch
    from ..profile_resolve import ResolvedProfile
    from ..records import Program


def _support_for(seeker: ResolvedProfile) -> Support:
    return Support.LICENSE_REINSTATEMENT if seeker.license == LicenseStatus.SUSPENDED else Support.DRIVERS_ED


class DriversLicense(Rule):
    """Blocked for barrier ``no_drivers_license`` / ``suspended_license``; a seeker holding
    ``cred:drivers-license`` or a CDL is known to have one and is not asked."""

    name = "drivers_license"
    summary = "needs a driver's license"
    remedies = (Support.DRIVERS_ED, Support.LICENSE_REINSTATEMENT)

    def concerns(self, program: Program) -> bool:
        return program.prerequisites.drivers_license

    def compile_programs(self, programs: Sequence[Program]) -> Arrays:
        return {"needs": column([p.prerequisites.drivers_license for p in programs], bool)}

    def compile_seekers(self, seekers: Sequence[ResolvedProfile], cat: CompiledCatalog) -> Arrays:
        return {"lacks": column([s.license in (LicenseStatus.NONE, LicenseStatus.SUSPENDED) for s in seekers], bool),
                "remedy": column([bit(_support_for(s)) for s in seekers], np.uint32)}

    def evaluate(self, pb: ProfileBatch, cat: CompiledCatalog, cols: Columns,
                 ctx: RuleContext) -> RuleOutcome | None:
        mine = self.seeker_arrays(pb)
        if not mine["lacks"].any():
            return None
        blocked = both(mine["lacks"][:, None], self.arrays(cat)["needs"][cols][None, :])
        return remedied_by_support(blocked, cat, cols, ctx, mine["remedy"])

    def describe_block(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext
                       ) -> tuple[str, str, str, Support | None]:
        support = _support_for(seeker)
        provided_by, words = remedy_words(support, ctx)
        return "Needs a driver's license", words, provided_by, support

    def checks(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext) -> list[str]:
        if program.prerequisites.drivers_license and seeker.license == LicenseStatus.UNKNOWN:
            return ["Needs a driver's license; ask if you have one"]
        return []

    def opening(self, cols: np.ndarray, cat: CompiledCatalog, seeker: ResolvedProfile) -> tuple[int, str] | None:
        what = "Getting your driver's license reinstated" if seeker.license == LicenseStatus.SUSPENDED \
            else "Getting a driver's license"
        return len(cols), f"{what} would open {more_programs(len(cols))}"
