"""Properties of the engine over random and hostile profiles (hypothesis).

Scores are compared for the same program across two runs with ``top=None``
(every eligible program), so the diversity re-rank cannot hide a change.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.catalog import default_catalog
from matcher.engine import Recommender
from matcher.errors import ValidationError
from matcher.records import (
    Barrier,
    Delivery,
    DigitalAccess,
    EducationLevel,
    EmploymentStatus,
    PhysicalDemand,
    RecordCategory,
    Sector,
    Support,
    TimeOfDay,
    TravelMode,
    parse_profile,
)

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ZIPS = ["97214", "97402", "98660", "97124", "97005", "97030", "97266", "97477", "99999", "97501"]
SKILLS = ["cred:osha-10", "cred:forklift", "cred:cna", "skill:hand-tools", "skill:customer-service",
          "skill:computer-basics", "cred:first-aid-cpr", "skill:welding-mig", "2.A.1.a", "2.B.3.a"]
OCCUPATIONS = ["47-2111.00", "31-1131.00", "53-7062.00", "15-1232.00", "51-4121.00", "35-2014.00"]
LANGS = ["en", "es", "vi", "ru", "zh", "so"]
MAX_MIN_AGE = max((p.prerequisites.min_age or 0) for p in default_catalog())
MAX_MAX_AGE = max((p.prerequisites.max_age or 0) for p in default_catalog())


@lru_cache(maxsize=1)
def engine() -> Recommender:
    return Recommender().fit(default_catalog())


def scores(profile: dict[str, Any]) -> dict[str, float]:
    return {r.program_id: r.score for r in engine().recommend(profile, top=None).items}


def sub(elements: list[Any], max_size: int = 3) -> st.SearchStrategy[list[Any]]:
    return st.lists(st.sampled_from(elements), max_size=max_size, unique=True)


@st.composite
def profiles(draw: st.DrawFn) -> dict[str, Any]:
    p: dict[str, Any] = {}
    if draw(st.booleans()):
        p["zip"] = draw(st.sampled_from(ZIPS))
    p["skill_ids"] = draw(sub(SKILLS, 5))
    p["interests"] = {"sectors": [s.value for s in draw(sub(list(Sector), 2))],
                      "occupations": draw(sub(OCCUPATIONS, 2))}
    p["work_history"] = draw(sub(OCCUPATIONS, 1))
    if draw(st.booleans()):
        p["education"] = draw(st.sampled_from(list(EducationLevel))).value
    for name in ("reading_grade", "math_grade"):
        if draw(st.booleans()):
            p[name] = draw(st.integers(1, 16))
    if draw(st.booleans()):
        p["age"] = draw(st.integers(14, 110))
    p["employment_status"] = draw(st.sampled_from([None, *(e.value for e in EmploymentStatus)]))
    p["availability"] = {"times": [t.value for t in draw(st.lists(st.sampled_from(list(TimeOfDay)), min_size=1,
                                                                   max_size=3, unique=True))]}
    if draw(st.booleans()):
        p["availability"]["max_hours_per_week"] = draw(st.floats(1, 80))
    p["travel"] = {"modes": [m.value for m in draw(sub(list(TravelMode), 2))], "online_ok": draw(st.booleans())}
    if draw(st.booleans()):
        p["travel"]["max_miles"] = draw(st.floats(0, 500))
    p["needs_income"] = draw(st.booleans())
    if draw(st.booleans()):
        p["max_cost_usd"] = draw(st.sampled_from([0, 100, 1000, 10_000]))
    p["languages"] = draw(st.lists(st.sampled_from(LANGS), min_size=1, max_size=2, unique=True))
    barriers = [b.value for b in draw(sub(list(Barrier), 4))]
    p["barriers"] = barriers
    if "justice_involved" in barriers:
        p["record_categories"] = [c.value for c in draw(sub(list(RecordCategory), 2))]
        if draw(st.booleans()):
            p["years_since_conviction"] = draw(st.integers(0, 30))
    p["working_on_ged"] = draw(st.booleans())
    p["digital_access"] = draw(st.sampled_from([None, *(a.value for a in DigitalAccess)]))
    if draw(st.booleans()):
        p["max_physical_demand"] = draw(st.sampled_from(list(PhysicalDemand))).value
    for name in ("work_authorized", "can_pass_drug_test"):
        p[name] = draw(st.sampled_from([None, True, False]))
    return p


@SETTINGS
@given(profiles(), st.data())
def test_adding_a_skill_a_program_requires_never_lowers_that_programs_score(profile: dict, data: st.DataObject) -> None:
    needing = [p for p in default_catalog() if p.prerequisites.skills]
    target = data.draw(st.sampled_from(needing))
    skill = data.draw(st.sampled_from(target.prerequisites.skills))
    before = scores(profile)
    after = scores({**profile, "skill_ids": sorted(set(profile["skill_ids"]) | {skill})})
    assert set(after) == set(before)  # skills never change eligibility
    if target.id in before:
        assert after[target.id] >= before[target.id]


@SETTINGS
@given(profiles(), st.sampled_from(list(Barrier)))
def test_adding_a_barrier_never_lowers_a_remaining_programs_score(profile: dict, barrier: Barrier) -> None:
    before = scores(profile)
    after = scores({**profile, "barriers": sorted(set(profile["barriers"]) | {barrier.value})})
    for program_id, score in after.items():
        if program_id in before:
            assert score >= before[program_id], program_id


@SETTINGS
@given(profiles(), st.integers(max(MAX_MIN_AGE, MAX_MAX_AGE + 1), 110),
       st.integers(max(MAX_MIN_AGE, MAX_MAX_AGE + 1), 110))
def test_age_above_every_age_limit_never_changes_scores(profile: dict, age1: int, age2: int) -> None:
    assert scores({**profile, "age": age1}) == scores({**profile, "age": age2})


@SETTINGS
@given(profiles(), st.integers(14, 110), st.integers(14, 110))
def test_age_only_opens_or_closes_programs_never_changes_a_score(profile: dict, age1: int, age2: int) -> None:
    first, second = scores({**profile, "age": age1}), scores({**profile, "age": age2})
    assert all(first[pid] == second[pid] for pid in set(first) & set(second))


@SETTINGS
@given(profiles())
def test_output_is_a_permutation_of_the_eligible_programs(profile: dict) -> None:
    result = engine().recommend(profile, top=None)
    got = [r.program_id for r in result.items]
    assert len(got) == len(set(got)) == result.eligible_count
    assert result.eligible_count + result.excluded_count == len(default_catalog())
    assert [r.rank for r in result.items] == list(range(1, len(got) + 1))


@SETTINGS
@given(profiles())
def test_an_unmet_requirement_with_no_remedy_never_appears(profile: dict) -> None:
    seeker = parse_profile(profile)
    catalog = default_catalog()
    for rec in engine().recommend(profile, top=None).items:
        p = catalog.get(rec.program_id)
        pre = p.prerequisites
        offers = set(p.supports)
        if seeker.age is not None and pre.min_age:
            assert seeker.age >= pre.min_age
        if seeker.age is not None and pre.max_age is not None:
            assert seeker.age <= pre.max_age
        if pre.must_be_employed and seeker.employment_status is not None:
            assert seeker.employment_status.is_employed
        if pre.work_authorization:
            assert seeker.work_authorized is not False
        if pre.drug_test:
            assert seeker.can_pass_drug_test is not False
        if seeker.education is not None and seeker.education.rank < pre.min_education.rank:
            # only the GED waiver keeps it: a diploma minimum at most, and GED help or the seeker's own GED work
            assert pre.min_education.rank <= EducationLevel.HS_DIPLOMA_OR_GED.rank
            assert Support.GED_PREP in offers or seeker.working_on_ged
        if seeker.max_physical_demand is not None and pre.physical_demand is not None \
                and pre.physical_demand.rank > seeker.max_physical_demand.rank:
            assert pre.accommodates_physical_limits  # general "accommodations" is not enough
        access = seeker.digital_access
        if access is not None and p.location.delivery is not Delivery.IN_PERSON:
            assert not access.needs_device or Support.LAPTOP_LOAN in offers
            assert not access.needs_internet or Support.HOTSPOT_LOAN in offers
        if not set(seeker.languages) & set(p.languages):
            assert Support.LANGUAGE_SUPPORT in offers
        if not p.schedule.self_paced:
            assert set(seeker.availability.times) & set(p.schedule.times)
        if pre.drivers_license and Barrier.NO_DRIVERS_LICENSE in seeker.barriers \
                and Barrier.SUSPENDED_LICENSE not in seeker.barriers:
            assert Support.DRIVERS_ED in offers
        if seeker.max_cost_usd is not None and not p.cost.is_free and p.cost.tuition_usd > seeker.max_cost_usd:
            assert p.cost.funding
        # and any requirement it does not meet is named with its remedy
        assert all(b.remedy and b.message for b in rec.blockers)


hostile_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=200)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    skills=st.lists(hostile_text, max_size=60),
    titles=st.lists(hostile_text, max_size=20),
    skill_ids=st.lists(st.text(min_size=1, max_size=120), max_size=40),
    max_miles=st.one_of(st.none(), st.floats(0, 500)),
    hours=st.one_of(st.none(), st.floats(min_value=1e-9, max_value=80)),
    cost=st.one_of(st.none(), st.floats(0, 1_000_000)),
    adults=st.integers(1, 10),
    children=st.integers(0, 15),
    county=st.one_of(st.none(), hostile_text),
)
def test_random_and_hostile_profiles_never_crash(skills: list, titles: list, skill_ids: list, max_miles: Any,
                                                 hours: Any, cost: Any, adults: int, children: int,
                                                 county: Any) -> None:
    profile = {"skills": skills, "work_history": titles, "skill_ids": skill_ids,
               "interests": {"occupations": titles[:5]},
               "travel": {"max_miles": max_miles}, "availability": {"max_hours_per_week": hours},
               "max_cost_usd": cost, "household": {"adults": adults, "children": children, "county": county},
               "zip": "97214", "age": 110, "barriers": [b.value for b in Barrier]}
    try:
        parse_profile(profile)
    except ValidationError:
        return  # the schema refused it, with a field: that is the right outcome
    try:
        result = engine().recommend(profile, top=5)
    except ValidationError as exc:  # only a named field problem is an acceptable failure (e.g. unknown county)
        assert exc.field
        return
    assert len(result.items) <= 5
    assert all(0 <= r.score <= 1 for r in result.items)
