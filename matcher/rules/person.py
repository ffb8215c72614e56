"""Requirements about the person that no support changes: age limits, being employed
(incumbent worker training), proof of work authorization and a drug test."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..columns import Columns, column_index, width
from ..i18n import N_, _
from .base import Arrays, ExplainContext, Rule, RuleContext, RuleOutcome, both, column, more_programs

if TYPE_CHECKING:  # pragma: no cover
    from ..features import CompiledCatalog, ProfileBatch
    from ..profile_resolve import ResolvedProfile
    from ..records import Program


def _ages(seekers: Sequence[ResolvedProfile]) -> Arrays:
    # Unknown age is NaN: every comparison with it is False, so it never excludes (a check asks).
    return {"age": column([np.nan if s.profile.age is None else s.profile.age for s in seekers], np.float32)}


class MinAge(Rule):
    name = "min_age"
    summary = N_("under the program's minimum age")

    def concerns(self, program: Program) -> bool:
        return bool(program.prerequisites.min_age)

    def compile_programs(self, programs: Sequence[Program]) -> Arrays:
        return {"min_age": column([p.prerequisites.min_age or 0 for p in programs], np.float32)}

    def compile_seekers(self, seekers: Sequence[ResolvedProfile], cat: CompiledCatalog) -> Arrays:
        return _ages(seekers)

    def evaluate(self, pb: ProfileBatch, cat: CompiledCatalog, cols: Columns,
                 ctx: RuleContext) -> RuleOutcome | None:
        age = self.seeker_arrays(pb)["age"]
        if not np.isfinite(age).any():
            return None
        return RuleOutcome(self.arrays(cat)["min_age"][cols][None, :] > age[:, None])

    def checks(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext) -> list[str]:
        pre = program.prerequisites
        if pre.min_age and pre.max_age is None and seeker.profile.age is None:
            return [_("You must be at least {age}; confirm your age").format(age=pre.min_age)]
        return []


class MaxAge(Rule):
    name = "max_age"
    summary = N_("over the program's age limit")

    def concerns(self, program: Program) -> bool:
        return program.prerequisites.max_age is not None

    def compile_programs(self, programs: Sequence[Program]) -> Arrays:
        return {"max_age": column([np.inf if p.prerequisites.max_age is None else p.prerequisites.max_age
                                   for p in programs], np.float32)}

    def compile_seekers(self, seekers: Sequence[ResolvedProfile], cat: CompiledCatalog) -> Arrays:
        return _ages(seekers)

    def evaluate(self, pb: ProfileBatch, cat: CompiledCatalog, cols: Columns,
                 ctx: RuleContext) -> RuleOutcome | None:
        age = self.seeker_arrays(pb)["age"]
        if not np.isfinite(age).any():
            return None
        return RuleOutcome(age[:, None] > self.arrays(cat)["max_age"][cols][None, :])

    def checks(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext) -> list[str]:
        pre = program.prerequisites
        if pre.max_age is not None and seeker.profile.age is None:
            ages = f"{pre.min_age}-{pre.max_age}" if pre.min_age else _("up to {age}").format(age=pre.max_age)
            return [_("This program is for ages {ages}; confirm your age").format(ages=ages)]
        return []


class Employment(Rule):
    """Incumbent worker training is for people already employed in the field it upgrades.

    Known not employed: excluded. Status not given: kept only when a job in the seeker's
    work history is in the same SOC broad occupation as one of the program's targets (the
    same job, or its close kin: nursing assistants, orderlies, psychiatric aides), so
    someone with no history in the field is not offered an employer's upskilling slot.
    Narrower than O*NET's related list on purpose: that list relates a nursing assistant to
    medical assistants and psychiatric technicians, too far for an employer's own-staff upskilling.
    """

    name = "employment"
    summary = N_("only for people already working in the field")

    def concerns(self, program: Program) -> bool:
        return program.prerequisites.must_be_employed

    def compile_programs(self, programs: Sequence[Program]) -> Arrays:
        return {"must_be_employed": column([p.prerequisites.must_be_employed for p in programs], bool)}

    def compile_seekers(self, seekers: Sequence[ResolvedProfile], cat: CompiledCatalog) -> Arrays:
        held = np.zeros((len(seekers), max(len(cat.occ_codes), 1)), dtype=bool)
        rows: list[int] = []
        wanted: list[int] = []
        for i, s in enumerate(seekers):
            for code in s.work_occupations:
                if len(code) >= 6 and code[:2].isdigit() and code[3:6].isdigit():
                    rows.append(i)
                    wanted.append(int(code[:2] + code[3:6]))
        if rows and len(cat.occ_codes):
            # Each seeker's broad occupations as (seeker, broad group) cells, then spread to the occupations
            # of those groups: one gather instead of a comparison over every occupation per past job.
            broads, group = np.unique(cat.occ_broad, return_inverse=True)
            want = np.asarray(wanted)
            at = np.minimum(np.searchsorted(broads, want), len(broads) - 1)
            found = broads[at] == want
            by_group = np.zeros((len(seekers), len(broads)), dtype=bool)
            by_group[np.asarray(rows)[found], at[found]] = True
            held[:, :len(cat.occ_codes)] = by_group[:, group.reshape(-1)]
        status = [-1 if s.profile.employment_status is None else int(s.profile.employment_status.is_employed)
                  for s in seekers]
        return {"employed": column(status, np.int8), "held_occ": held}

    def evaluate(self, pb: ProfileBatch, cat: CompiledCatalog, cols: Columns,
                 ctx: RuleContext) -> RuleOutcome | None:
        needs = self.arrays(cat)["must_be_employed"][cols]
        if not needs.any():
            return None
        mine = self.seeker_arrays(pb)
        employed, held_occ = mine["employed"], mine["held_occ"]
        blocked = np.zeros((pb.size, width(cols, cat)), dtype=bool)
        # Not employed, or status unknown: blocked unless the work history matches (checked below, only
        # for the few seekers with a history and the few programs that ask).
        blocked[employed <= 0] = needs
        rows = np.flatnonzero((employed < 0) & held_occ.any(axis=1))
        if len(rows):
            sub = np.flatnonzero(needs)
            blocked[np.ix_(rows, sub)] = ~_held_target(held_occ, cat, column_index(cols, cat)[sub], rows)
        return RuleOutcome(blocked)

    def checks(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext) -> list[str]:
        if not program.prerequisites.must_be_employed:
            return []
        if seeker.profile.employment_status is None:
            return [_("For people already working in this field — ask your employer")]
        # Known employed (the rule excluded everyone else): it still runs through employers.
        return [_("Run with employers for their own staff — ask your employer whether it takes part")]


def _held_target(held_occ: np.ndarray, cat: CompiledCatalog, cols: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """(len(rows), len(cols)) bool: the seeker held a job in the SOC broad occupation of a program target."""
    # Per distinct target set of these programs (few), then gathered per program.
    sets, which = np.unique(cat.target_set[cols], return_inverse=True)
    starts, ends = cat.set_starts[sets], cat.set_starts[sets + 1]
    idx = np.concatenate([cat.set_indices[a:b] for a, b in zip(starts, ends)])
    offsets = np.concatenate([[0], np.cumsum(ends - starts)[:-1]])
    per_set = np.logical_or.reduceat(held_occ[np.ix_(rows, idx)], offsets, axis=1)
    return per_set[:, which.reshape(-1)]


class WorkAuthorization(Rule):
    name = "work_authorization"
    summary = N_("requires proof you can work in the US")

    def concerns(self, program: Program) -> bool:
        return program.prerequisites.work_authorization

    def compile_programs(self, programs: Sequence[Program]) -> Arrays:
        return {"needs": column([p.prerequisites.work_authorization for p in programs], bool)}

    def compile_seekers(self, seekers: Sequence[ResolvedProfile], cat: CompiledCatalog) -> Arrays:
        return {"no": column([s.profile.work_authorized is False for s in seekers], bool)}

    def evaluate(self, pb: ProfileBatch, cat: CompiledCatalog, cols: Columns,
                 ctx: RuleContext) -> RuleOutcome | None:
        no = self.seeker_arrays(pb)["no"]
        if not no.any():
            return None
        return RuleOutcome(both(no[:, None], self.arrays(cat)["needs"][cols][None, :]))

    def checks(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext) -> list[str]:
        if program.prerequisites.work_authorization and seeker.profile.work_authorized is None:
            return [_("Requires proof you can work in the US; check your documents")]
        return []


class DrugTest(Rule):
    name = "drug_test"
    summary = N_("requires a drug test")

    def concerns(self, program: Program) -> bool:
        return program.prerequisites.drug_test

    def compile_programs(self, programs: Sequence[Program]) -> Arrays:
        return {"needs": column([p.prerequisites.drug_test for p in programs], bool)}

    def compile_seekers(self, seekers: Sequence[ResolvedProfile], cat: CompiledCatalog) -> Arrays:
        return {"no": column([s.profile.can_pass_drug_test is False for s in seekers], bool)}

    def evaluate(self, pb: ProfileBatch, cat: CompiledCatalog, cols: Columns,
                 ctx: RuleContext) -> RuleOutcome | None:
        no = self.seeker_arrays(pb)["no"]
        if not no.any():
            return None
        return RuleOutcome(both(no[:, None], self.arrays(cat)["needs"][cols][None, :]))

    def checks(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext) -> list[str]:
        if program.prerequisites.drug_test and seeker.profile.can_pass_drug_test is None:
            return [_("Requires a drug test; check this is OK")]
        return []

    def opening(self, cols: np.ndarray, cat: CompiledCatalog, seeker: ResolvedProfile) -> tuple[int, str] | None:
        return len(cols), _("Being able to pass a drug test would open {programs}").format(
            programs=more_programs(len(cols)))
