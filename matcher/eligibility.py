"""Hard requirements, remedies and the barrier -> support map.

A program's hard requirement that the seeker cannot meet excludes the
program, *unless a remedy exists* (a support the program offers, or one the
board says it arranges itself): then the program is kept, flagged, and the
remedy is named. Unknown seeker answers never exclude; the explanation lists
the requirement as something to check (see :mod:`matcher.explain`).

Every rule is written once, over arrays: rows are seekers (a batch), columns
are programs. The fast path (ranking) uses only "blocked and not remedied";
the explanation of the top programs runs the same rules on a handful of
columns and reads the details, so a reason can never disagree with a ranking.

The rules and their remedies are documented in ``docs/engine.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from .records import Barrier, RecordCategory, Support, TravelMode

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .features import CompiledCatalog, ProfileBatch

# --------------------------------------------------------------------------- documented maps

#: Which supports meet which barrier. A program offering any of them "meets"
#: the barrier. The first support named is the one suggested when nobody offers it.
BARRIER_SUPPORTS: dict[Barrier, tuple[Support, ...]] = {
    Barrier.CHILDCARE: (Support.CHILDCARE,),
    Barrier.SINGLE_PARENT: (Support.CHILDCARE, Support.CASE_MANAGEMENT),
    Barrier.NO_CAR: (Support.TRANSIT_PASS, Support.TRANSPORTATION),
    Barrier.SUSPENDED_LICENSE: (Support.LICENSE_REINSTATEMENT,),
    Barrier.NO_DRIVERS_LICENSE: (Support.DRIVERS_ED,),
    Barrier.JUSTICE_INVOLVED: (Support.RECORD_EXPUNGEMENT, Support.MENTORING),
    Barrier.HOUSING_INSTABILITY: (Support.HOUSING_REFERRAL, Support.EMERGENCY_FUNDS),
    Barrier.HOMELESS: (Support.HOUSING_REFERRAL, Support.EMERGENCY_FUNDS),
    Barrier.LIMITED_ENGLISH: (Support.LANGUAGE_SUPPORT,),
    Barrier.BASIC_SKILLS: (Support.TUTORING,),
    Barrier.DIGITAL_LITERACY: (Support.DIGITAL_SKILLS, Support.LAPTOP_LOAN),
    Barrier.DISABILITY_ACCOMMODATION: (Support.ACCOMMODATIONS,),
    Barrier.NO_INCOME_WHILE_TRAINING: (Support.STIPEND,),
    Barrier.LOW_INCOME: (Support.EMERGENCY_FUNDS, Support.STIPEND),
    Barrier.LONG_TERM_UNEMPLOYED: (Support.CASE_MANAGEMENT, Support.MENTORING),
    Barrier.FOSTER_CARE_YOUTH: (Support.CASE_MANAGEMENT, Support.MENTORING, Support.HOUSING_REFERRAL),
    Barrier.DISPLACED_HOMEMAKER: (Support.CASE_MANAGEMENT,),
    Barrier.CULTURAL_BARRIERS: (Support.MENTORING, Support.CASE_MANAGEMENT),
}

#: The most pressing barriers and the supports that answer them: a program meeting one
#: gains ``EngineConfig.urgent_priority`` (see :mod:`matcher.scoring`), enough to rank
#: ahead of programs only marginally better on wage or interest. Income now (barrier
#: ``no_income_while_training``) is answered by ``income_priority`` on paid programs instead.
URGENT_SUPPORTS: dict[Barrier, tuple[Support, ...]] = {
    Barrier.HOMELESS: (Support.HOUSING_REFERRAL,),
    Barrier.HOUSING_INSTABILITY: (Support.HOUSING_REFERRAL,),
    Barrier.SINGLE_PARENT: (Support.CHILDCARE,),
    Barrier.CHILDCARE: (Support.CHILDCARE,),
}

#: Record-category hierarchy: a program screening out the key screens out every
#: category listed (``docs/engine.md`` gives the reasoning):
#: - ``any_conviction`` covers all;
#: - ``felony`` covers the felony kinds: violent felonies and sex offences (registrable
#:   sex offences are almost all felonies);
#: - ``crimes_against_vulnerable`` covers sex offences: child-care, elder-care and health
#:   background checks treat a sex offence as a crime against a vulnerable person;
#: - every other category covers only itself. A violent felony is not presumed to be a
#:   sex offence or vice versa, a theft, drug offence or DUI may be a misdemeanour (coaches
#:   record ``felony`` as well when it was one), and a crime against a vulnerable person is
#:   recorded as such by the coach. Where the hierarchy does not decide, the program stays
#:   and the explanation asks the coach to confirm the record with the program.
RECORD_COVERS: dict[RecordCategory, frozenset[RecordCategory]] = {
    RecordCategory.ANY_CONVICTION: frozenset(RecordCategory),
    RecordCategory.FELONY: frozenset({RecordCategory.FELONY, RecordCategory.VIOLENT_FELONY,
                                      RecordCategory.SEX_OFFENSE}),
    RecordCategory.CRIMES_AGAINST_VULNERABLE: frozenset({RecordCategory.CRIMES_AGAINST_VULNERABLE,
                                                        RecordCategory.SEX_OFFENSE}),
}

#: Categories a record-clearing (expungement / set-aside) service can plausibly
#: remove. Violent and sex offences and crimes against vulnerable people are
#: generally not eligible for set-aside, so no remedy is offered for them.
CLEARABLE_RECORDS = frozenset({RecordCategory.ANY_CONVICTION, RecordCategory.FELONY, RecordCategory.THEFT_FRAUD,
                               RecordCategory.DRUG_OFFENSE})

#: How far someone can be expected to travel by each mode, in miles, when the
#: profile gives modes but no max_miles. The largest of the seeker's modes applies.
MODE_MILES: dict[TravelMode, float] = {
    TravelMode.CAR: 40.0,
    TravelMode.RIDE_FROM_OTHERS: 25.0,
    TravelMode.TRANSIT: 15.0,
    TravelMode.BIKE: 8.0,
    TravelMode.WALK: 2.0,
}

# Bit numbers used to pack sets into integers (one bit per enum member).
SUPPORT_BIT: dict[Support, int] = {s: 1 << i for i, s in enumerate(Support)}
BARRIER_BIT: dict[Barrier, int] = {b: 1 << i for i, b in enumerate(Barrier)}
RECORD_BIT: dict[RecordCategory, int] = {r: 1 << i for i, r in enumerate(RecordCategory)}
CLEARABLE_MASK = sum(RECORD_BIT[r] for r in CLEARABLE_RECORDS)
URGENT_MASK = sum(BARRIER_BIT[b] for b in URGENT_SUPPORTS)


def covered_records(categories: list[RecordCategory] | frozenset[RecordCategory]) -> frozenset[RecordCategory]:
    """Every record category a program's exclusion list screens out, after the hierarchy."""
    out: set[RecordCategory] = set()
    for category in categories:
        out |= RECORD_COVERS.get(category, frozenset({category}))
    return frozenset(out)


def support_mask(supports: Iterable[Support]) -> int:
    return sum(SUPPORT_BIT[s] for s in set(supports))


# --------------------------------------------------------------------------- rule outcomes


@dataclass(frozen=True)
class RuleOutcome:
    """One rule over a (seekers x programs) grid.

    ``blocked``: the seeker cannot meet the requirement. ``by_program`` /
    ``by_board``: a remedy exists from the program / from the board (None when
    the rule has no remedy), as arrays broadcastable to ``blocked``'s shape
    (``(1, n)`` for a per-program fact, ``(B, 1)`` or ``(1, 1)`` for the board).
    Excluded = blocked and no remedy (computed once, on first use).
    """

    blocked: np.ndarray
    by_program: np.ndarray | None = None
    by_board: np.ndarray | None = None

    @cached_property
    def excluded(self) -> np.ndarray:
        if self.by_program is None:
            return self.blocked
        # For booleans, a > b is "a and not b": one pass per remedy, no negated temporary.
        out = np.greater(_u8(self.blocked), _u8(self.by_program))
        if self.by_board is not None:
            np.greater(out.view(np.uint8), _u8(self.by_board), out=out)
        return out


def _u8(a: np.ndarray | bool) -> np.ndarray:
    """A boolean array as 0/1 bytes (a view, no copy)."""
    return np.asarray(a, dtype=bool).view(np.uint8)


def _and(a: np.ndarray | bool, b: np.ndarray | bool) -> np.ndarray:
    """``a & b`` for booleans of broadcastable shapes, such as a seeker column times a program row.

    numpy's boolean loops are several times slower than its byte loops when both operands
    broadcast; 0/1 bytes are valid booleans, so the byte result is viewed back as bool.
    """
    return np.bitwise_and(_u8(a), _u8(b)).view(bool)


@dataclass(frozen=True)
class RuleContext:
    """Board-level settings the rules need (from :class:`matcher.scoring.EngineConfig`)."""

    board_support_mask: int = 0
    remedy_distance_miles: float = 40.0


#: A rule's arguments: seekers, catalog, the program columns, board settings, and the (B, n)
#: miles from :func:`distances` (NaN unknown), computed once per call and shared with scoring.
Rule = Callable[["ProfileBatch", "CompiledCatalog", np.ndarray, RuleContext, np.ndarray], RuleOutcome | None]


def _offers(cat: CompiledCatalog, cols: np.ndarray, mask: int | np.ndarray) -> np.ndarray:
    """(1, n) or (B, n): does the program offer any support in ``mask``."""
    m = np.asarray(mask, dtype=np.uint32)
    if m.ndim == 1:
        m = m[:, None]
    return (cat.support_mask[cols][None, :] & m) != 0


def _board(ctx: RuleContext, mask: int | np.ndarray) -> np.ndarray:
    """(B, 1) or (1, 1): does the board arrange a support in ``mask`` (broadcasts over programs)."""
    m = np.asarray(mask, dtype=np.uint32)
    if m.ndim == 1:
        return ((m & np.uint32(ctx.board_support_mask)) != 0)[:, None]
    return np.full((1, 1), bool(int(m) & ctx.board_support_mask))


def _remedied(blocked: np.ndarray, cat: CompiledCatalog, cols: np.ndarray, ctx: RuleContext,
              mask: int | np.ndarray) -> RuleOutcome:
    return RuleOutcome(blocked, _offers(cat, cols, mask), _board(ctx, mask))


# Each rule returns None when no seeker in the batch could be blocked by it
# (the common case for a rule about an answer nobody gave): the grid is skipped.


def rule_min_age(pb: ProfileBatch, cat: CompiledCatalog, cols: np.ndarray, ctx: RuleContext,
                 miles: np.ndarray) -> RuleOutcome | None:
    if not np.isfinite(pb.age).any():
        return None
    return RuleOutcome(cat.min_age[cols][None, :] > pb.age[:, None])


def rule_max_age(pb: ProfileBatch, cat: CompiledCatalog, cols: np.ndarray, ctx: RuleContext,
                 miles: np.ndarray) -> RuleOutcome | None:
    # Unknown age is NaN: the comparison is False, so it never excludes (the explanation asks).
    if not np.isfinite(pb.age).any():
        return None
    return RuleOutcome(pb.age[:, None] > cat.max_age[cols][None, :])


def rule_employment(pb: ProfileBatch, cat: CompiledCatalog, cols: np.ndarray, ctx: RuleContext,
                    miles: np.ndarray) -> RuleOutcome | None:
    """Incumbent worker training is for people already employed in the field it upgrades.

    Known not employed: excluded. Status not given: kept only when a job in the seeker's
    work history is in the same SOC broad occupation as one of the program's targets (the
    same job, or its close kin: nursing assistants, orderlies, psychiatric aides), so
    someone with no history in the field is not offered an employer's upskilling slot.
    """
    needs = cat.must_be_employed[cols]
    if not needs.any():
        return None
    blocked = np.zeros((pb.size, len(cols)), dtype=bool)
    # Not employed, or status unknown: blocked unless the work history matches (checked below, only
    # for the few seekers with a history and the few programs that ask).
    blocked[pb.employed <= 0] = needs
    rows = np.flatnonzero((pb.employed < 0) & pb.held_occ.any(axis=1))
    if len(rows):
        sub = np.flatnonzero(needs)
        blocked[np.ix_(rows, sub)] = ~held_target(pb, cat, cols[sub], rows)
    return RuleOutcome(blocked)


def held_target(pb: ProfileBatch, cat: CompiledCatalog, cols: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """(len(rows), len(cols)) bool: the seeker held a job in the SOC broad occupation of a program target."""
    # Per distinct target set of these programs (few), then gathered per program.
    sets, which = np.unique(cat.target_set[cols], return_inverse=True)
    starts, ends = cat.set_starts[sets], cat.set_starts[sets + 1]
    idx = np.concatenate([cat.set_indices[a:b] for a, b in zip(starts, ends)])
    offsets = np.concatenate([[0], np.cumsum(ends - starts)[:-1]])
    per_set = np.logical_or.reduceat(pb.held_occ[np.ix_(rows, idx)], offsets, axis=1)
    return per_set[:, which.reshape(-1)]


def rule_drivers_license(pb: ProfileBatch, cat: CompiledCatalog, cols: np.ndarray, ctx: RuleContext,
                         miles: np.ndarray) -> RuleOutcome | None:
    lacks = pb.license >= 2  # NONE or SUSPENDED
    if not lacks.any():
        return None
    blocked = _and(lacks[:, None], cat.needs_license[cols][None, :])
    return _remedied(blocked, cat, cols, ctx, pb.license_remedy_mask)


def rule_background(pb: ProfileBatch, cat: CompiledCatalog, cols: np.ndarray, ctx: RuleContext,
                    miles: np.ndarray) -> RuleOutcome | None:
    if not pb.record_mask.any():
        return None
    hits = cat.record_mask[cols][None, :] & pb.record_mask[:, None]
    blocked = hits != 0
    # Remedy only when every category that blocks is one a record-clearing service can remove.
    clearable = (hits & ~np.uint16(CLEARABLE_MASK)) == 0
    mask = SUPPORT_BIT[Support.RECORD_EXPUNGEMENT]
    by_program = clearable & _offers(cat, cols, mask)
    by_board = clearable & bool(ctx.board_support_mask & mask)
    return RuleOutcome(blocked, by_program, by_board)


def rule_language(pb: ProfileBatch, cat: CompiledCatalog, cols: np.ndarray, ctx: RuleContext,
                  miles: np.ndarray) -> RuleOutcome | None:
    # Seekers in a batch speak few distinct sets of languages: one row per set, then gathered.
    spoken, which = np.unique(pb.lang_mask, return_inverse=True)
    speaks_none = (cat.lang_mask[cols][None, :] & spoken[:, None]) == 0
    if not speaks_none.any():
        return None
    blocked = speaks_none[which.reshape(-1)]
    return _remedied(blocked, cat, cols, ctx, SUPPORT_BIT[Support.LANGUAGE_SUPPORT])


def rule_schedule(pb: ProfileBatch, cat: CompiledCatalog, cols: np.ndarray, ctx: RuleContext,
                  miles: np.ndarray) -> RuleOutcome | None:
    if (pb.times_mask == 7).all():
        return None
    overlap = (cat.times_mask[cols][None, :] & pb.times_mask[:, None]) != 0
    return RuleOutcome(~overlap & ~cat.self_paced[cols][None, :])


def rule_hours(pb: ProfileBatch, cat: CompiledCatalog, cols: np.ndarray, ctx: RuleContext,
               miles: np.ndarray) -> RuleOutcome | None:
    if not np.isfinite(pb.max_hours).any():
        return None
    too_many = cat.hours[cols][None, :] > pb.max_hours[:, None]
    return RuleOutcome(too_many & ~cat.self_paced[cols][None, :])


def rule_online(pb: ProfileBatch, cat: CompiledCatalog, cols: np.ndarray, ctx: RuleContext,
                miles: np.ndarray) -> RuleOutcome | None:
    if pb.online_ok.all():
        return None
    return RuleOutcome(_and(~pb.online_ok[:, None], cat.is_online[cols][None, :]))


def rule_distance(pb: ProfileBatch, cat: CompiledCatalog, cols: np.ndarray, ctx: RuleContext,
                  miles: np.ndarray) -> RuleOutcome | None:
    if not np.isfinite(pb.travel_limit).any():
        return None
    # NaN distance (unknown place) compares False: never blocked.
    blocked = miles > _float32_floor(pb.travel_limit)[:, None]
    # Transportation help extends reach up to the remedy distance (a van, gas cards, a ride program).
    reachable = miles <= ctx.remedy_distance_miles
    mask = SUPPORT_BIT[Support.TRANSPORTATION]
    by_board = reachable if ctx.board_support_mask & mask else None
    return RuleOutcome(blocked, reachable & _offers(cat, cols, mask), by_board)


def _float32_floor(limits: np.ndarray) -> np.ndarray:
    """The largest float32 at or below each (float64) limit, so that for float32 miles
    ``miles > floor`` is exactly ``miles > limit`` while comparing in float32 (half the bytes)."""
    floor = limits.astype(np.float32)
    above = floor > limits
    floor[above] = np.nextafter(floor[above], np.float32(-np.inf))
    return floor


def rule_education(pb: ProfileBatch, cat: CompiledCatalog, cols: np.ndarray, ctx: RuleContext,
                   miles: np.ndarray) -> RuleOutcome | None:
    if (pb.education >= 99).all():
        return None
    return RuleOutcome(cat.min_education[cols][None, :] > pb.education[:, None])


def _grade_rule(attr_need: str, attr_have: str) -> Rule:
    def rule(pb: ProfileBatch, cat: CompiledCatalog, cols: np.ndarray, ctx: RuleContext,
             miles: np.ndarray) -> RuleOutcome | None:
        have = getattr(pb, attr_have)
        if not np.isfinite(have).any():
            return None
        blocked = getattr(cat, attr_need)[cols][None, :] > have[:, None]
        return _remedied(blocked, cat, cols, ctx, SUPPORT_BIT[Support.TUTORING])

    return rule


def rule_work_authorization(pb: ProfileBatch, cat: CompiledCatalog, cols: np.ndarray, ctx: RuleContext,
                            miles: np.ndarray) -> RuleOutcome | None:
    no = pb.work_authorized == 0
    if not no.any():
        return None
    return RuleOutcome(_and(no[:, None], cat.needs_work_auth[cols][None, :]))


def rule_drug_test(pb: ProfileBatch, cat: CompiledCatalog, cols: np.ndarray, ctx: RuleContext,
                   miles: np.ndarray) -> RuleOutcome | None:
    no = pb.drug_test == 0
    if not no.any():
        return None
    return RuleOutcome(_and(no[:, None], cat.drug_test[cols][None, :]))


def rule_physical(pb: ProfileBatch, cat: CompiledCatalog, cols: np.ndarray, ctx: RuleContext,
                  miles: np.ndarray) -> RuleOutcome | None:
    if (pb.max_physical >= 99).all():
        return None
    blocked = cat.physical[cols][None, :] > pb.max_physical[:, None]
    return _remedied(blocked, cat, cols, ctx, SUPPORT_BIT[Support.ACCOMMODATIONS])


def rule_cost(pb: ProfileBatch, cat: CompiledCatalog, cols: np.ndarray, ctx: RuleContext,
              miles: np.ndarray) -> RuleOutcome | None:
    # Funding (WIOA, Pell, employer...) is the remedy a coach arranges; with none, it is a blocker.
    if not np.isfinite(pb.max_cost).any():
        return None
    blocked = cat.tuition[cols][None, :] > pb.max_cost[:, None]
    return RuleOutcome(blocked, cat.funded[cols][None, :])


#: Every rule, by the name used in "excluded by reason" counts and in explanations.
RULES: dict[str, Rule] = {
    "min_age": rule_min_age,
    "max_age": rule_max_age,
    "employment": rule_employment,
    "drivers_license": rule_drivers_license,
    "background": rule_background,
    "language": rule_language,
    "schedule": rule_schedule,
    "hours": rule_hours,
    "online": rule_online,
    "distance": rule_distance,
    "education": rule_education,
    "reading_level": _grade_rule("min_reading", "reading"),
    "math_level": _grade_rule("min_math", "math"),
    "work_authorization": rule_work_authorization,
    "drug_test": rule_drug_test,
    "physical_demand": rule_physical,
    "cost": rule_cost,
}


def distances(pb: ProfileBatch, cat: CompiledCatalog, cols: np.ndarray) -> np.ndarray:
    """(B, n) miles from each seeker to each program; NaN when either place is unknown, 0 online."""
    from .features import EARTH_RADIUS_MILES

    online = cat.is_online[cols]
    if np.isnan(pb.unit).all() or not cat.has_place.any():
        # No seeker or no program has a known place: skip the product, every distance is unknown.
        miles = np.full((pb.size, len(cols)), np.nan, dtype=np.float32)
        if online.any():
            miles[:, online] = 0.0
        return miles
    # Chord length between unit vectors, from a (B x 3) @ (3 x n) product in float64 (exact to
    # a few yards), in miles: R x sqrt(2 - 2 cos). Within the 500-mile range the engine cares
    # about, the chord is shorter than the great-circle arc by under 0.1%, and skipping the
    # arcsine makes batch scoring markedly faster.
    two_minus = pb.unit @ cat.unit[cols].T
    two_minus *= -2.0
    miles = np.add(two_minus, 2.0, out=np.empty(two_minus.shape, np.float32))  # added in float64, stored as float32
    del two_minus
    np.maximum(miles, 0, out=miles)
    np.sqrt(miles, out=miles)
    miles *= np.float32(EARTH_RADIUS_MILES)
    if online.any():
        miles[:, online] = 0.0
    return miles


@dataclass(frozen=True)
class Eligibility:
    """The outcome of every rule that applied, and the combined exclusion mask.

    ``outcomes`` is empty when :func:`evaluate` was asked not to keep them (batch ranking
    needs only the combined mask and, at most, the count per rule in ``counts``).
    """

    excluded: np.ndarray  # (B, n) bool
    outcomes: dict[str, RuleOutcome]
    counts: dict[str, np.ndarray] = field(default_factory=dict)  # rule -> (B,) programs it excluded


def evaluate(pb: ProfileBatch, cat: CompiledCatalog, cols: np.ndarray, ctx: RuleContext,
             miles: np.ndarray, *, keep_outcomes: bool = True, count: bool = False) -> Eligibility:
    """Run every rule over seekers x the programs ``cols``; ``miles`` is :func:`distances` for them.

    ``keep_outcomes=False`` drops each rule's grids as soon as they are folded into the
    combined mask: a batch then holds one grid at a time instead of a dozen, which keeps
    its memory (and the page faults of fresh allocations) down. ``count`` records the
    number of programs each rule excluded per seeker.
    """
    excluded = np.zeros((pb.size, len(cols)), dtype=bool)
    outcomes: dict[str, RuleOutcome] = {}
    counts: dict[str, np.ndarray] = {}
    for name, rule in RULES.items():
        outcome = rule(pb, cat, cols, ctx, miles)
        if outcome is None:
            continue
        if keep_outcomes:
            outcomes[name] = outcome
        if count:
            counts[name] = np.count_nonzero(outcome.excluded, axis=1)
        excluded |= outcome.excluded
    return Eligibility(excluded, outcomes, counts)
