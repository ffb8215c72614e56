"""A seeded generator of outcome history for the sample region (fictional people, real rules and wages).

It exists so the learning pipeline can be built, tested and demonstrated without
real participant records. It is *not* the model: its formulas work on raw program
and person fields (commute miles, session times, the exact support missing, a
hidden motivation and program quality) that the model never sees, and the model
must learn what it can from the records it writes. ``docs/learning.md`` tells the
generative story below in full, with the public figures its rates are set to match.

The story, per participant (all draws from one ``numpy`` generator seeded by ``seed``):

1. **Who comes in.** A person in one of the five service counties (population-weighted),
   a ZIP there, an age (WIOA adult caseload shape, 12% under 25), education, employment
   status, up to two past jobs from common entry occupations, skills and credentials that
   go with those jobs, one or two sector interests (often the sector of a past job),
   availability, travel modes, household, languages, and barriers at prevalences typical
   of WIOA adult caseloads. Reporting fields (sex, race/ethnicity, age band, disability,
   justice involvement) are drawn from regional shares; they are tied to circumstances
   only where the tie is definitional (disability and the need for accommodations, justice
   involvement and a record) or common in caseloads (single parents are mostly women), and
   never enter an outcome formula.
2. **Who enrolls where: a coach-like choice, not the optimum.** Among the programs the
   rules keep (the engine's eligibility, the rules in force), the coach considers 3 to 6:
   drawn with weight for the person's sector interest, nearness, published program outcome
   rates, paid training when the person needs income, and noise (Gumbel top-k). The person
   picks one of those by the same kind of utility plus their own taste. Coaches never see
   the true chances of success below.
3. **Why people complete or drop out** (the hidden truth, on raw fields): a base rate by
   type of training, the program's hidden quality (its published completion rate is a noisy
   measurement of it), motivation (hidden), sessions at times the person cannot make,
   childcare needed and not offered, income needed and the program unpaid, no car or license
   and the site off transit, commute miles, housing, language, reading/math help, and
   accommodations needed and not offered, prior skills the program asks for, a past job in
   the target field, interest in the sector, long programs, and case management for people
   with several barriers.
4. **What follows.** Employment in the 2nd quarter after exit for completers depends on the
   program's hidden placement quality, employer partners, a past job in the field, motivation
   and, for people with a record, background-checked fields; non-completers find work at a
   lower rate and never count as a success. Wages follow the program's starting wage (else the
   OEWS 25th percentile of its target occupations, May 2025, shipped) with person-level spread;
   non-completers earn near the OEWS 10th percentile of their past job. Q4 employment,
   credentials and related employment follow from those.

Dates: entries spread over program years 2019-2024 (July to June); outcomes are known when
the 2nd quarter after exit has passed by :data:`AS_OF`, so the latest long programs have none
yet (no outcome row), as in real reporting.

:func:`oracle_success` gives the true chance of success of any (person, program) pair from
the person's profile, the program and the hidden draws saved beside the history
(``oracle.csv.gz``): the evaluation's "true NDCG" ranks against it.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..catalog import Catalog, default_catalog
from ..paths import data_dir
from ..records import Barrier, Delivery, PaidKind, Program, ProgramType, Support, TimeOfDay, parse_profile
from .history import (
    AgeBand,
    Enrollment,
    History,
    Outcome,
    OverrideReason,
    Participant,
    RaceEthnicity,
    ReportingDemographics,
    Sex,
    age_band,
)

GENERATOR_VERSION = 1
AS_OF = dt.date(2026, 6, 30)
FIRST_ENTRY = dt.date(2019, 7, 1)
LAST_ENTRY = dt.date(2025, 6, 30)
#: Cohorts entering on or after this date were referred with the matcher (their rank is recorded).
PILOT_START = dt.date(2024, 7, 1)

# --------------------------------------------------------------------------- the region's people

COUNTY_SHARE = {"41051": 0.33, "41067": 0.24, "41005": 0.16, "53011": 0.13, "41039": 0.14}
COUNTY_NAME = {"41051": "Multnomah", "41067": "Washington", "41005": "Clackamas", "53011": "Clark",
               "41039": "Lane"}

#: Entry occupations people come from, with the skills that go with them and their sector.
PAST_JOBS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("41-2011.00", "hospitality", ("skill:cash-handling", "skill:customer-service")),
    ("41-2031.00", "hospitality", ("skill:customer-service", "skill:cash-handling")),
    ("35-2014.00", "hospitality", ("skill:food-prep", "cred:food-handler")),
    ("35-3023.00", "hospitality", ("skill:customer-service", "cred:food-handler")),
    ("53-7062.00", "transportation_logistics", ("skill:pallet-jack", "skill:warehouse-operations")),
    ("53-7065.00", "transportation_logistics", ("skill:inventory", "skill:pallet-jack")),
    ("53-7051.00", "transportation_logistics", ("cred:forklift", "skill:warehouse-operations")),
    ("53-3033.00", "transportation_logistics", ("skill:driving", "cred:drivers-license")),
    ("47-2061.00", "construction", ("skill:hand-tools", "skill:power-tools", "cred:osha-10")),
    ("37-2011.00", "other", ("skill:janitorial",)),
    ("37-3011.00", "other", ("skill:landscaping", "skill:hand-tools")),
    ("31-1122.00", "healthcare", ("skill:caregiving", "cred:first-aid-cpr")),
    ("31-1131.00", "healthcare", ("cred:cna", "skill:patient-care", "skill:vital-signs")),
    ("39-9011.00", "early_learning", ("skill:childcare", "cred:pediatric-first-aid-cpr")),
    ("43-4051.00", "technology", ("skill:customer-service", "skill:data-entry", "skill:ms-office")),
    ("43-9061.00", "technology", ("skill:data-entry", "skill:keyboarding", "skill:ms-office")),
    ("51-9198.00", "advanced_manufacturing", ("skill:assembly", "skill:machine-operation")),
    ("51-2092.00", "advanced_manufacturing", ("skill:assembly", "skill:quality-inspection")),
    ("51-4121.00", "advanced_manufacturing", ("skill:welding-mig", "skill:welding-stick")),
)
SECTORS = ("construction", "healthcare", "advanced_manufacturing", "clean_energy", "early_learning",
           "technology", "transportation_logistics")
SECTOR_WEIGHT = np.array([0.22, 0.24, 0.16, 0.10, 0.09, 0.11, 0.08])
GENERAL_SKILLS = ("skill:computer-basics", "skill:teamwork", "cred:first-aid-cpr", "skill:customer-service",
                  "cred:osha-10", "skill:keyboarding", "cred:ged")

#: Barrier prevalence in a WIOA adult caseload (approximate; see docs/learning.md).
BARRIER_RATE = {
    Barrier.LOW_INCOME: 0.45, Barrier.NO_CAR: 0.20, Barrier.CHILDCARE: 0.16, Barrier.SINGLE_PARENT: 0.14,
    Barrier.JUSTICE_INVOLVED: 0.11, Barrier.LONG_TERM_UNEMPLOYED: 0.15, Barrier.BASIC_SKILLS: 0.12,
    Barrier.DIGITAL_LITERACY: 0.09, Barrier.HOUSING_INSTABILITY: 0.08, Barrier.HOMELESS: 0.04,
    Barrier.NO_DRIVERS_LICENSE: 0.09, Barrier.SUSPENDED_LICENSE: 0.04, Barrier.LIMITED_ENGLISH: 0.07,
    Barrier.DISABILITY_ACCOMMODATION: 0.06, Barrier.FOSTER_CARE_YOUTH: 0.02, Barrier.CULTURAL_BARRIERS: 0.03,
    Barrier.DISPLACED_HOMEMAKER: 0.01,
}
RACE_SHARE = ((RaceEthnicity.WHITE, 0.64), (RaceEthnicity.HISPANIC_LATINO, 0.14), (RaceEthnicity.BLACK, 0.08),
              (RaceEthnicity.ASIAN, 0.07), (RaceEthnicity.AMERICAN_INDIAN_ALASKA_NATIVE, 0.025),
              (RaceEthnicity.NATIVE_HAWAIIAN_PACIFIC_ISLANDER, 0.015), (RaceEthnicity.NOT_SAID, 0.03))
LANGUAGES = (("es", 0.55), ("vi", 0.12), ("ru", 0.10), ("zh", 0.08), ("so", 0.08), ("uk", 0.07))
EDUCATION = (("none", 0.02), ("some_high_school", 0.12), ("hs_diploma_or_ged", 0.40), ("some_college", 0.24),
             ("postsecondary_certificate", 0.09), ("associate", 0.08), ("bachelor", 0.05))

# --------------------------------------------------------------------------- the hidden truth

#: Completion log-odds by type of training before everything else (roughly: OJT and incumbent worker
#: training mostly finish; registered apprenticeships lose about half; classroom training in between).
BASE_COMPLETION = {
    ProgramType.OJT: 1.45, ProgramType.INCUMBENT_WORKER: 1.7, ProgramType.CUSTOMIZED: 1.3,
    ProgramType.OCCUPATIONAL_SKILLS: 1.35, ProgramType.PRE_APPRENTICESHIP: 1.0,
    ProgramType.REGISTERED_APPRENTICESHIP: 1.7, ProgramType.WORK_EXPERIENCE: 1.05, ProgramType.YOUTH: 1.0,
}
#: Q2 employment log-odds for completers by type (OJT and apprenticeship completers are mostly employed already).
BASE_PLACEMENT = {
    ProgramType.OJT: 1.6, ProgramType.INCUMBENT_WORKER: 2.3, ProgramType.CUSTOMIZED: 1.35,
    ProgramType.OCCUPATIONAL_SKILLS: 0.6, ProgramType.PRE_APPRENTICESHIP: 0.45,
    ProgramType.REGISTERED_APPRENTICESHIP: 2.0, ProgramType.WORK_EXPERIENCE: 0.25, ProgramType.YOUTH: 0.15,
}
NON_COMPLETER_EMPLOYED = 0.45
BACKGROUND_SECTORS = ("healthcare", "early_learning")


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


# --------------------------------------------------------------------------- program facts


@dataclass(frozen=True)
class ProgramFacts:
    """The raw program fields the generator's formulas read, one array per field."""

    ids: tuple[str, ...]
    programs: tuple[Program, ...]
    type_base: np.ndarray
    place_base: np.ndarray
    sector: np.ndarray  # index in SECTORS, -1 other
    times: np.ndarray  # bit mask day 1, evening 2, weekend 4
    self_paced: np.ndarray
    online: np.ndarray
    transit: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    hours: np.ndarray
    weeks: np.ndarray
    paid: np.ndarray  # wage or stipend
    supports: list[frozenset[Support]]
    has: dict[Support, np.ndarray]
    first_language: list[frozenset[str]]
    required_skills: list[frozenset[str]]
    needs_reading: np.ndarray
    published_completion: np.ndarray
    published_placement: np.ndarray
    start_wage: np.ndarray
    target_major: list[frozenset[str]]
    employer_partners: np.ndarray
    pirl: tuple[str | None, ...]


def program_facts(catalog: Catalog, wage_for: Callable[[str, str], Any] | None = None,
                  zip_point: Callable[[str], tuple[float, float] | None] | None = None) -> ProgramFacts:
    from .. import geo, wages

    wage_for = wage_for or wages.wage_for
    zip_point = zip_point or geo.zip_point
    programs = tuple(catalog.programs)
    n = len(programs)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    start = np.full(n, np.nan)
    for i, p in enumerate(programs):
        loc = p.location
        if loc.delivery is not Delivery.ONLINE:
            if loc.latitude is not None and loc.longitude is not None:
                lat[i], lon[i] = loc.latitude, loc.longitude
            elif loc.zip:
                point = zip_point(loc.zip)
                if point:
                    lat[i], lon[i] = point
        if p.outcomes.median_starting_wage is not None:
            start[i] = p.outcomes.median_starting_wage
        else:
            area = "eugene" if (loc.county or "").lower().startswith("lane") else "portland"
            figures = [wage_for(c, area) for c in p.target_occupations]
            entry = [f.pct25 for f in figures if f is not None and f.pct25 is not None]
            start[i] = float(np.mean(entry)) if entry else 20.0
    supports = [frozenset(p.supports) for p in programs]
    bits = {TimeOfDay.DAY: 1, TimeOfDay.EVENING: 2, TimeOfDay.WEEKEND: 4}
    return ProgramFacts(
        ids=tuple(p.id for p in programs), programs=programs,
        type_base=np.array([BASE_COMPLETION[p.type] for p in programs]),
        place_base=np.array([BASE_PLACEMENT[p.type] for p in programs]),
        sector=np.array([SECTORS.index(p.sector.value) if p.sector.value in SECTORS else -1 for p in programs]),
        times=np.array([sum(bits[t] for t in set(p.schedule.times)) for p in programs]),
        self_paced=np.array([p.schedule.self_paced for p in programs]),
        online=np.array([p.location.delivery is Delivery.ONLINE for p in programs]),
        transit=np.array([p.location.transit_access or p.location.delivery is Delivery.ONLINE for p in programs]),
        lat=lat, lon=lon,
        hours=np.array([p.schedule.hours_per_week for p in programs]),
        weeks=np.array([p.duration_weeks for p in programs]),
        paid=np.array([p.paid.kind is not PaidKind.NONE or Support.STIPEND in p.supports for p in programs]),
        supports=supports,
        has={s: np.array([s in sup for sup in supports]) for s in Support},
        first_language=[frozenset(p.languages) for p in programs],
        required_skills=[frozenset(p.prerequisites.skills) for p in programs],
        needs_reading=np.array([bool(p.prerequisites.min_reading_grade or p.prerequisites.min_math_grade)
                                for p in programs]),
        published_completion=np.array([p.outcomes.completion_rate if p.outcomes.completion_rate is not None
                                       else 0.65 for p in programs]),
        published_placement=np.array([p.outcomes.placement_rate if p.outcomes.placement_rate is not None
                                      else 0.65 for p in programs]),
        start_wage=start,
        target_major=[frozenset(c[:2] for c in p.target_occupations) for p in programs],
        employer_partners=np.array([len(p.employer_partners) for p in programs]),
        pirl=tuple(p.type.pirl_1303 for p in programs),
    )


# --------------------------------------------------------------------------- hidden draws


@dataclass(frozen=True)
class HiddenDraws:
    """What the generator knows and the records do not: per-person motivation and per-program quality."""

    motivation: dict[str, float]  # participant id -> draw
    completion_quality: dict[str, float]  # program id -> log-odds shift
    placement_quality: dict[str, float]

    def write(self, path: str | Path) -> None:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["kind", "id", "value"])
        for kind, table in (("motivation", self.motivation), ("completion_quality", self.completion_quality),
                            ("placement_quality", self.placement_quality)):
            for key in sorted(table):
                w.writerow([kind, key, f"{table[key]:.6f}"])
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as fh:
            fh.write(buf.getvalue().encode("utf-8"))

    @classmethod
    def read(cls, path: str | Path) -> HiddenDraws:
        tables: dict[str, dict[str, float]] = {"motivation": {}, "completion_quality": {}, "placement_quality": {}}
        with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                tables[row["kind"]][row["id"]] = float(row["value"])
        return cls(tables["motivation"], tables["completion_quality"], tables["placement_quality"])


# --------------------------------------------------------------------------- people


def _pick(rng: np.random.Generator, pairs: Sequence[tuple[Any, float]]) -> Any:
    values = [v for v, _ in pairs]
    weights = np.array([w for _, w in pairs], dtype=float)
    return values[int(rng.choice(len(values), p=weights / weights.sum()))]


def _person(rng: np.random.Generator, pid: str, zips_by_county: Mapping[str, list[str]]
            ) -> tuple[dict[str, Any], ReportingDemographics]:
    county = _pick(rng, list(COUNTY_SHARE.items()))
    zip_code = str(rng.choice(zips_by_county[county]))
    age = int(np.clip(rng.gamma(6.0, 6.0) + 14, 16, 70)) if rng.random() < 0.88 else int(rng.integers(16, 25))
    sex = Sex.FEMALE if rng.random() < 0.5 else Sex.MALE
    if rng.random() < 0.02:
        sex = Sex.NOT_SAID
    barriers: set[Barrier] = set()
    for barrier, rate in BARRIER_RATE.items():
        if rng.random() < rate:
            barriers.add(barrier)
    if Barrier.SINGLE_PARENT in barriers:
        if rng.random() < 0.8:
            sex = Sex.FEMALE
        if rng.random() < 0.6:
            barriers.add(Barrier.CHILDCARE)
    if Barrier.HOMELESS in barriers:
        barriers.discard(Barrier.HOUSING_INSTABILITY)
    if Barrier.SUSPENDED_LICENSE in barriers:
        barriers.discard(Barrier.NO_DRIVERS_LICENSE)
    if age < 25 and rng.random() < 0.05:
        barriers.add(Barrier.FOSTER_CARE_YOUTH)
    children = int(rng.integers(1, 4)) if (Barrier.SINGLE_PARENT in barriers or Barrier.CHILDCARE in barriers) \
        else int(rng.choice([0, 0, 0, 1, 2]))
    adults = 1 if Barrier.SINGLE_PARENT in barriers else int(rng.choice([1, 1, 2]))
    needs_income = rng.random() < (0.75 if Barrier.LOW_INCOME in barriers else 0.35)
    if needs_income and rng.random() < 0.5:
        barriers.add(Barrier.NO_INCOME_WHILE_TRAINING)

    jobs = [PAST_JOBS[int(i)] for i in rng.choice(len(PAST_JOBS), size=int(rng.choice([0, 1, 1, 2])),
                                                  replace=False)]
    skills: set[str] = set()
    for _, _, job_skills in jobs:
        skills.update(s for s in job_skills if rng.random() < 0.7)
    skills.update(s for s in GENERAL_SKILLS if rng.random() < 0.15)
    if Barrier.NO_DRIVERS_LICENSE not in barriers and Barrier.SUSPENDED_LICENSE not in barriers \
            and rng.random() < 0.5:
        skills.add("cred:drivers-license")
    sectors: list[str] = []
    for _, sector, _ in jobs:
        if sector in SECTORS and rng.random() < 0.5 and sector not in sectors:
            sectors.append(sector)
    while len(sectors) < int(rng.choice([1, 1, 2])):
        pick = SECTORS[int(rng.choice(len(SECTORS), p=SECTOR_WEIGHT / SECTOR_WEIGHT.sum()))]
        if pick not in sectors:
            sectors.append(pick)

    parent = Barrier.CHILDCARE in barriers or Barrier.SINGLE_PARENT in barriers
    if parent:
        times = [["evening", "weekend"], ["day"], ["evening"], ["day", "evening"]][int(rng.integers(4))]
    else:
        times = [["day", "evening", "weekend"], ["day"], ["day", "evening"], ["evening", "weekend"]][
            int(rng.choice(4, p=[0.45, 0.25, 0.2, 0.1]))]
    modes: list[str] = []
    car = Barrier.NO_CAR not in barriers and Barrier.NO_DRIVERS_LICENSE not in barriers \
        and Barrier.SUSPENDED_LICENSE not in barriers and rng.random() < 0.8
    if car:
        modes.append("car")
    if not car or rng.random() < 0.3:
        modes.append("transit")
    if rng.random() < 0.08:
        modes.append("bike")
    languages = ["en"]
    if Barrier.LIMITED_ENGLISH in barriers or rng.random() < 0.06:
        languages = [_pick(rng, LANGUAGES), "en"]
    employment = _pick(rng, [("unemployed", 0.6), ("employed", 0.2), ("employed_notice_of_layoff", 0.05),
                             ("not_in_labor_force", 0.15)])
    profile: dict[str, Any] = {
        "skill_ids": sorted(skills),
        "work_history": [code for code, _, _ in jobs],
        "employment_status": employment,
        "education": _pick(rng, EDUCATION),
        "interests": {"sectors": sectors},
        "zip": zip_code,
        "age": age,
        "availability": {"times": times},
        "travel": {"modes": modes},
        "needs_income": bool(needs_income),
        "household": {"adults": adults, "children": children, "county": COUNTY_NAME[county]},
        "languages": languages,
        "barriers": sorted(b.value for b in barriers),
    }
    if rng.random() < 0.25:
        profile["travel"]["max_miles"] = float(rng.choice([5, 10, 15, 25]))
    if Barrier.BASIC_SKILLS in barriers:
        profile["reading_grade"] = int(rng.integers(4, 9))
        profile["math_grade"] = int(rng.integers(4, 9))
    if Barrier.JUSTICE_INVOLVED in barriers:
        profile["record_categories"] = sorted({str(rng.choice(["felony", "drug_offense", "theft_fraud",
                                                               "any_conviction", "violent_felony"]))
                                               for _ in range(int(rng.integers(1, 3)))})
    if rng.random() < 0.5:
        profile["max_cost_usd"] = float(rng.choice([0, 0, 500, 2000]))
    if rng.random() < 0.3:
        profile["interests"]["occupations"] = []
    race = [_pick(rng, RACE_SHARE)]
    if rng.random() < 0.04:
        second = _pick(rng, RACE_SHARE)
        if second not in race and RaceEthnicity.NOT_SAID not in (second, race[0]):
            race.append(second)
    if languages[0] == "es" and RaceEthnicity.HISPANIC_LATINO not in race and rng.random() < 0.9:
        race = [RaceEthnicity.HISPANIC_LATINO]
    disability = Barrier.DISABILITY_ACCOMMODATION in barriers or rng.random() < 0.05
    demographics = ReportingDemographics(
        sex=sex, race_ethnicity=race, age_band=age_band(age) or AgeBand.AGE_25_34, disability=disability,
        justice_involved=Barrier.JUSTICE_INVOLVED in barriers, veteran=rng.random() < 0.06)
    return profile, demographics


# --------------------------------------------------------------------------- the truth, vectorized


@dataclass(frozen=True)
class PersonFacts:
    """The raw person fields the formulas read, for a chunk of people (row per person)."""

    lat: np.ndarray
    lon: np.ndarray
    times: np.ndarray
    barriers: list[frozenset[str]]
    needs_income: np.ndarray
    transit_only: np.ndarray
    skills: list[frozenset[str]]
    past_major: list[frozenset[str]]
    sectors: list[frozenset[str]]
    first_language: list[str]
    employed: np.ndarray
    motivation: np.ndarray


def person_facts(profiles: Sequence[Mapping[str, Any]], motivation: np.ndarray,
                 zip_point: Callable[[str], tuple[float, float] | None] | None = None) -> PersonFacts:
    from .. import geo

    zip_point = zip_point or geo.zip_point
    bits = {"day": 1, "evening": 2, "weekend": 4}
    points = [zip_point(p.get("zip") or "") if p.get("zip") else None for p in profiles]
    barriers = [frozenset(p.get("barriers", ())) for p in profiles]
    modes = [set(p.get("travel", {}).get("modes", ())) for p in profiles]
    return PersonFacts(
        lat=np.array([pt[0] if pt else np.nan for pt in points]),
        lon=np.array([pt[1] if pt else np.nan for pt in points]),
        times=np.array([sum(bits[t] for t in set(p.get("availability", {}).get("times", bits))) for p in profiles]),
        barriers=barriers,
        needs_income=np.array([bool(p.get("needs_income")) or "no_income_while_training" in b
                               for p, b in zip(profiles, barriers)]),
        transit_only=np.array([bool(m) and not (m & {"car", "ride_from_others"}) for m in modes]),
        skills=[frozenset(p.get("skill_ids", ())) for p in profiles],
        past_major=[frozenset(c[:2] for c in p.get("work_history", ())) for p in profiles],
        sectors=[frozenset(p.get("interests", {}).get("sectors", ())) for p in profiles],
        first_language=[(p.get("languages") or ["en"])[0] for p in profiles],
        employed=np.array([p.get("employment_status") in ("employed", "employed_notice_of_layoff")
                           for p in profiles]),
        motivation=np.asarray(motivation, dtype=float),
    )


_POPCOUNT = np.array([bin(i).count("1") for i in range(8)])


def _miles(person: PersonFacts, prog: ProgramFacts) -> np.ndarray:
    from ..geo import EARTH_RADIUS_MILES

    lat1, lon1 = np.radians(person.lat)[:, None], np.radians(person.lon)[:, None]
    lat2, lon2 = np.radians(prog.lat)[None, :], np.radians(prog.lon)[None, :]
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    miles = 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
    miles = np.where(prog.online[None, :], 0.0, miles)
    return np.where(np.isnan(miles), 15.0, miles)  # unknown place: a typical trip


def truth(person: PersonFacts, prog: ProgramFacts, completion_quality: np.ndarray,
          placement_quality: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(P(complete), P(employed Q2 | complete)) for every person x program of a chunk: the hidden truth."""
    b, n = len(person.lat), len(prog.ids)
    has = prog.has
    logit = prog.type_base[None, :] + completion_quality[None, :] + 0.55 * person.motivation[:, None]
    # sessions at times the person cannot make (share of the program's session times)
    outside = _POPCOUNT[prog.times[None, :] & ~person.times[:, None] & 7] / np.maximum(_POPCOUNT[prog.times], 1)
    logit -= 1.6 * np.where(prog.self_paced[None, :], 0.0, outside)
    miles = _miles(person, prog)
    logit -= 0.03 * np.minimum(miles, 60) * np.where(person.transit_only, 1.6, 1.0)[:, None]
    pen = np.zeros((b, n))
    for i, bars in enumerate(person.barriers):
        if not bars:
            continue
        row = pen[i]
        if "childcare" in bars or "single_parent" in bars:
            row -= 1.0 * ~has[Support.CHILDCARE]
        if "housing_instability" in bars or "homeless" in bars:
            row -= (0.9 if "homeless" in bars else 0.6) * ~(has[Support.HOUSING_REFERRAL]
                                                              | has[Support.EMERGENCY_FUNDS])
        if "no_car" in bars or "no_drivers_license" in bars or "suspended_license" in bars:
            row -= 0.7 * ~(prog.transit | has[Support.TRANSIT_PASS] | has[Support.TRANSPORTATION])
        if "basic_skills" in bars:
            row -= 0.5 * (prog.needs_reading & ~has[Support.TUTORING]) + 0.2 * ~has[Support.TUTORING]
        if "disability_accommodation" in bars:
            row -= 0.6 * ~has[Support.ACCOMMODATIONS]
        if "digital_literacy" in bars:
            row -= 0.35 * (prog.online & ~(has[Support.DIGITAL_SKILLS] | has[Support.LAPTOP_LOAN]))
        if "justice_involved" in bars:
            row += 0.3 * (has[Support.MENTORING] | has[Support.RECORD_EXPUNGEMENT])
        if len(bars) >= 3:
            row += 0.35 * has[Support.CASE_MANAGEMENT]
        lang = person.first_language[i]
        if "limited_english" in bars and lang != "en":
            taught = np.array([lang in fl for fl in prog.first_language])
            row -= 0.8 * ~(taught | has[Support.LANGUAGE_SUPPORT])
    logit += pen
    logit -= 1.2 * (person.needs_income[:, None] & ~prog.paid[None, :])
    logit -= 0.03 * np.maximum(prog.hours[None, :] - 20, 0) * person.employed[:, None]
    logit -= 0.004 * prog.weeks[None, :]
    for j, req in enumerate(prog.required_skills):
        if req:
            share = np.array([len(req & s) / len(req) for s in person.skills])
            logit[:, j] += 0.9 * share - 0.5
    same_field = np.array([[bool(pm & tm) for tm in prog.target_major] for pm in person.past_major])
    interested = np.array([[prog.sector[j] >= 0 and SECTORS[prog.sector[j]] in s for j in range(n)]
                           for s in person.sectors])
    logit += 0.45 * same_field + 0.35 * interested
    complete = _sigmoid(logit)

    place = prog.place_base[None, :] + placement_quality[None, :] + 0.3 * person.motivation[:, None]
    place = place + 0.45 * same_field + 0.15 * np.minimum(prog.employer_partners, 3)[None, :]
    record = np.array(["justice_involved" in bars for bars in person.barriers])
    sensitive = np.isin(prog.sector, [SECTORS.index(s) for s in BACKGROUND_SECTORS])
    place -= 0.9 * (record[:, None] & sensitive[None, :])
    return complete, _sigmoid(place)


def _published_gap(published: np.ndarray, rng: np.random.Generator, scale: float) -> np.ndarray:
    """Hidden quality: the published rate's log-odds around the regional mean, blurred by noise (small cohorts)."""
    clipped = np.clip(published, 0.2, 0.95)
    centred = np.log(clipped / (1 - clipped)) - _logit(0.68)
    return 0.6 * centred + rng.normal(0, scale, len(published))


# --------------------------------------------------------------------------- the run


@dataclass(frozen=True)
class GeneratedHistory:
    history: History
    hidden: HiddenDraws
    settings: dict[str, Any]


def generate_history(n_participants: int, *, seed: int = 8, catalog: Catalog | None = None,
                     chunk_size: int = 1000, record_ranks: bool = True,
                     progress: Callable[[int], None] | None = None) -> GeneratedHistory:
    """Generate ``n_participants`` people (about 1.08 enrollments each) and what followed. Deterministic in ``seed``."""
    from .. import geo
    from ..engine import Recommender

    catalog = catalog or default_catalog()
    rng = np.random.default_rng(seed)
    prog = program_facts(catalog)
    n_prog = len(prog.ids)
    completion_q = _published_gap(prog.published_completion, rng, 0.35)
    placement_q = _published_gap(prog.published_placement, rng, 0.35)
    zips_by_county: dict[str, list[str]] = {c: [] for c in COUNTY_SHARE}
    with (data_dir() / "geo" / "zip_county.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):  # the curated service-area ZIPs
            if row["county_fips"] in zips_by_county and geo.zip_point(row["zip"]) is not None:
                zips_by_county[row["county_fips"]].append(row["zip"])
    engine = Recommender().fit(catalog)
    reputation = 1.5 * (prog.published_completion + prog.published_placement)
    span = (LAST_ENTRY - FIRST_ENTRY).days

    participants: list[Participant] = []
    enrollments: list[Enrollment] = []
    outcomes: list[Outcome] = []
    motivation: dict[str, float] = {}
    done = 0
    for start in range(0, n_participants, chunk_size):
        ids = [f"P{i:07d}" for i in range(start, min(start + chunk_size, n_participants))]
        people = [_person(rng, pid, zips_by_county) for pid in ids]
        profiles = [p for p, _ in people]
        mot = rng.normal(0, 1, len(ids))
        facts = person_facts(profiles, mot)
        pb = engine.compile_seekers([parse_profile(p) for p in profiles])
        elig, _ = engine.score_details(pb, np.arange(n_prog))
        keep = ~elig.excluded
        p_complete, p_place = truth(facts, prog, completion_q, placement_q)
        miles = _miles(facts, prog)
        ranks = _matcher_ranks(engine, profiles, prog.ids) if record_ranks else None
        for i, pid in enumerate(ids):
            motivation[pid] = float(mot[i])
            participants.append(Participant(id=pid, profile=parse_profile(profiles[i]), demographics=people[i][1]))
            eligible = np.flatnonzero(keep[i])
            if not len(eligible):
                continue
            entry = FIRST_ENTRY + dt.timedelta(days=int(rng.integers(0, span + 1)))
            visits = 2 if rng.random() < 0.08 else 1
            taken: set[int] = set()
            for visit in range(visits):
                if visit:
                    entry = entry + dt.timedelta(days=int(rng.integers(180, 720)))
                    if entry > LAST_ENTRY:
                        break
                pool = np.array([j for j in eligible if j not in taken])
                if not len(pool):
                    break
                # the coach's view: interest, nearness, reputation, pay for people who need income, noise
                sector_match = np.array([prog.sector[j] >= 0 and SECTORS[prog.sector[j]] in facts.sectors[i]
                                         for j in pool])
                utility = (2.2 * sector_match - 0.05 * np.minimum(miles[i, pool], 60) + reputation[pool]
                           + 1.0 * (facts.needs_income[i] & prog.paid[pool]))
                k = min(len(pool), int(rng.integers(3, 7)))
                considered = pool[np.argsort(-(utility + rng.gumbel(0, 1.0, len(pool))))[:k]]
                taste = utility[np.searchsorted(pool, considered)]  # pool is in ascending column order
                weights = np.exp(0.8 * taste + rng.gumbel(0, 0.8, len(considered)))
                chosen = int(considered[int(np.argmax(weights))])
                taken.add(chosen)
                eid = f"E{len(enrollments) + 1:07d}"
                rank = ranks[i].get(prog.ids[chosen]) if ranks is not None and entry >= PILOT_START else None
                override = None
                if rank is not None and rank != 1:
                    override = _pick(rng, [(OverrideReason.PARTICIPANT_CHOICE, 0.35),
                                           (OverrideReason.SCHEDULE, 0.12), (OverrideReason.LOCATION, 0.14),
                                           (OverrideReason.EMPLOYER_MATCH, 0.1),
                                           (OverrideReason.COACH_JUDGEMENT, 0.17),
                                           (OverrideReason.COST_OR_FUNDING, 0.05), (OverrideReason.NO_SEATS, 0.07)])
                completed = bool(rng.random() < p_complete[i, chosen])
                weeks = float(prog.weeks[chosen]) * (1.0 if completed else float(rng.uniform(0.1, 0.8)))
                exit_date = entry + dt.timedelta(days=int(round(weeks * 7)))
                enrollments.append(Enrollment(
                    id=eid, participant_id=pid, program_id=prog.ids[chosen], training_type=prog.pirl[chosen],
                    referred_on=entry - dt.timedelta(days=int(rng.integers(7, 45))), entry_date=entry,
                    exit_date=exit_date if exit_date <= AS_OF else None,
                    considered_program_ids=sorted(prog.ids[int(c)] for c in considered),
                    recommended_rank=rank, override_reason=override))
                if exit_date > AS_OF:
                    continue  # still in training: no outcome yet
                q2_known = exit_date + dt.timedelta(days=183) <= AS_OF
                outcomes.append(_outcome(rng, eid, completed, q2_known, float(p_place[i, chosen]),
                                         prog, chosen, facts.motivation[i], profiles[i]))
        done += len(ids)
        if progress is not None:
            progress(done)
    history = History(tuple(participants), tuple(enrollments), tuple(outcomes), source=f"generated seed {seed}")
    hidden = HiddenDraws(motivation, dict(zip(prog.ids, map(float, completion_q))),
                         dict(zip(prog.ids, map(float, placement_q))))
    settings = {"generator": "matcher.learning.generator", "version": GENERATOR_VERSION, "seed": seed,
                "participants": n_participants, "catalog_programs": n_prog, "as_of": AS_OF.isoformat(),
                "record_ranks": record_ranks}
    return GeneratedHistory(history, hidden, settings)


def _outcome(rng: np.random.Generator, eid: str, completed: bool, q2_known: bool, p_place: float,
             prog: ProgramFacts, j: int, motivation: float, profile: Mapping[str, Any]) -> Outcome:
    from .. import wages

    employed = bool(rng.random() < (p_place if completed else NON_COMPLETER_EMPLOYED))
    wage = None
    if employed:
        if completed:
            base = float(prog.start_wage[j])
        else:
            past = [wages.wage_for(c, "portland") for c in profile.get("work_history", ())]
            lows = [f.pct10 for f in past if f is not None and f.pct10 is not None]
            base = float(np.mean(lows)) if lows else 17.0
        wage = round(float(base * math.exp(0.04 * motivation + rng.normal(0, 0.12))), 2)
    q4 = bool(rng.random() < (0.88 if employed else 0.3))
    credential = completed and bool(rng.random() < 0.85)
    related = employed and completed and bool(rng.random() < 0.78)
    if not q2_known:
        return Outcome(enrollment_id=eid, completed=completed, credential_attained=credential)
    return Outcome(enrollment_id=eid, completed=completed, credential_attained=credential, employed_q2=employed,
                   employed_q4=q4 if employed or rng.random() < 0.9 else None,
                   hourly_wage=wage, related_employment=related if employed else None)


def _matcher_ranks(engine: Any, profiles: Sequence[Mapping[str, Any]], ids: Sequence[str]) -> list[dict[str, int]]:
    """The hand-set matcher's rank (1 = top, first 25) of each program for each person: what the coach saw."""
    out: list[dict[str, int]] = []
    for row in engine.rank_ids([parse_profile(p) for p in profiles], top=25):
        out.append({pid: r for r, (pid, _) in enumerate(row, start=1)})
    return out


# --------------------------------------------------------------------------- the oracle


def oracle_success(history: History, hidden: HiddenDraws, participant_ids: Sequence[str],
                   catalog: Catalog | None = None) -> tuple[np.ndarray, np.ndarray]:
    """True P(success) (complete and employed in Q2) of each given participant in every catalog program,
    and the hidden expected wage reach is left to the caller. Rows follow ``participant_ids``,
    columns the catalog's programs."""
    catalog = catalog or default_catalog()
    prog = program_facts(catalog)
    profiles = [history.participant(pid).profile.model_dump(mode="json") for pid in participant_ids]
    mot = np.array([hidden.motivation.get(pid, 0.0) for pid in participant_ids])
    cq = np.array([hidden.completion_quality.get(i, 0.0) for i in prog.ids])
    pq = np.array([hidden.placement_quality.get(i, 0.0) for i in prog.ids])
    out = np.zeros((len(profiles), len(prog.ids)))
    for lo in range(0, len(profiles), 1000):
        facts = person_facts(profiles[lo:lo + 1000], mot[lo:lo + 1000])
        complete, place = truth(facts, prog, cq, pq)
        out[lo:lo + 1000] = complete * place
    return out, prog.start_wage


def write_generated(generated: GeneratedHistory, folder: str | Path, *, compress: bool = True,
                    format: str = "csv") -> dict[str, Path]:  # noqa: A002
    """Write the history tables, the hidden draws (``oracle.csv.gz``) and ``generator.json``."""
    from .history_io import write_history

    root = Path(folder)
    files = write_history(generated.history, root, format=format, compress=compress)
    generated.hidden.write(root / "oracle.csv.gz")
    (root / "generator.json").write_text(json.dumps(generated.settings, indent=2, sort_keys=True) + "\n",
                                         encoding="utf-8")
    files["oracle"] = root / "oracle.csv.gz"
    return files


def read_hidden(folder: str | Path) -> HiddenDraws | None:
    """The hidden draws written beside a generated history, or None (real or other-generator data)."""
    path = Path(folder) / "oracle.csv.gz"
    return HiddenDraws.read(path) if path.exists() else None


def iter_chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for lo in range(0, len(items), size):
        yield items[lo:lo + size]
