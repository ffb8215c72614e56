"""What a workforce coach expects the matcher to do for each scenario person.

Each scenario is one realistic job seeker (``profiles/<key>.json``, a plain
:class:`matcher.records.SeekerProfile`) and a few checks a coach would insist
on. Checks are written over program *attributes* looked up in the catalog
(sector, type, pay, supports, prerequisites, place...), never over program
ids, so they keep meaning something when the catalog changes.

A check returns a list of problems (empty = it holds). ``xfail`` holds the
precise reason when the engine is known to get it wrong: the test is then a
strict xfail, so fixing the engine turns it red until the marker is removed.

Used by ``tests/test_scenarios.py`` and ``scripts/render_scenarios.py``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from matcher.geo import distance_miles, zip_point
from matcher.records import (
    Delivery,
    EducationLevel,
    PhysicalDemand,
    Program,
    ProgramType,
    RecordCategory,
    Sector,
    SeekerProfile,
    Support,
    TimeOfDay,
    parse_profile,
)

PROFILES = Path(__file__).parent / "profiles"

# --------------------------------------------------------------------------- one run


@dataclass(frozen=True)
class Item:
    """One recommended program: the engine's record and the catalog program it names."""

    rec: Any  # matcher.engine.Recommendation
    program: Program
    shared_checks: tuple[str, ...] = ()  # checks the list says once for this program and others

    @property
    def label(self) -> str:
        return f"#{self.rec.rank} {self.program.id} ({self.program.name})"

    def blocker(self, requirement: str) -> Any | None:
        return next((b for b in self.rec.blockers if b.requirement == requirement), None)


@dataclass
class Seen:
    """One scenario run: the top 10 and every eligible program (``top=None``)."""

    profile: SeekerProfile
    raw: dict[str, Any]
    engine: Any  # a fitted matcher.engine.Recommender
    programs: Mapping[str, Program]

    @cached_property
    def result(self) -> Any:
        return self.engine.recommend(self.raw, top=10)

    @cached_property
    def everything(self) -> Any:
        return self.engine.recommend(self.raw, top=None)

    @cached_property
    def skill_ids(self) -> frozenset[str]:
        """The person's skills as canonical IDs (the engine's own normalizer reads the free text)."""
        return frozenset(self.engine.resolver_.resolve(self.raw).skill_ids)

    def _items(self, result: Any, n: int | None = None) -> list[Item]:
        recs = result.items[:n] if n is not None else result.items
        return [Item(r, self.programs[r.program_id],
                     tuple(c.message for c in result.shared_checks if r.rank in c.ranks)) for r in recs]

    def top(self, n: int = 10) -> list[Item]:
        return self._items(self.result, n)

    def all(self) -> list[Item]:
        return self._items(self.everything)

    def rerun(self, **changes: Any) -> Any:
        """Every eligible program for the same person with some answers changed."""
        return self.engine.recommend({**self.raw, **changes}, top=None)


Verify = Callable[[Seen], list[str]]
Pred = Callable[[Item], bool]


@dataclass(frozen=True)
class Check:
    says: str  # what the coach insists on, in plain words
    verify: Verify
    xfail: str | None = None


@dataclass(frozen=True)
class Scenario:
    key: str
    person: str
    checks: tuple[Check, ...]

    @property
    def profile_path(self) -> Path:
        return PROFILES / f"{self.key}.json"

    def raw_profile(self) -> dict[str, Any]:
        return json.loads(self.profile_path.read_text(encoding="utf-8"))

    def profile(self) -> SeekerProfile:
        return parse_profile(self.raw_profile())


# --------------------------------------------------------------------------- check builders


def every(n: int | None, pred: Pred, says: str, *, xfail: str | None = None) -> Check:
    """Every program in the top ``n`` (None: in the whole eligible list) satisfies ``pred``."""

    def verify(seen: Seen) -> list[str]:
        items = seen.all() if n is None else seen.top(n)
        return [f"{i.label} does not satisfy: {says}" for i in items if not pred(i)]

    return Check(says, verify, xfail)


def some(n: int, pred: Pred, says: str, *, xfail: str | None = None) -> Check:
    """At least one program in the top ``n`` satisfies ``pred``."""
    return at_least(1, n, pred, says, xfail=xfail)


def at_least(k: int, n: int, pred: Pred, says: str, *, xfail: str | None = None) -> Check:
    def verify(seen: Seen) -> list[str]:
        items = seen.top(n)
        hits = [i for i in items if pred(i)]
        if len(hits) >= k:
            return []
        shown = "; ".join(i.label for i in items) or "nothing"
        return [f"only {len(hits)} of the top {n} satisfy it (needed {k}); top {n}: {shown}"]

    return Check(says, verify, xfail)


def never(pred: Pred, says: str, *, xfail: str | None = None) -> Check:
    """No program in the whole eligible list satisfies ``pred``."""

    def verify(seen: Seen) -> list[str]:
        return [f"{i.label} appears" for i in seen.all() if pred(i)]

    return Check(says, verify, xfail)


def custom(says: str, verify: Verify, *, xfail: str | None = None) -> Check:
    return Check(says, verify, xfail)


# --------------------------------------------------------------------------- program attribute predicates


def paid(i: Item) -> bool:
    return i.program.paid.is_paid


def offers(*supports: Support) -> Pred:
    return lambda i: any(s in i.program.supports for s in supports)


def in_sectors(*sectors: Sector) -> Pred:
    return lambda i: i.program.sector in sectors


def of_type(*types: ProgramType) -> Pred:
    return lambda i: i.program.type in types


def targets(*socs: str) -> Pred:
    return lambda i: any(c in i.program.target_occupations for c in socs)


def taught_in(lang: str) -> Pred:
    return lambda i: lang in i.program.languages


def online(i: Item) -> bool:
    return i.program.location.delivery is Delivery.ONLINE


def needs_license(i: Item) -> bool:
    return i.program.prerequisites.drivers_license


def requires_skill(skill_id: str) -> Pred:
    return lambda i: skill_id in i.program.prerequisites.skills


def screens_out(*categories: RecordCategory, recent_only: bool = False) -> Pred:
    """The program's background check screens out any of ``categories`` for ever (with the
    usual hierarchy: 'any conviction' covers everything, 'felony' covers the felony kinds,
    'crimes against vulnerable people' covers sex offences); with ``recent_only``, those it
    screens out only within a look-back period ("no felony in the last 7 years")."""
    wanted = set(categories)
    felonies = {RecordCategory.FELONY, RecordCategory.VIOLENT_FELONY, RecordCategory.SEX_OFFENSE}

    def pred(i: Item) -> bool:
        pre = i.program.prerequisites
        excl = {c for c in pre.background_exclusions if (c in pre.background_lookback_years) == recent_only}
        covered = set(excl)
        if RecordCategory.ANY_CONVICTION in excl:
            covered |= set(RecordCategory)
        if RecordCategory.FELONY in excl:
            covered |= felonies
        if RecordCategory.CRIMES_AGAINST_VULNERABLE in excl:
            covered.add(RecordCategory.SEX_OFFENSE)
        return bool(covered & wanted)

    return pred


def flagged_with(requirement: str, remedy: str) -> Pred:
    """Kept only because of a remedy: a blocker for ``requirement`` whose remedy is ``remedy``."""
    return lambda i: (b := i.blocker(requirement)) is not None and b.remedy == remedy


def either(*preds: Pred) -> Pred:
    return lambda i: any(p(i) for p in preds)


def negate(pred: Pred) -> Pred:
    return lambda i: not pred(i)


def meets_at(time: TimeOfDay) -> Pred:
    return lambda i: time in i.program.schedule.times or i.program.schedule.self_paced


def in_county(*counties: str) -> Pred:
    return lambda i: i.program.location.county in counties


def within_miles(zip_code: str, miles: float) -> Pred:
    """Online programs, or in-person/hybrid ones whose site is within ``miles`` of ``zip_code``
    (great-circle distance from the reference ZIP points, computed here, not by the engine)."""
    home = zip_point(zip_code)
    assert home is not None, zip_code

    def pred(i: Item) -> bool:
        loc = i.program.location
        if loc.delivery is Delivery.ONLINE:
            return True
        point = (loc.latitude, loc.longitude) if loc.latitude is not None else zip_point(loc.zip)
        if point is None:
            return False
        d = distance_miles(home[0], home[1], np.array([point[0]]), np.array([point[1]]))[0]
        return bool(d <= miles)

    return pred


def iwt_only_for_own_job(*current_jobs: str) -> Pred:
    """Incumbent-worker training is for people already employed in the job it upgrades:
    acceptable only when it targets one of the person's current occupations."""
    return lambda i: i.program.type is not ProgramType.INCUMBENT_WORKER or targets(*current_jobs)(i)


def youth_program(i: Item) -> bool:
    return i.program.type is ProgramType.YOUTH


# --------------------------------------------------------------------------- "no silent requirement"


def silent_requirements(item: Item, profile: SeekerProfile, skill_ids: frozenset[str]) -> list[str]:
    """Requirements of ``item`` the person is not known to meet and that the engine
    names neither as a blocker (with remedy) nor as something to check or a skill gap."""
    p, rec = item.program, item.rec
    pre = p.prerequisites
    checks = " | ".join((*rec.checks, *item.shared_checks)).lower()
    blockers = {b.requirement for b in rec.blockers}
    gaps = {g.skill_id for g in rec.skill_gaps if g.kind == "required"}
    missing: list[str] = []

    def need(name: str, known_met: bool, *, blocker: str | None = None, words: tuple[str, ...] = ()) -> None:
        if known_met or (blocker and blocker in blockers) or any(w in checks for w in words):
            return
        missing.append(name)

    if pre.min_age:
        need(f"minimum age {pre.min_age}", profile.age is not None and profile.age >= pre.min_age,
             words=(f"at least {pre.min_age}", f"ages {pre.min_age}-"))
    if pre.max_age is not None:
        need(f"maximum age {pre.max_age}", profile.age is not None and profile.age <= pre.max_age,
             words=(f"-{pre.max_age};", f"up to {pre.max_age}"))
    if pre.must_be_employed:
        need("already employed", profile.employment_status is not None and profile.employment_status.is_employed,
             words=("already working",))
    if pre.drivers_license:
        # Known to hold one only when a license or CDL is among the skills the normalizer resolved.
        need("driver's license", bool(skill_ids & {"cred:drivers-license", "cred:cdl-a", "cred:cdl-b"}),
             blocker="drivers_license", words=("driver's license",))
    if pre.background_check:
        # Never known to be met: the categories are coarse, so even a check that does not
        # screen out the person's record type is named (for everyone, with or without a record).
        need("background check", False, blocker="background", words=("background check",))
    if pre.drug_test:
        need("drug test", profile.can_pass_drug_test is True, words=("drug test",))
    if pre.work_authorization:
        need("work authorization", profile.work_authorized is True, words=("work in the us",))
    if pre.min_education is not EducationLevel.NONE:
        need(f"education {pre.min_education.value}",
             profile.education is not None and profile.education.rank >= pre.min_education.rank,
             blocker="education", words=(pre.min_education.label.lower(),))
    if pre.min_reading_grade:
        need("reading level", profile.reading_grade is not None and profile.reading_grade >= pre.min_reading_grade,
             blocker="reading_level", words=("reading at grade",))
    if pre.min_math_grade:
        need("math level", profile.math_grade is not None and profile.math_grade >= pre.min_math_grade,
             blocker="math_level", words=("math at grade",))
    if pre.physical_demand is not None and pre.physical_demand.rank >= PhysicalDemand.MEDIUM.rank:
        need("physical demand", profile.max_physical_demand is not None
             and profile.max_physical_demand.rank >= pre.physical_demand.rank,
             blocker="physical_demand", words=("physically demanding",))
    if not p.schedule.self_paced:
        need("schedule outside availability", set(p.schedule.times) <= set(profile.availability.times),
             words=("also meets at",))
    if not p.cost.is_free:
        need("tuition", profile.max_cost_usd is not None and profile.max_cost_usd >= p.cost.tuition_usd,
             blocker="cost", words=("tuition",))
    if not set(p.languages) & set(profile.languages):
        need("language", False, blocker="language")
    for skill in pre.skills:
        if skill not in gaps and skill not in skill_ids:
            missing.append(f"starting skill {skill}")
    return missing


def no_silent_requirement(items: Callable[[Seen], list[Item]], says: str, *, only: str | None = None,
                          xfail: str | None = None) -> Check:
    """Every requirement the person is not known to meet is named (optionally only those named ``only``)."""

    def verify(seen: Seen) -> list[str]:
        out = []
        for item in items(seen):
            silent = [s for s in silent_requirements(item, seen.profile, seen.skill_ids) if only is None or s == only]
            if silent:
                out.append(f"{item.label}: nothing says {', '.join(silent)}")
        return out

    return Check(says, verify, xfail)


# --------------------------------------------------------------------------- comparison checks


def rank_of(result: Any, program_id: str) -> int | None:
    return next((r.rank for r in result.items if r.program_id == program_id), None)


def _scores(result: Any) -> dict[str, float]:
    return {r.program_id: r.score for r in result.items}


def accommodations_rank_higher(seen: Seen) -> list[str]:
    """Adding the accommodation barrier raises every program offering accommodations and lowers none."""
    without = _scores(seen.rerun(barriers=[]))
    with_ = _scores(seen.everything)
    problems = []
    for pid, score in with_.items():
        if pid not in without:
            continue
        offers_it = Support.ACCOMMODATIONS in seen.programs[pid].supports
        if score < without[pid] - 1e-9:
            problems.append(f"{pid} scores lower with the barrier ({score} < {without[pid]})")
        if offers_it and not score > without[pid]:
            problems.append(f"{pid} offers accommodations but did not gain ({score} vs {without[pid]})")
    return problems


def credential_holder_ranks_higher(skill_text: str, skill_id: str) -> Verify:
    """Programs that require ``skill_id`` rank higher for the person holding it than without it."""

    def verify(seen: Seen) -> list[str]:
        without = seen.rerun(skills=[s for s in seen.raw.get("skills", []) if s != skill_text])
        problems = []
        needing = [pid for pid, p in seen.programs.items() if skill_id in p.prerequisites.skills]
        for pid in needing:
            have, lack = rank_of(seen.everything, pid), rank_of(without, pid)
            if have is None and lack is None:
                continue  # closed to this person for another reason (skills never change eligibility)
            if have is None:
                problems.append(f"{pid} needs {skill_id} but is missing for the holder")
            elif lack is not None and not have < lack:
                problems.append(f"{pid} ranks #{have} with {skill_id}, #{lack} without")
        return problems

    return verify


def license_remedy_named(seen: Seen) -> list[str]:
    """Every license-requiring program kept for a suspended license names reinstatement help."""
    problems = []
    items = [i for i in seen.all() if needs_license(i)]
    if not any(needs_license(i) for i in seen.top(10)):
        problems.append("no license-requiring program kept in the top 10 even where reinstatement help exists")
    for i in items:
        b = i.blocker("drivers_license")
        if b is None:
            problems.append(f"{i.label} needs a license but is not flagged")
        elif b.remedy != Support.LICENSE_REINSTATEMENT.value or "reinstat" not in b.message:
            problems.append(f"{i.label} flagged with {b.remedy!r} ({b.message!r}), not reinstatement")
        if Support.LICENSE_REINSTATEMENT not in i.program.supports and b is not None and b.provided_by == "program":
            problems.append(f"{i.label} claims the program offers reinstatement help but it does not")
    return problems


def not_asked_about(*phrases: str) -> Verify:
    """None of the top 10 asks the coach to check something the intake already answered."""

    def verify(seen: Seen) -> list[str]:
        return [f"{i.label} asks: {c!r}" for i in seen.top(10) for c in i.rec.checks
                if any(ph in c.lower() for ph in phrases)]

    return verify


def distinct_providers(min_count: int, max_per_provider: int) -> Verify:
    def verify(seen: Seen) -> list[str]:
        counts = Counter(i.program.provider for i in seen.top(10))
        problems = []
        if len(counts) < min_count:
            problems.append(f"only {len(counts)} providers in the top 10: {dict(counts)}")
        problems += [f"{prov} has {n} of the top 10" for prov, n in counts.items() if n > max_per_provider]
        return problems

    return verify


def list_length(n: int) -> Verify:
    return lambda seen: [] if len(seen.result.items) == n else [f"{len(seen.result.items)} recommendations, not {n}"]


def covers_sectors(n: int, *sectors: Sector) -> Verify:
    def verify(seen: Seen) -> list[str]:
        present = {i.program.sector for i in seen.top(n)}
        return [f"no {s.value} program in the top {n}" for s in sectors if s not in present]

    return verify


def _bridge_first(seen: Seen) -> list[str]:
    """A bridge first: the best pre-apprenticeship ranks above apprenticeships needing tutoring."""
    items = seen.all()
    pre = [i for i in items if i.program.type is T.PRE_APPRENTICESHIP]
    needs_tutoring = [i for i in items if i.program.type is T.REGISTERED_APPRENTICESHIP
                      and i.blocker("reading_level") is not None]
    if not pre:
        return ["no pre-apprenticeship offered"]
    best = pre[0].rec.rank
    return [f"{i.label} ranks above the best pre-apprenticeship (#{best})" for i in needs_tutoring
            if i.rec.rank < best]


def _lookback_closes_when_recent(seen: Seen) -> list[str]:
    """The same person with a felony 3 years ago: every 'no felony in 7 years' program is gone or
    flagged with record clearing (a felony can be set aside)."""
    recent = seen.rerun(years_since_conviction=3)
    out = []
    for rec in recent.items:
        p = seen.programs[rec.program_id]
        years = p.prerequisites.background_lookback_years
        if RecordCategory.FELONY in years and years[RecordCategory.FELONY] > 3 and not any(
                b.requirement == "background" and b.remedy == Support.RECORD_EXPUNGEMENT.value for b in rec.blockers):
            out.append(f"{p.id} still shown, unflagged, for a felony 3 years ago")
    return out


def _ged_status_opens_with_a_named_path(seen: Seen) -> list[str]:
    """Working on a GED keeps diploma-minimum programs, each flagged 'you can start once you pass';
    typing GED as a credential counts as the diploma (no education blocker, none left out for it)."""
    out = []
    working = seen.rerun(working_on_ged=True)
    flagged = [r for r in working.items if any(b.requirement == "education" for b in r.blockers)]
    if not flagged:
        out.append("working on a GED opened no diploma-minimum program")
    for r in flagged:
        b = next(b for b in r.blockers if b.requirement == "education")
        if b.provided_by not in ("seeker", "program") or "GED" not in b.message:
            out.append(f"{r.program_id}: education blocker does not name the GED path: {b.message}")
    has_ged = seen.rerun(skills=["GED"])
    diploma = seen.rerun(education=EducationLevel.HS_DIPLOMA_OR_GED.value)
    if set(has_ged.ids) != set(diploma.ids):
        out.append("typing GED as a credential does not open the same programs as a diploma")
    if any(b.requirement == "education" for r in has_ged.items for b in r.blockers):
        out.append("with GED typed as a credential, an education blocker remains")
    return out


def _no_record_clearing_offered(seen: Seen) -> list[str]:
    """Record clearing cannot remove a violent felony: nothing offers it, arranges it, or names it as a remedy."""
    out = []
    words = Support.RECORD_EXPUNGEMENT.label
    for rec in seen.everything.items:
        said = [*rec.reasons, *(s.message for s in rec.supports), *(b.message for b in rec.blockers)]
        if any(words in line for line in said):
            out.append(f"{rec.program_id} names {words}")
    out += [f"the list asks to arrange: {s.message}" for s in seen.result.to_arrange if words in s.message]
    return out


def _transit_reach_follows_the_lines(seen: Seen) -> list[str]:
    """A transit rider with no stated limit: off the transit lines, nothing beyond 15 miles; on them,
    nothing beyond 22.5 (15 x the board's transit_line_factor of 1.5) unless flagged with
    transportation help; and at least one program between 15 and 22.5 miles on a line is kept."""
    home = zip_point("97266")
    assert home is not None
    out = []
    stretched = 0
    for i in seen.all():
        point = zip_point(i.program.location.zip or "") if i.program.location.delivery is not Delivery.ONLINE \
            else None
        if point is None:
            continue
        d = float(distance_miles(home[0], home[1], np.array([point[0]]), np.array([point[1]]))[0])
        flagged = i.blocker("distance") is not None
        limit = 22.5 if i.program.location.transit_access else 15.0
        if d > limit + 0.05 and not flagged:
            out.append(f"{i.label} is {d:.1f} miles away ({'on' if limit > 15 else 'off'} a transit line)")
        stretched += 15.0 < d <= 22.5 and i.program.location.transit_access and not flagged
    if not stretched:
        out.append("no program between 15 and 22.5 miles on a transit line was kept")
    return out


def _held_credential_ranks_lower_and_says_why(seen: Seen) -> list[str]:
    """Shown programs whose main credential she already holds carry the note saying so."""
    out = []
    for i in seen.top(10):
        creds = i.program.credentials_awarded
        if creds and creds[0] in seen.skill_ids and not any("already hold" in n for n in i.rec.notes):
            out.append(f"{i.label} awards {creds[0]}, which she holds, with no note saying so")
    return out


def housing_named_everywhere(seen: Seen) -> list[str]:
    """Every top-5 program offers housing help (under Why or Supports) or the list tells the
    coach to arrange it for that program."""
    housing = (Support.HOUSING_REFERRAL, Support.EMERGENCY_FUNDS)
    arranged = {rank for s in seen.result.to_arrange if s.barrier == "homeless" for rank in s.ranks}
    out = []
    for i in seen.top(5):
        offered = any(s.barrier == "homeless" and s.support in {h.value for h in housing} for s in i.rec.supports) \
            or any(f"Offers {h.label}" in i.rec.reasons for h in housing)
        if not offered and i.rec.rank not in arranged:
            out.append(f"{i.label} says nothing about housing")
    return out


S = Sector
T = ProgramType
U = Support

# --------------------------------------------------------------------------- the scenarios

SCENARIOS: tuple[Scenario, ...] = (
    Scenario("evening_parent_no_license",
             "Rockwood (Multnomah) parent of two, no license, no car, evenings only, needs income now", (
                 every(None, meets_at(TimeOfDay.EVENING), "nothing that meets only in the day or on weekends"),
                 every(None, either(negate(needs_license), flagged_with("drivers_license", U.DRIVERS_ED.value)),
                       "a program needing a license appears only flagged with license help as the remedy"),
                 some(3, offers(U.CHILDCARE), "at least one of the top 3 offers childcare"),
                 at_least(4, 5, paid, "at least 4 of the top 5 pay a wage or stipend"),
                 every(5, iwt_only_for_own_job("31-1121.00"),
                       "no 'upskilling for current workers' program she is not employed in"),
             )),
    Scenario("justice_involved_welder",
             "North Portland welder with a (non-violent) felony, wants manufacturing or construction", (
                 every(None, either(negate(screens_out(RecordCategory.FELONY)),
                                    flagged_with("background", U.RECORD_EXPUNGEMENT.value)),
                       "nothing whose background check screens out a felony, unless flagged with record clearing"),
                 every(None, lambda i: not screens_out(RecordCategory.FELONY, recent_only=True)(i)
                       or "how many years ago" in " ".join((*i.rec.checks, *i.shared_checks)),
                       "a check screening out only recent felonies asks how long ago his was (he did not say)"),
                 every(5, in_sectors(S.ADVANCED_MANUFACTURING, S.CONSTRUCTION),
                       "top 5 all in manufacturing or construction"),
                 some(3, targets("51-4121.00"), "a welding program is in the top 3"),
                 at_least(4, 5, paid, "at least 4 of the top 5 pay (he needs income)"),
                 no_silent_requirement(
                     Seen.all, "every background check that does not say what it screens out is named as a check",
                     only="background check"),
             )),
    Scenario("demo_welder",
             "The demo's welder (MIG and stick, welder then warehouse), felony and drug record, needs income", (
                 some(3, targets("51-4121.00"), "a welding program is in the top 3"),
                 every(5, in_sectors(S.ADVANCED_MANUFACTURING, S.CONSTRUCTION),
                       "top 5 all in manufacturing or construction"),
             )),
    Scenario("lookback_felony_nine_years",
             "Hillsboro production worker whose felony was 9 years ago, manufacturing", (
                 some(10, screens_out(RecordCategory.FELONY, recent_only=True),
                      "a program screening out only felonies in the last 7 years is open to him (top 10)"),
                 every(None, lambda i: i.blocker("background") is None
                       or not screens_out(RecordCategory.FELONY, recent_only=True)(i),
                       "a 7-year look-back is no blocker for a 9-year-old felony"),
                 custom("the same person with a felony 3 years ago loses those programs (or sees record clearing)",
                        _lookback_closes_when_recent),
             )),
    Scenario("ged_waiver_no_diploma",
             "North Portland 22-year-old without a diploma, construction, needs income", (
                 every(None, lambda i: i.program.prerequisites.min_education.rank
                       <= EducationLevel.SOME_HIGH_SCHOOL.rank or flagged_with("education", U.GED_PREP.value)(i),
                       "nothing needing a diploma unless the program helps him earn a GED"),
                 some(10, flagged_with("education", U.GED_PREP.value),
                      "a diploma-minimum program that helps with the GED is in the top 10"),
                 custom("working on a GED, or typing GED as a credential, opens diploma programs with the path named",
                        _ged_status_opens_with_a_named_path),
             )),
    Scenario("phone_only_online_learner",
             "Oakridge learner with a phone but no computer, online OK, technology or healthcare", (
                 every(None, lambda i: i.program.location.delivery is Delivery.IN_PERSON
                       or flagged_with("digital_access", U.LAPTOP_LOAN.value)(i),
                       "no online or hybrid program unless it lends a laptop (flagged)"),
                 some(5, flagged_with("digital_access", U.LAPTOP_LOAN.value),
                      "an online program with a loaner laptop is in the top 5"),
             )),
    Scenario("transit_rider_no_limit",
             "Lents rider with no car and no stated limit, manufacturing or logistics", (
                 custom("transit reach: farther along transit lines, not off them", _transit_reach_follows_the_lines),
             )),
    Scenario("light_work_limit",
             "Former laborer limited to light work, construction or manufacturing", (
                 every(None, lambda i: (i.program.prerequisites.physical_demand or PhysicalDemand.SEDENTARY).rank
                       <= PhysicalDemand.LIGHT.rank or i.program.prerequisites.accommodates_physical_limits,
                       "nothing heavier than light work unless the program says it can adjust the work"),
                 never(lambda i: i.program.prerequisites.physical_demand is PhysicalDemand.HEAVY,
                       "no heavy-work program at all"),
                 custom("still at least 5 options", lambda seen: [] if len(seen.result.items) >= 5
                        else [f"only {len(seen.result.items)} options"]),
             )),
    Scenario("violent_felony_record",
             "Gresham warehouse worker with a violent felony, logistics or construction", (
                 never(screens_out(RecordCategory.VIOLENT_FELONY), "nothing that screens out a violent felony"),
                 custom("record clearing is never offered: it cannot clear a violent felony",
                        _no_record_clearing_offered),
             )),
    Scenario("teen_healthcare",
             "17-year-old in Eugene still in high school, interested in nursing assistant work", (
                 never(lambda i: (i.program.prerequisites.min_age or 0) > 17, "no adult-only (18+) program, ever"),
                 every(2, in_sectors(S.HEALTHCARE), "the top 2 are healthcare youth pathways"),
                 every(None, youth_program, "only youth programs (the only ones open at 17)"),
             )),
    Scenario("spanish_early_learning_aide",
             "Cornelius (Washington County) child-care aide, Spanish first, limited English, wants preschool work", (
                 every(None, either(taught_in("es"), offers(U.LANGUAGE_SUPPORT)),
                       "every program is taught in Spanish or offers language support"),
                 some(3, taught_in("es"), "a Spanish-taught program is in the top 3"),
                 every(3, in_sectors(S.EARLY_LEARNING), "top 3 all in early learning"),
                 every(10, negate(youth_program), "no youth program for a 38-year-old"),
             )),
    Scenario("laid_off_semiconductor_tech",
             "Hillsboro semiconductor tech laid off, cleanroom and IPC-A-610 experience, associate degree", (
                 every(3, in_sectors(S.ADVANCED_MANUFACTURING), "top 3 all in advanced manufacturing"),
                 some(3, targets("51-9141.00"), "a semiconductor program is in the top 3"),
                 every(10, negate(youth_program), "no youth program for a 46-year-old"),
             )),
    Scenario("suspended_license_trades",
             "Gresham laborer with a suspended license, wants construction or clean energy", (
                 custom("license-requiring programs are kept, flagged, with reinstatement help named as the remedy",
                        license_remedy_named),
                 every(5, in_sectors(S.CONSTRUCTION, S.CLEAN_ENERGY), "top 5 all in construction or clean energy"),
             )),
    Scenario("kiosk_zip_and_two_interests",
             "Kiosk user: only a North Portland ZIP and two interests (technology, clean energy)", (
                 custom("ten recommendations come back", list_length(10)),
                 every(10, in_sectors(S.TECHNOLOGY, S.CLEAN_ENERGY), "all ten in the two fields picked"),
                 custom("both fields appear in the top 10", covers_sectors(10, S.TECHNOLOGY, S.CLEAN_ENERGY)),
                 custom("a mix: at least 3 providers and none with more than 4 of the 10", distinct_providers(3, 4)),
             )),
    Scenario("full_coach_intake",
             "Beaverton warehouse worker, full intake: wants CNC, day/evening, 20 miles, needs pay, can pay $0", (
                 some(3, targets("51-4041.00", "51-9161.00"), "a CNC machining program is in the top 3"),
                 every(5, paid, "every program in the top 5 pays a wage or stipend"),
                 every(None, within_miles("97005", 20), "nothing farther than 20 miles"),
                 every(None, lambda i: i.program.cost.is_free or i.blocker("cost") is not None,
                       "anything with tuition is flagged with the funding that covers it"),
                 custom("nothing asks again about age, drug test, work permit, schooling or reading",
                        not_asked_about("confirm your age", "drug test", "work in the us", "check your schooling",
                                        "a skills test")),
             )),
    Scenario("homeless_veteran",
             "Downtown Portland veteran, homeless, no car, long unemployed, needs paid training", (
                 every(5, paid, "every program in the top 5 pays a wage or stipend"),
                 custom("each of the top 5 offers housing help or tells the coach to arrange it",
                        housing_named_everywhere),
                 some(3, offers(U.HOUSING_REFERRAL), "at least one of the top 3 offers housing referrals"),
                 every(10, iwt_only_for_own_job(), "no incumbent-worker program for someone long unemployed"),
             )),
    Scenario("lane_single_mother",
             "Springfield (Lane) single mother of two, 30 miles by car at most, healthcare", (
                 every(None, either(online, in_county("Lane County")),
                       "no in-person program outside Lane County (Portland is out of reach)"),
                 some(5, offers(U.CHILDCARE), "at least one of the top 5 offers childcare"),
                 every(10, negate(youth_program), "no youth program for a 26-year-old"),
             )),
    Scenario("transit_ten_miles",
             "Lents (SE Portland) warehouse worker with no car, transit only, 10 miles at most", (
                 every(None, either(within_miles("97266", 10), flagged_with("distance", U.TRANSPORTATION.value)),
                       "nothing beyond 10 miles unless flagged with transportation help"),
                 every(5, either(online, lambda i: i.program.location.transit_access,
                                 offers(U.TRANSIT_PASS, U.TRANSPORTATION)),
                       "every top-5 program is on a transit line or helps with transport"),
             )),
    Scenario("rural_online_learner",
             "Oakridge (rural Lane) learner, 10 miles by car at most, happy to learn online", (
                 every(None, within_miles("97463", 10), "no in-person program beyond 10 miles"),
                 every(3, online, "top 3 are online"),
                 custom("at least 5 options come back", lambda seen: [] if len(seen.result.items) >= 5
                        else [f"only {len(seen.result.items)} options"]),
             )),
    Scenario("basic_skills_apprenticeship",
             "North Portland landscaper reading and doing math at grade 6, wants carpentry", (
                 every(None, lambda i: (i.program.prerequisites.min_reading_grade or 0) <= 6
                       or flagged_with("reading_level", U.TUTORING.value)(i),
                       "anything expecting reading above grade 6 is flagged with tutoring as the remedy"),
                 every(3, lambda i: i.program.type in (T.PRE_APPRENTICESHIP, T.YOUTH, T.OJT, T.WORK_EXPERIENCE)
                       or (i.program.prerequisites.min_reading_grade or 0) <= 6,
                       "top 3 are bridge programs (pre-apprenticeship, OJT...) or within his reading level"),
                 custom("the best pre-apprenticeship ranks above every apprenticeship he needs tutoring for",
                        _bridge_first),
             )),
    Scenario("cna_moving_up",
             "Clackamas CNA, evenings and weekends, wants medication aide / LPN track", (
                 every(5, in_sectors(S.HEALTHCARE), "top 5 all in healthcare"),
                 custom("no open-enrolment course in the top 5 only re-teaches credentials she holds (CNA, CPR)",
                        lambda seen: [f"{i.label} awards only {i.program.credentials_awarded}" for i in seen.top(5)
                                      if i.program.type is not T.INCUMBENT_WORKER
                                      and set(i.program.credentials_awarded) <= seen.skill_ids]),
                 every(5, iwt_only_for_own_job("31-1131.00"),
                       "'upskilling for current workers' only for her own job (nursing assistant)"),
                 every(3, lambda i: not (i.program.credentials_awarded
                                         and i.program.credentials_awarded[0] in {"cred:cna", "cred:first-aid-cpr"}),
                       "nothing in the top 3 whose main credential she already holds (the CNA course ranks below "
                       "the programs that move her up)"),
                 some(3, targets("29-2061.00"), "a practical nursing (LPN) program is in the top 3"),
                 custom("a program repeating a credential she holds says so when shown",
                        _held_credential_ranks_lower_and_says_why),
             )),
    Scenario("forklift_to_cdl",
             "NE Portland warehouse worker with a forklift card and a driver's license, wants CDL", (
                 every(2, targets("53-3032.00"), "the top 2 are CDL (heavy truck) programs"),
                 every(10, lambda i: i.blocker("drivers_license") is None, "nothing flagged for a license he has"),
                 custom("he is not asked again whether he has a driver's license",
                        not_asked_about("ask if you have one")),
             )),
    Scenario("cannot_pass_drug_test",
             "NE Portland laborer who cannot pass a drug test yet, construction or manufacturing", (
                 never(lambda i: i.program.prerequisites.drug_test, "nothing that requires a drug test, ever"),
                 custom("still at least 5 options", lambda seen: [] if len(seen.result.items) >= 5
                        else [f"only {len(seen.result.items)} options"]),
             )),
    Scenario("sex_offense_early_learning",
             "Gresham man with a sex-offense felony who asks about early learning", (
                 never(in_sectors(S.EARLY_LEARNING), "no child-care or early-learning program, ever"),
                 never(lambda i: i.program.sector is S.EARLY_LEARNING and screens_out(
                     RecordCategory.SEX_OFFENSE, RecordCategory.CRIMES_AGAINST_VULNERABLE)(i),
                       "no early-learning program screening out sex offenses or crimes against vulnerable people"),
                 never(lambda i: screens_out(RecordCategory.SEX_OFFENSE)(i) and i.blocker("background") is None,
                       "nothing whose background check screens out sex offenses, unless flagged"),
                 every(None, lambda i: not screens_out(RecordCategory.CRIMES_AGAINST_VULNERABLE)(i)
                       or "background check" in " ".join(i.rec.checks).lower(),
                       "a program screening out crimes against vulnerable people carries a warning to check his "
                       "offence against it"),
                 custom("still at least 5 other options", lambda seen: [] if len(seen.result.items) >= 5
                        else [f"only {len(seen.result.items)} options"]),
             )),
    Scenario("weekend_only",
             "Aloha (Washington County) retail worker free only on weekends", (
                 every(None, meets_at(TimeOfDay.WEEKEND), "everything meets on weekends or is self-paced"),
                 every(5, iwt_only_for_own_job("41-2031.00"),
                       "no 'upskilling for current workers' program in a job she does not hold"),
             )),
    Scenario("can_pay_nothing",
             "NE Portland low-income learner who can pay nothing, technology or healthcare", (
                 every(None, lambda i: i.program.cost.is_free or bool(i.program.cost.funding),
                       "nothing with tuition and no way to cover it"),
                 every(None, lambda i: i.program.cost.is_free or i.blocker("cost") is not None,
                       "anything with tuition is flagged with the funding that would cover it"),
                 at_least(2, 3, lambda i: i.program.cost.is_free, "at least 2 of the top 3 are free"),
             )),
    Scenario("disability_accommodation",
             "SE Portland customer-service worker needing accommodations, light work only", (
                 custom("adding the accommodation need raises programs that offer accommodations, lowers none",
                        accommodations_rank_higher),
                 some(3, offers(U.ACCOMMODATIONS), "at least one of the top 3 offers accommodations"),
                 every(None, lambda i: (i.program.prerequisites.physical_demand or PhysicalDemand.SEDENTARY).rank
                       <= PhysicalDemand.LIGHT.rank or flagged_with("physical_demand", U.ACCOMMODATIONS.value)(i),
                       "nothing heavier than light work unless accommodations are the named remedy"),
             )),
    Scenario("it_changer_with_a_plus",
             "Tigard retail worker with CompTIA A+, wants network support", (
                 some(3, requires_skill("cred:comptia-a-plus"), "a program that builds on A+ is in the top 3"),
                 custom("programs needing A+ rank higher than for the same person without it",
                        credential_holder_ranks_higher("CompTIA A+", "cred:comptia-a-plus")),
                 every(3, in_sectors(S.TECHNOLOGY), "top 3 all in technology"),
             )),
    Scenario("vietnamese_speaker",
             "Lents electronics assembler, Vietnamese first, limited English", (
                 every(None, either(taught_in("vi"), offers(U.LANGUAGE_SUPPORT)),
                       "every program is taught in Vietnamese or offers language support"),
                 some(3, taught_in("vi"), "a Vietnamese-taught program is in the top 3"),
             )),
    Scenario("laborer_to_electrician",
             "North Portland laborer with OSHA 10 and flagger card, wants an electrical apprenticeship", (
                 some(3, targets("47-2111.00"), "an electrician program is in the top 3"),
                 every(1, targets("47-2111.00"), "the top program leads to electrician"),
                 every(1, negate(of_type(T.YOUTH, T.WORK_EXPERIENCE)),
                       "not a youth or entry work-experience slot first"),
             )),
    Scenario("clean_energy_newcomer_clark",
             "Vancouver WA 23-year-old, no experience, curious about clean energy", (
                 every(5, in_sectors(S.CLEAN_ENERGY), "top 5 all in clean energy"),
                 every(3, negate(of_type(T.INCUMBENT_WORKER)),
                       "no 'upskilling for current workers' program for someone with no job in the field"),
             )),
)


BY_KEY: dict[str, Scenario] = {s.key: s for s in SCENARIOS}
