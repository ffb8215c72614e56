"""The board-facing policy tables: which supports meet which barrier, which record
categories a screen covers and which can be cleared, and the bit tables that pack
those sets into integers for the array code.

One module, read by the rules (:mod:`matcher.rules`), the score
(:mod:`matcher.scoring`), the compiled arrays (:mod:`matcher.features`) and the
explanations (:mod:`matcher.explain`), so that none of them imports another for a
table and a change here reaches all of them. ``docs/engine.md`` documents each table;
``tests/test_policy.py`` fails when a barrier, support or category is added without
an entry here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .records import Barrier, Delivery, RecordCategory, Support, TimeOfDay, TravelMode

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .profile_resolve import ResolvedProfile
    from .records import Program

#: Which supports meet which barrier. A program offering any of them "meets" the
#: barrier; the first named is the one suggested when nobody offers it. Every barrier
#: has an entry: an empty tuple says, on purpose, that no support answers it
#: (no_income_while_training is answered by paid programs, through income_priority).
BARRIER_SUPPORTS: dict[Barrier, tuple[Support, ...]] = {
    Barrier.NO_DRIVERS_LICENSE: (Support.DRIVERS_ED,),
    Barrier.SUSPENDED_LICENSE: (Support.LICENSE_REINSTATEMENT,),
    Barrier.NO_CAR: (Support.TRANSIT_PASS, Support.TRANSPORTATION),
    Barrier.JUSTICE_INVOLVED: (Support.RECORD_EXPUNGEMENT, Support.MENTORING),
    Barrier.CHILDCARE: (Support.CHILDCARE,),
    Barrier.HOUSING_INSTABILITY: (Support.HOUSING_REFERRAL, Support.EMERGENCY_FUNDS),
    Barrier.HOMELESS: (Support.HOUSING_REFERRAL, Support.EMERGENCY_FUNDS),
    Barrier.LIMITED_ENGLISH: (Support.LANGUAGE_SUPPORT,),
    Barrier.BASIC_SKILLS: (Support.TUTORING,),
    Barrier.DIGITAL_LITERACY: (Support.DIGITAL_SKILLS, Support.LAPTOP_LOAN),
    Barrier.DISABILITY_ACCOMMODATION: (Support.ACCOMMODATIONS,),
    Barrier.LOW_INCOME: (Support.EMERGENCY_FUNDS, Support.STIPEND),
    Barrier.SINGLE_PARENT: (Support.CHILDCARE, Support.CASE_MANAGEMENT),
    Barrier.LONG_TERM_UNEMPLOYED: (Support.CASE_MANAGEMENT, Support.MENTORING),
    Barrier.NO_INCOME_WHILE_TRAINING: (Support.STIPEND,),
    Barrier.FOSTER_CARE_YOUTH: (Support.CASE_MANAGEMENT, Support.MENTORING, Support.HOUSING_REFERRAL),
    Barrier.DISPLACED_HOMEMAKER: (Support.CASE_MANAGEMENT,),
    Barrier.CULTURAL_BARRIERS: (Support.MENTORING, Support.CASE_MANAGEMENT),
}

#: The most pressing barriers and the supports that answer them: a program meeting one
#: gains ``EngineConfig.urgent_priority`` (see :mod:`matcher.scoring`). Income now
#: (``no_income_while_training``) is answered by ``income_priority`` on paid programs instead.
URGENT_SUPPORTS: dict[Barrier, tuple[Support, ...]] = {
    Barrier.HOMELESS: (Support.HOUSING_REFERRAL,),
    Barrier.HOUSING_INSTABILITY: (Support.HOUSING_REFERRAL,),
    Barrier.SINGLE_PARENT: (Support.CHILDCARE,),
    Barrier.CHILDCARE: (Support.CHILDCARE,),
}

#: Supports that only matter for a program someone travels to (an online course needs no transit pass).
TRAVEL_SUPPORTS = frozenset({Support.TRANSIT_PASS, Support.TRANSPORTATION})

#: Record-category hierarchy: a program screening out the key screens out every
#: category listed (``docs/engine.md`` gives the reasoning):
#: - ``any_conviction`` covers all;
#: - ``felony`` covers the felony kinds: violent felonies and sex offences (registrable
#:   sex offences are almost all felonies);
#: - ``crimes_against_vulnerable`` covers sex offences: child-care, elder-care and health
#:   background checks treat a sex offence as a crime against a vulnerable person;
#: - every other category covers only itself.
RECORD_COVERS: dict[RecordCategory, frozenset[RecordCategory]] = {
    RecordCategory.ANY_CONVICTION: frozenset(RecordCategory),
    RecordCategory.FELONY: frozenset({RecordCategory.FELONY, RecordCategory.VIOLENT_FELONY,
                                      RecordCategory.SEX_OFFENSE}),
    RecordCategory.CRIMES_AGAINST_VULNERABLE: frozenset({RecordCategory.CRIMES_AGAINST_VULNERABLE,
                                                        RecordCategory.SEX_OFFENSE}),
}

#: Categories a record-clearing (expungement / set-aside) service can plausibly remove.
#: Violent and sex offences and crimes against vulnerable people are generally not
#: eligible for set-aside, so record clearing is never offered as a remedy for them.
#: (Oregon's set-aside law, ORS 137.225, also excludes DUII convictions.)
CLEARABLE_RECORDS = frozenset({RecordCategory.ANY_CONVICTION, RecordCategory.FELONY, RecordCategory.THEFT_FRAUD,
                               RecordCategory.DRUG_OFFENSE})

#: How far someone can be expected to travel by each mode, in miles, when the profile gives
#: modes but no max_miles (the largest of the seeker's modes applies). A board overrides
#: these in its engine settings (``EngineConfig.mode_miles``).
DEFAULT_MODE_MILES: dict[TravelMode, float] = {
    TravelMode.CAR: 40.0,
    TravelMode.RIDE_FROM_OTHERS: 25.0,
    TravelMode.TRANSIT: 15.0,
    TravelMode.BIKE: 8.0,
    TravelMode.WALK: 2.0,
}

# --------------------------------------------------------------------------- bit tables

# Sets are packed into integers, one bit per enum member, in the dtype named beside each.
SUPPORT_BIT: dict[Support, int] = {s: 1 << i for i, s in enumerate(Support)}  # uint32
BARRIER_BIT: dict[Barrier, int] = {b: 1 << i for i, b in enumerate(Barrier)}  # uint32
RECORD_BIT: dict[RecordCategory, int] = {r: 1 << i for i, r in enumerate(RecordCategory)}  # uint16
TIME_BIT: dict[TimeOfDay, int] = {t: 1 << i for i, t in enumerate(TimeOfDay)}  # uint8
#: The width in bits of the integer each table packs into (tests check every table fits).
BIT_WIDTHS: dict[str, tuple[Mapping[Any, int], int]] = {
    "support": (SUPPORT_BIT, 32), "barrier": (BARRIER_BIT, 32), "record": (RECORD_BIT, 16), "time": (TIME_BIT, 8),
}
ALL_TIMES = sum(TIME_BIT.values())
CLEARABLE_MASK = sum(RECORD_BIT[r] for r in CLEARABLE_RECORDS)
URGENT_MASK = sum(BARRIER_BIT[b] for b in URGENT_SUPPORTS)


def support_mask(supports: Iterable[Support]) -> int:
    return sum(SUPPORT_BIT[s] for s in set(supports))


def barrier_mask(barriers: Iterable[Barrier]) -> int:
    return sum(BARRIER_BIT[b] for b in set(barriers))


def record_mask(categories: Iterable[RecordCategory]) -> int:
    return sum(RECORD_BIT[c] for c in set(categories))


def time_mask(times: Iterable[TimeOfDay]) -> int:
    return sum(TIME_BIT[t] for t in set(times))


def covered_records(categories: Iterable[RecordCategory]) -> frozenset[RecordCategory]:
    """Every record category a program's exclusion list screens out, after the hierarchy."""
    out: set[RecordCategory] = set()
    for category in categories:
        out |= RECORD_COVERS.get(category, frozenset({category}))
    return frozenset(out)


def board_barriers(board_supports: Iterable[Support], *, urgent: bool = False) -> int:
    """Barriers (bit mask) the board's own supports meet (``urgent``: through URGENT_SUPPORTS)."""
    table = URGENT_SUPPORTS if urgent else BARRIER_SUPPORTS
    given = set(board_supports)
    return sum(BARRIER_BIT[b] for b, wanted in table.items() if set(wanted) & given)


def support_applies(support: Support, program: Program, seeker: ResolvedProfile) -> bool:
    """Whether a support can actually help this seeker in this program.

    A transit pass or a ride does nothing for an online course; record clearing cannot
    help someone whose recorded categories cannot be cleared (a violent felony, a sex
    offence...): offering it would promise what the law does not allow.
    """
    if support in TRAVEL_SUPPORTS and program.location.delivery is Delivery.ONLINE:
        return False
    if support is Support.RECORD_EXPUNGEMENT and seeker.record_categories:
        return any(c in CLEARABLE_RECORDS for c in seeker.record_categories)
    return True
