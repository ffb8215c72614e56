"""Plain-language explanations and the result records a coach sees.

Only the programs shown are explained (a handful per seeker): the numbers
come from the same rule and score arrays that ranked them, so an explanation
can never disagree with the ranking. Sentences are short and in the second
person so a coach can read them aloud: "You already have 4 of the 5 starting
skills", "Pays $19/hour while you train", "Offers childcare support".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .eligibility import BARRIER_SUPPORTS, URGENT_SUPPORTS, Eligibility, covered_records
from .features import CompiledCatalog
from .profile_resolve import LicenseStatus, ResolvedProfile, UnmatchedInput
from .records import (
    Barrier,
    Delivery,
    EducationLevel,
    Funding,
    PaidKind,
    PhysicalDemand,
    Program,
    Support,
    TimeOfDay,
)

if TYPE_CHECKING:  # pragma: no cover
    from .scoring import Components, EngineConfig

LANGUAGE_NAMES = {
    "en": "English", "es": "Spanish", "vi": "Vietnamese", "ru": "Russian", "zh": "Chinese", "so": "Somali",
    "ar": "Arabic", "uk": "Ukrainian", "ko": "Korean", "tl": "Tagalog", "fr": "French", "am": "Amharic",
    "sw": "Swahili", "ro": "Romanian", "ja": "Japanese", "fa": "Persian", "ps": "Pashto", "hmn": "Hmong",
    "km": "Khmer", "lo": "Lao", "ne": "Nepali", "my": "Burmese", "pt": "Portuguese", "ti": "Tigrinya",
}

FUNDING_LABELS = {
    Funding.FREE: "free to you",
    Funding.WIOA_ITA: "a WIOA training account (ITA)",
    Funding.WIOA_OJT: "WIOA on-the-job training funds",
    Funding.EMPLOYER_PAID: "the employer",
    Funding.PELL: "a Pell grant",
    Funding.STATE_GRANT: "a state grant",
    Funding.GI_BILL: "the GI Bill",
    Funding.SCHOLARSHIP: "a scholarship",
    Funding.PAYMENT_PLAN: "a payment plan",
}

TIME_WORDS = {TimeOfDay.DAY: "daytime", TimeOfDay.EVENING: "evening", TimeOfDay.WEEKEND: "weekend"}
MAX_REASONS = 6
MAX_TAUGHT_GAPS = 8
FAR_MILES_CHECK = 25.0


# --------------------------------------------------------------------------- result records


class _Plain:
    def to_dict(self) -> dict[str, Any]:
        return _plain(self)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


@dataclass(frozen=True)
class ScoreParts(_Plain):
    """Each component (0..1). ``practical`` combines schedule, distance and language
    (see :mod:`matcher.scoring`)."""

    skills: float
    interest: float
    practical: float
    schedule: float
    distance: float
    language: float
    supports: float
    earn: float
    wage: float
    outcomes: float
    success: float | None = None


@dataclass(frozen=True)
class SkillGap(_Plain):
    """A skill the program expects at the start that the seeker lacks (``required``),
    or one it will teach that the seeker does not have yet (``taught``)."""

    skill_id: str
    name: str
    kind: str  # "required" | "taught"
    message: str


@dataclass(frozen=True)
class SupportToArrange(_Plain):
    """For one of the seeker's barriers: which support meets it and who provides it."""

    barrier: str
    support: str | None
    provided_by: str  # "program" | "board" | "arrange" (coach to find it)
    message: str


@dataclass(frozen=True)
class Blocker(_Plain):
    """A hard requirement the seeker does not meet today, kept because a remedy exists."""

    requirement: str
    message: str
    remedy: str
    provided_by: str  # "program" | "board" | "funding"


@dataclass(frozen=True)
class Recommendation(_Plain):
    rank: int
    program_id: str
    name: str
    provider: str
    type: str
    sector: str
    score: float
    parts: ScoreParts
    reasons: tuple[str, ...]
    skill_gaps: tuple[SkillGap, ...]
    supports: tuple[SupportToArrange, ...]
    blockers: tuple[Blocker, ...]
    checks: tuple[str, ...]
    distance_miles: float | None = None

    @property
    def flagged(self) -> bool:
        """Kept only because a remedy exists for a requirement the seeker does not meet."""
        return bool(self.blockers)

    def to_dict(self) -> dict[str, Any]:
        out = _plain(self)
        out["flagged"] = self.flagged
        return out


@dataclass(frozen=True)
class RecommendationList(_Plain):
    """The engine's answer for one seeker. Holds no personal details beyond the seeker's
    own inputs that could not be matched."""

    profile_id: str | None
    items: tuple[Recommendation, ...]
    catalog_size: int
    eligible_count: int
    excluded_count: int
    excluded_by_reason: Mapping[str, int]
    unmatched: tuple[UnmatchedInput, ...]
    target_wage: float | None
    target_is_estimate: bool
    notes: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Any:
        return iter(self.items)

    @property
    def ids(self) -> list[str]:
        return [r.program_id for r in self.items]

    def to_dict(self) -> dict[str, Any]:
        out = _plain(self)
        out["items"] = [r.to_dict() for r in self.items]
        out["unmatched"] = [u.to_dict() for u in self.unmatched]
        return out


# --------------------------------------------------------------------------- wording helpers


def money(x: float) -> str:
    return f"${x:,.0f}" if x >= 100 or float(x).is_integer() else f"${x:,.2f}"


def wage(x: float) -> str:
    return f"${x:,.0f}/hour" if abs(x - round(x)) < 0.05 else f"${x:,.2f}/hour"


def join_words(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class Explainer:
    """Builds :class:`Recommendation` records; holds the name tables it needs."""

    def __init__(self, catalog: CompiledCatalog, taxonomy: Any, config: EngineConfig) -> None:
        self.catalog = catalog
        self.taxonomy = taxonomy
        self.config = config
        self._board = config.board_supports
        # Reasons are ordered by the component weights without the success model (it gives no reason).
        self._reason_weights = config.resolved_weights(has_success_model=False)
        self._names: dict[str, str] = {}

    # ------------------------------------------------------------------ names

    def skill_name(self, skill_id: str) -> str:
        if skill_id in self._names:
            return self._names[skill_id]
        name = skill_id
        if self.taxonomy is not None and skill_id in self.taxonomy.skills:
            name = self.taxonomy.skills[skill_id].name
        elif ":" in skill_id:
            name = skill_id.split(":", 1)[1].replace("-", " ").replace("_", " ")
        self._names[skill_id] = name
        return name

    def occupation_title(self, code: str) -> str:
        if self.taxonomy is not None and code in self.taxonomy.occupations:
            return self.taxonomy.occupations[code].title
        return code

    # ------------------------------------------------------------------ one program

    def recommendation(self, rank: int, col: int, r: ResolvedProfile, comps: Components, elig: Eligibility,
                       j: int, total: float) -> Recommendation:
        program = self.catalog.programs[col]
        p = {name: float(a[0, j]) for name, a in comps.parts.items()}
        miles = float(comps.miles[0, j])
        parts = ScoreParts(
            skills=round(p["skills"], 4), interest=round(p["interest"], 4), practical=round(p["practical"], 4),
            schedule=round(float(comps.schedule[0, j]), 4), distance=round(float(comps.distance[0, j]), 4),
            language=round(float(comps.language[0, j]), 4), supports=round(p["supports"], 4),
            earn=round(p["earn"], 4), wage=round(p["wage"], 4), outcomes=round(p["outcomes"], 4),
            success=round(p["success"], 4) if "success" in p else None,
        )
        blockers = self._blockers(program, r, elig, j, miles)
        return Recommendation(
            rank=rank,
            program_id=program.id,
            name=program.name,
            provider=program.provider,
            type=program.type.value,
            sector=program.sector.value,
            score=round(total, 4),
            parts=parts,
            reasons=tuple(self._reasons(program, col, r, p, comps, j, miles)),
            skill_gaps=tuple(self._gaps(program, r)),
            supports=tuple(self._supports(program, r)),
            blockers=tuple(blockers),
            checks=tuple(self._checks(program, col, r, miles, {b.requirement for b in blockers})),
            distance_miles=None if np.isnan(miles) or program.location.delivery is Delivery.ONLINE
            else round(miles, 1),
        )

    # ------------------------------------------------------------------ reasons

    def _reasons(self, program: Program, col: int, r: ResolvedProfile, p: dict[str, float], comps: Components,
                 j: int, miles: float) -> list[str]:
        """Positive reasons, most important first (by the weight of the part they explain).
        ``col`` is the program's column in the compiled catalog."""
        w = self._reason_weights
        found: list[tuple[float, int, str]] = []

        def add(weight: float, text: str) -> None:
            found.append((-weight, len(found), text))

        # interest
        named = set(r.interest_occupations)
        worked = set(r.work_occupations)
        targets = program.target_occupations
        exact = [c for c in targets if c in named]
        if exact:
            add(w["interest"] * 1.0, f"Leads to {self.occupation_title(exact[0])}, a job you said you want")
        elif [c for c in targets if c in worked]:
            c = [c for c in targets if c in worked][0]
            add(w["interest"] * 0.6, f"Builds on your work as {self.occupation_title(c)}")
        elif p["interest"] >= 0.5 and r.has_interests and program.sector in r.sectors:
            add(w["interest"] * 0.8, f"In {program.sector.label.lower()}, a field you picked")
        elif p["interest"] >= 0.5 and r.has_interests:
            add(w["interest"] * p["interest"],
                f"Leads to {self.occupation_title(targets[0])}, close to the work you are interested in")

        # skills
        required = list(dict.fromkeys(program.prerequisites.skills))
        if required:
            have = sum(1 for s in required if s in r.skill_ids)
            if have == len(required):
                add(w["skills"], f"You have all {len(required)} starting skill{'s' if len(required) > 1 else ''} "
                                 f"it asks for" if len(required) > 1 else "You have the starting skill it asks for")
            elif have:
                add(w["skills"] * have / len(required),
                    f"You already have {have} of the {len(required)} starting skills")
        else:
            add(w["skills"] * 0.3, "No experience needed to start")

        # paid while training
        paid = program.paid
        earn_weight = w["earn"] + (self.config.income_priority if r.needs_income else 0.0)
        if paid.kind is PaidKind.WAGE and paid.hourly_wage:
            add(earn_weight, f"Pays {wage(paid.hourly_wage)} while you train")
        elif paid.kind is PaidKind.STIPEND and paid.stipend_usd:
            add(earn_weight * 0.6, f"Pays a {money(paid.stipend_usd)} stipend while you train")
        elif program.type.is_paid_by_design:
            add(earn_weight * 0.8, f"Paid while you train ({program.type.label.lower()})")

        # supports that meet the seeker's barriers; the most pressing ones (housing, childcare) first
        offered = set(program.supports)
        said: set[Support] = set()
        for barrier in sorted(r.barriers, key=lambda x: (x not in URGENT_SUPPORTS, list(Barrier).index(x))):
            urgent = [s for s in URGENT_SUPPORTS.get(barrier, ()) if s in offered]
            have_support = urgent or [s for s in BARRIER_SUPPORTS.get(barrier, ()) if s in offered]
            if have_support and have_support[0] not in said:
                said.add(have_support[0])
                weight = w["supports"] * 1.5 + (self.config.urgent_priority * 0.5 if urgent else 0.0)
                add(weight, f"Offers {have_support[0].label}")

        # schedule
        times = set(program.schedule.times)
        avail = set(r.profile.availability.times)
        if program.schedule.self_paced:
            add(w["practical"] * 0.5, "Self-paced: fits around your schedule")
        elif avail != set(TimeOfDay) and times <= avail:
            words = [TIME_WORDS[t] for t in TimeOfDay if t in times]
            add(w["practical"] * 0.6, f"{capital(join_words(words))} classes match your availability")

        # place
        if program.location.delivery is Delivery.ONLINE:
            add(w["practical"] * 0.4, "Online: no travel needed")
        elif not np.isnan(miles):
            near = "About" if miles >= 1 else "Less than"
            add(w["practical"] * float(comps.distance[0, j]) * 0.6,
                f"{near} {max(miles, 1):.0f} mile{'s' if round(max(miles, 1)) != 1 else ''} from you"
                + (" and on a transit line" if program.location.transit_access else ""))

        # language
        pref = r.profile.preferred_language
        if pref != "en" and pref in program.languages:
            add(w["practical"] * 0.9, f"Taught in {language_name(pref)}")

        # wage outlook
        target = r.target_wage
        start = self.catalog.start_wage[col]
        median = self.catalog.median_wage[col]
        if target:
            if not np.isnan(start) and start >= target:
                add(w["wage"], f"Starting wage {wage(float(start))} meets your self-sufficiency target of "
                               f"{wage(target)}")
            elif not np.isnan(median) and median >= target:
                lead = f"Starting wage {wage(float(start))}; t" if not np.isnan(start) else "T"
                add(w["wage"] * 0.8, f"{lead}he typical wage in this job, {wage(float(median))}, reaches your "
                                     f"self-sufficiency target of {wage(target)} with experience")
        elif not np.isnan(start):
            add(w["wage"] * 0.5, f"Starting wage about {wage(float(start))}")

        # cost
        if program.cost.is_free:
            add(0.02, "No cost to you")
        elif program.cost.funding:
            add(0.02, f"Tuition can be covered by {FUNDING_LABELS[program.cost.funding[0]]}")

        # outcomes
        o = program.outcomes
        if o.completion_rate is not None and o.placement_rate is not None:
            add(w["outcomes"] * p["outcomes"], f"{o.completion_rate:.0%} of students finish and "
                                               f"{o.placement_rate:.0%} find jobs")
        elif o.placement_rate is not None:
            add(w["outcomes"] * p["outcomes"], f"{o.placement_rate:.0%} of students find jobs")

        found.sort()
        return [text for _, _, text in found[:MAX_REASONS]]

    # ------------------------------------------------------------------ gaps

    def _gaps(self, program: Program, r: ResolvedProfile) -> list[SkillGap]:
        gaps: list[SkillGap] = []
        for s in dict.fromkeys(program.prerequisites.skills):
            if s not in r.skill_ids:
                name = self.skill_name(s)
                gaps.append(SkillGap(s, name, "required", f"Expects {name} at the start; you do not have it yet"))
        taught = 0
        for s in dict.fromkeys((*program.credentials_awarded, *program.skills_taught)):
            if s in r.skill_ids or taught >= MAX_TAUGHT_GAPS:
                continue
            name = self.skill_name(s)
            verb = "earn" if s in program.credentials_awarded else "learn"
            gaps.append(SkillGap(s, name, "taught", f"You will {verb} {name}"))
            taught += 1
        return gaps

    # ------------------------------------------------------------------ supports

    def _supports(self, program: Program, r: ResolvedProfile) -> list[SupportToArrange]:
        out: list[SupportToArrange] = []
        offered = set(program.supports)
        for barrier in sorted(r.barriers, key=lambda x: list(Barrier).index(x)):
            wanted = BARRIER_SUPPORTS.get(barrier, ())
            if not wanted:
                continue
            by_program = [s for s in wanted if s in offered]
            by_board = [s for s in wanted if s in self._board]
            if barrier is Barrier.NO_INCOME_WHILE_TRAINING and program.paid.kind is PaidKind.WAGE:
                out.append(SupportToArrange(barrier.value, None, "program", "Paid while you train"))
            elif barrier is Barrier.LIMITED_ENGLISH and r.profile.preferred_language != "en" \
                    and r.profile.preferred_language in program.languages:
                out.append(SupportToArrange(barrier.value, None, "program",
                                            f"Taught in {language_name(r.profile.preferred_language)}"))
            elif by_program:
                out.append(SupportToArrange(barrier.value, by_program[0].value, "program",
                                            f"The program offers {by_program[0].label}"))
            elif by_board:
                out.append(SupportToArrange(barrier.value, by_board[0].value, "board",
                                            f"The board provides {by_board[0].label}"))
            else:
                out.append(SupportToArrange(barrier.value, wanted[0].value, "arrange",
                                            f"Arrange {wanted[0].label} with your coach"))
        # Two barriers can call for the same support (single parent, childcare): say it once.
        unique: dict[str, SupportToArrange] = {}
        for item in out:
            unique.setdefault(item.message, item)
        return list(unique.values())

    # ------------------------------------------------------------------ blockers (remedied requirements)

    def _remedy(self, outcome_program: bool, support: Support) -> tuple[str, str]:
        if outcome_program:
            return "program", f"the program offers {support.label}"
        return "board", f"the board provides {support.label}"

    def _blockers(self, program: Program, r: ResolvedProfile, elig: Eligibility, j: int,
                  miles: float) -> list[Blocker]:
        out: list[Blocker] = []
        pre = program.prerequisites
        prof = r.profile
        for name, o in elig.outcomes.items():
            if not o.blocked[0, j] or o.excluded[0, j]:
                continue
            from_program = bool(o.by_program[0, j]) if o.by_program is not None else False
            if name == "cost":
                sources = join_words([FUNDING_LABELS[f] for f in program.cost.funding])
                out.append(Blocker(name, f"Tuition {money(program.cost.tuition_usd)} is more than you can pay; "
                                         f"it can be covered by {sources}", "funding", "funding"))
                continue
            support, problem = {
                "drivers_license": (Support.LICENSE_REINSTATEMENT if r.license == LicenseStatus.SUSPENDED
                                    else Support.DRIVERS_ED, "Needs a driver's license"),
                "background": (Support.RECORD_EXPUNGEMENT, "Its background check screens out part of your record"),
                "language": (Support.LANGUAGE_SUPPORT,
                             f"Taught in {join_words([language_name(x) for x in program.languages])}"),
                "distance": (Support.TRANSPORTATION,
                             f"About {miles:.0f} miles away, farther than you can travel"),
                "reading_level": (Support.TUTORING,
                                  f"Expects reading at grade {pre.min_reading_grade}; you read at grade "
                                  f"{prof.reading_grade}"),
                "math_level": (Support.TUTORING,
                               f"Expects math at grade {pre.min_math_grade}; you are at grade {prof.math_grade}"),
                "physical_demand": (Support.ACCOMMODATIONS,
                                    f"Physically demanding ({pre.physical_demand.value if pre.physical_demand else ''}"
                                    f" work)"),
            }[name]
            provided_by, remedy = self._remedy(from_program, support)
            out.append(Blocker(name, f"{problem}: {remedy}", support.value, provided_by))
        return out

    # ------------------------------------------------------------------ checks (unknown answers)

    def _checks(self, program: Program, col: int, r: ResolvedProfile, miles: float,
                blocked: set[str]) -> list[str]:
        """Requirements the seeker did not answer: never exclude, always listed to ask about."""
        pre = program.prerequisites
        prof = r.profile
        out: list[str] = []
        if pre.max_age is not None and prof.age is None:
            ages = f"{pre.min_age}-{pre.max_age}" if pre.min_age else f"up to {pre.max_age}"
            out.append(f"This program is for ages {ages}; confirm your age")
        elif pre.min_age and prof.age is None:
            out.append(f"You must be at least {pre.min_age}; confirm your age")
        if pre.must_be_employed:
            if prof.employment_status is None:
                out.append("For people already working in this field — ask your employer")
            else:  # known employed (the rule excluded everyone else): it still runs through employers
                out.append("Run with employers for their own staff — ask your employer whether it takes part")
        if pre.drivers_license and r.license == LicenseStatus.UNKNOWN:
            out.append("Needs a driver's license; ask if you have one")
        if pre.background_check and "background" not in blocked:
            screened = sorted(c.value.replace("_", " ") for c in covered_records(pre.background_exclusions))
            what = f" (screens out: {', '.join(screened)})" if screened else ""
            if not r.record_categories:
                out.append(f"Runs a background check{what}; check whether anything on your record matters")
            elif screened:
                # Never silent for someone with a record: the categories are coarse and checks vary.
                out.append(f"Runs a background check{what}; it does not screen out your record type, "
                           f"but confirm with the program")
            else:
                out.append("Runs a background check that lists nothing it screens out; ask the program "
                           "whether your record matters")
        if pre.drug_test and prof.can_pass_drug_test is None:
            out.append("Requires a drug test; check this is OK")
        if pre.work_authorization and prof.work_authorized is None:
            out.append("Requires proof you can work in the US; check your documents")
        if pre.min_education is not EducationLevel.NONE and prof.education is None:
            out.append(f"Requires {pre.min_education.label}; check your schooling")
        if pre.min_reading_grade and prof.reading_grade is None:
            out.append(f"Expects reading at grade {pre.min_reading_grade}; a skills test may be needed")
        if pre.min_math_grade and prof.math_grade is None:
            out.append(f"Expects math at grade {pre.min_math_grade}; a skills test may be needed")
        if pre.physical_demand is not None and prof.max_physical_demand is None \
                and pre.physical_demand.rank >= PhysicalDemand.MEDIUM.rank:
            out.append(f"Physically demanding ({pre.physical_demand.value} work); check this suits you")
        # schedule: program meets at times the seeker did not say they can make
        missing = [t for t in TimeOfDay if t in program.schedule.times and t not in prof.availability.times]
        if missing and not program.schedule.self_paced:
            out.append(f"Also meets at {join_words([TIME_WORDS[t] for t in missing])} times; "
                       f"check you can make those sessions")
        if prof.availability.max_hours_per_week is None and program.schedule.hours_per_week >= 30:
            out.append(f"Takes {program.schedule.hours_per_week:.0f} hours a week; check this fits")
        # place
        if program.location.delivery is not Delivery.ONLINE:
            if np.isnan(miles):
                where = program.location.county or program.location.zip or "its site"
                where = f"{where} County" if program.location.county and "county" not in where.lower() else where
                out.append(f"Check how you would get to {where}")
            elif not np.isfinite(self._limit(prof)) and miles > FAR_MILES_CHECK:
                out.append(f"About {miles:.0f} miles away; check you can get there")
        # cost
        if not program.cost.is_free and prof.max_cost_usd is None:
            if program.cost.funding:
                out.append(f"Tuition {money(program.cost.tuition_usd)}; it can be covered by "
                           f"{join_words([FUNDING_LABELS[f] for f in program.cost.funding])}: check eligibility")
            else:
                out.append(f"Tuition {money(program.cost.tuition_usd)} with no funding listed; check you can pay")
        # wage below target
        target = r.target_wage
        median = self.catalog.median_wage[col]
        if target and not np.isnan(median) and median < target:
            out.append(f"The typical wage in this job, {wage(float(median))}, is below your self-sufficiency "
                       f"target of {wage(target)}")
        return out

    @staticmethod
    def _limit(prof: Any) -> float:
        if prof.travel.max_miles is not None or prof.travel.modes:
            return 0.0
        return float("inf")

    # ------------------------------------------------------------------ the list

    def recommendation_list(self, r: ResolvedProfile, items: list[Recommendation], *, catalog_size: int,
                            excluded: int, excluded_by_reason: dict[str, int]) -> RecommendationList:
        notes: list[str] = []
        if r.point is None:
            notes.append("No usable ZIP code, so distance was not considered")
        if r.target_wage is None:
            notes.append(f"No self-sufficiency figure for this household's place; wages were compared with "
                         f"{wage(self.config.default_target_wage)}")
        elif r.target_is_estimate:
            notes.append(f"The self-sufficiency target of {wage(r.target_wage)} is an estimate")
        if not r.has_interests:
            notes.append("No interests or past jobs given, so every field was treated alike")
        if r.needs_income:
            notes.append("Paid options (OJT, apprenticeship, stipends) are ranked first because income is needed now")
        if not items:
            notes.append("No program in the catalog meets this seeker's hard requirements")
        return RecommendationList(
            profile_id=r.profile.id,
            items=tuple(items),
            catalog_size=catalog_size,
            eligible_count=catalog_size - excluded,
            excluded_count=excluded,
            excluded_by_reason=dict(sorted(excluded_by_reason.items())),
            unmatched=r.unmatched,
            target_wage=r.target_wage,
            target_is_estimate=r.target_is_estimate,
            notes=tuple(notes),
        )
