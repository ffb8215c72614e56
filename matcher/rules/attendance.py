"""Being able to attend: the language of instruction, session times, hours a week,
online classes and the computer and internet they need."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..policy import ALL_TIMES, TIME_BIT
from ..records import Delivery, DigitalAccess, FieldStatus, Support, TimeOfDay
from ..wording import join_words, language_name
from .base import (
    Arrays,
    ExplainContext,
    Rule,
    RuleContext,
    RuleOutcome,
    bit,
    board_has,
    both,
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

TIME_WORDS = {TimeOfDay.DAY: "daytime", TimeOfDay.EVENING: "evening", TimeOfDay.WEEKEND: "weekend"}
_TIMES = tuple(TimeOfDay)


def _assumed(program: Program, path: str) -> bool:
    """The source had no value and an import mapping's stated assumption filled it (docs/sources.md)."""
    return bool(program.provenance) and program.field_status(path) is FieldStatus.ASSUMED


class Language(Rule):
    """No language of instruction the seeker speaks; language support keeps the program."""

    name = "language"
    summary = "taught only in languages you do not list"
    remedies = (Support.LANGUAGE_SUPPORT,)

    def concerns(self, program: Program) -> bool:
        return False  # no check: every profile lists its languages

    def evaluate(self, pb: ProfileBatch, cat: CompiledCatalog, cols: Columns,
                 ctx: RuleContext) -> RuleOutcome | None:
        # Seekers in a batch speak few distinct sets of languages: one row per set, then gathered.
        spoken, which = np.unique(pb.lang_mask, return_inverse=True)
        speaks_none = (cat.lang_mask[cols][None, :] & spoken[:, None]) == 0
        if not speaks_none.any():
            return None
        blocked = speaks_none[which.reshape(-1)]
        return remedied_by_support(blocked, cat, cols, ctx, bit(Support.LANGUAGE_SUPPORT))

    def describe_block(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext
                       ) -> tuple[str, str, str, Support | None]:
        provided_by, words = remedy_words(Support.LANGUAGE_SUPPORT, ctx)
        taught = join_words([language_name(x) for x in program.languages])
        return f"Taught in {taught}", words, provided_by, Support.LANGUAGE_SUPPORT

    def opening(self, cols: np.ndarray, cat: CompiledCatalog, seeker: ResolvedProfile) -> tuple[int, str] | None:
        if "en" in seeker.profile.languages:
            return None
        return len(cols), f"English classes (ESL) would open {more_programs(len(cols))} taught in English"


class Schedule(Rule):
    name = "schedule"
    summary = "meets only at times you are not free"

    def concerns(self, program: Program) -> bool:
        return not program.schedule.self_paced

    def evaluate(self, pb: ProfileBatch, cat: CompiledCatalog, cols: Columns,
                 ctx: RuleContext) -> RuleOutcome | None:
        if (pb.times_mask == ALL_TIMES).all():
            return None
        overlap = (cat.times_mask[cols][None, :] & pb.times_mask[:, None]) != 0
        return RuleOutcome(~overlap & ~cat.self_paced[cols][None, :])

    def checks(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext) -> list[str]:
        if _assumed(program, "schedule.times"):
            return ["Class times are not reported; ask the provider"]
        avail = seeker.profile.availability.times
        missing = [t for t in _TIMES if t in program.schedule.times and t not in avail]
        if missing and not program.schedule.self_paced:
            return [f"Also meets at {join_words([TIME_WORDS[t] for t in missing])} times; "
                    f"check you can make those sessions"]
        return []

    def opening(self, cols: np.ndarray, cat: CompiledCatalog, seeker: ResolvedProfile) -> tuple[int, str] | None:
        free = set(seeker.profile.availability.times)
        best: tuple[int, int, TimeOfDay] | None = None
        for order, t in enumerate(TimeOfDay):
            if t in free:
                continue
            count = int(np.count_nonzero(cat.times_mask[cols] & np.uint8(TIME_BIT[t])))
            if count and (best is None or count > best[0]):
                best = (count, -order, t)
        if best is None:
            return None
        return best[0], f"Being free for {TIME_WORDS[best[2]]} classes would open {more_programs(best[0])}"


class Hours(Rule):
    name = "hours"
    summary = "needs more hours a week than you have"

    def concerns(self, program: Program) -> bool:
        return program.schedule.hours_per_week >= 30 or _assumed(program, "schedule.hours_per_week")

    def compile_programs(self, programs: Sequence[Program]) -> Arrays:
        # Hours a source did not report (a mapping's assumption) never exclude: they are a check instead.
        return {"hours": column([0.0 if _assumed(p, "schedule.hours_per_week") else p.schedule.hours_per_week
                                 for p in programs], np.float32)}

    def compile_seekers(self, seekers: Sequence[ResolvedProfile], cat: CompiledCatalog) -> Arrays:
        return {"max_hours": column([s.profile.availability.max_hours_per_week or np.inf for s in seekers],
                                    np.float32)}

    def evaluate(self, pb: ProfileBatch, cat: CompiledCatalog, cols: Columns,
                 ctx: RuleContext) -> RuleOutcome | None:
        max_hours = self.seeker_arrays(pb)["max_hours"]
        if not np.isfinite(max_hours).any():
            return None
        too_many = self.arrays(cat)["hours"][cols][None, :] > max_hours[:, None]
        return RuleOutcome(too_many & ~cat.self_paced[cols][None, :])

    def checks(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext) -> list[str]:
        hours = program.schedule.hours_per_week
        if _assumed(program, "schedule.hours_per_week"):
            return ["Hours a week are not reported; ask the provider"]
        if seeker.profile.availability.max_hours_per_week is None and hours >= 30:
            return [f"Takes {hours:.0f} hours a week; check this fits"]
        return []

    def opening(self, cols: np.ndarray, cat: CompiledCatalog, seeker: ResolvedProfile) -> tuple[int, str] | None:
        return len(cols), f"Having more hours a week for training would open {more_programs(len(cols))}"


class Online(Rule):
    name = "online"
    summary = "online, and you asked for in-person classes"

    def concerns(self, program: Program) -> bool:
        return False  # no check: online_ok has a default

    def compile_seekers(self, seekers: Sequence[ResolvedProfile], cat: CompiledCatalog) -> Arrays:
        return {"online_ok": column([s.profile.travel.online_ok for s in seekers], bool)}

    def evaluate(self, pb: ProfileBatch, cat: CompiledCatalog, cols: Columns,
                 ctx: RuleContext) -> RuleOutcome | None:
        ok = self.seeker_arrays(pb)["online_ok"]
        if ok.all():
            return None
        return RuleOutcome(both(~ok[:, None], cat.is_online[cols][None, :]))

    def opening(self, cols: np.ndarray, cat: CompiledCatalog, seeker: ResolvedProfile) -> tuple[int, str] | None:
        return len(cols), f"Being open to online classes would open {more_programs(len(cols))}"


class DigitalAccessRule(Rule):
    """Online and hybrid programs need a computer and internet at home. A seeker with a phone
    only needs a device (a loaner laptop), one without home internet a loaner hotspot; a
    program (or the board) lending what is missing keeps the program."""

    name = "digital_access"
    summary = "needs a computer and internet you do not have"
    remedies = (Support.LAPTOP_LOAN, Support.HOTSPOT_LOAN)

    def concerns(self, program: Program) -> bool:
        return program.location.delivery is not Delivery.IN_PERSON

    def compile_programs(self, programs: Sequence[Program]) -> Arrays:
        return {"needs": column([p.location.delivery is not Delivery.IN_PERSON for p in programs], bool)}

    def compile_seekers(self, seekers: Sequence[ResolvedProfile], cat: CompiledCatalog) -> Arrays:
        access = [s.profile.digital_access for s in seekers]
        return {"device": column([a is not None and a.needs_device for a in access], bool),
                "internet": column([a is not None and a.needs_internet for a in access], bool)}

    def evaluate(self, pb: ProfileBatch, cat: CompiledCatalog, cols: Columns,
                 ctx: RuleContext) -> RuleOutcome | None:
        mine = self.seeker_arrays(pb)
        device, internet = mine["device"], mine["internet"]
        lacking = device | internet
        if not lacking.any():
            return None
        blocked = both(lacking[:, None], self.arrays(cat)["needs"][cols][None, :])
        laptop, hotspot = bit(Support.LAPTOP_LOAN), bit(Support.HOTSPOT_LOAN)
        # Kept when everything missing is lent: a laptop for the device, a hotspot for the internet.
        by_program = (~device[:, None] | offers(cat, cols, laptop)) & (~internet[:, None] | offers(cat, cols, hotspot))
        by_board = (~device[:, None] | board_has(ctx, laptop)) & (~internet[:, None] | board_has(ctx, hotspot))
        return RuleOutcome(blocked, by_program, by_board)

    def describe_block(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext
                       ) -> tuple[str, str, str, Support | None]:
        access = seeker.profile.digital_access or DigitalAccess.NONE
        lent = [s for s, needed in ((Support.LAPTOP_LOAN, access.needs_device),
                                    (Support.HOTSPOT_LOAN, access.needs_internet)) if needed]
        who = "the program lends" if ctx.from_program else "the board lends"
        what = join_words([s.label for s in lent])
        kind = "Online" if program.location.delivery is Delivery.ONLINE else "Part-online"
        return (f"{kind} classes need a computer and internet, and you have {access.label}", f"{who} {what}",
                "program" if ctx.from_program else "board", lent[0])

    def checks(self, program: Program, seeker: ResolvedProfile, ctx: ExplainContext) -> list[str]:
        if program.location.delivery is not Delivery.IN_PERSON and seeker.profile.digital_access is None:
            return ["Online classes need a computer and internet at home; check you have them"]
        return []

    def opening(self, cols: np.ndarray, cat: CompiledCatalog, seeker: ResolvedProfile) -> tuple[int, str] | None:
        return len(cols), f"A loaner laptop or internet hotspot would open {more_programs(len(cols))}"
