"""Hard requirements exclude a program unless a remedy exists; unknown answers never exclude."""

from __future__ import annotations

import pytest
from test_engine_fixtures import EUGENE, HILLSBORO, by_id, engine, ids, program

from matcher.engine import EngineConfig
from matcher.policy import BARRIER_SUPPORTS, RECORD_COVERS, covered_records
from matcher.records import Barrier, RecordCategory, Support

SEEKER = {"zip": "97214"}


def test_any_conviction_covers_every_record_category() -> None:
    assert covered_records([RecordCategory.ANY_CONVICTION]) == frozenset(RecordCategory)


def test_felony_covers_violent_felony_and_sex_offense_but_not_misdemeanour_kinds() -> None:
    covered = covered_records([RecordCategory.FELONY])
    assert {RecordCategory.VIOLENT_FELONY, RecordCategory.SEX_OFFENSE, RecordCategory.FELONY} <= covered
    assert RecordCategory.THEFT_FRAUD not in covered
    assert covered_records([RecordCategory.THEFT_FRAUD]) == {RecordCategory.THEFT_FRAUD}
    assert set(RECORD_COVERS) == {RecordCategory.ANY_CONVICTION, RecordCategory.FELONY,
                                  RecordCategory.CRIMES_AGAINST_VULNERABLE}


def test_crimes_against_vulnerable_people_covers_sex_offenses_only() -> None:
    assert covered_records([RecordCategory.CRIMES_AGAINST_VULNERABLE]) == {
        RecordCategory.CRIMES_AGAINST_VULNERABLE, RecordCategory.SEX_OFFENSE}
    assert RecordCategory.CRIMES_AGAINST_VULNERABLE not in covered_records([RecordCategory.FELONY])
    assert covered_records([RecordCategory.VIOLENT_FELONY]) == {RecordCategory.VIOLENT_FELONY}


def test_every_barrier_named_in_the_issue_maps_to_its_support() -> None:
    assert Support.CHILDCARE in BARRIER_SUPPORTS[Barrier.CHILDCARE]
    assert {Support.TRANSIT_PASS, Support.TRANSPORTATION} <= set(BARRIER_SUPPORTS[Barrier.NO_CAR])
    assert BARRIER_SUPPORTS[Barrier.SUSPENDED_LICENSE] == (Support.LICENSE_REINSTATEMENT,)
    assert BARRIER_SUPPORTS[Barrier.NO_DRIVERS_LICENSE] == (Support.DRIVERS_ED,)
    assert Support.RECORD_EXPUNGEMENT in BARRIER_SUPPORTS[Barrier.JUSTICE_INVOLVED]
    assert Support.HOUSING_REFERRAL in BARRIER_SUPPORTS[Barrier.HOMELESS]
    assert Support.TUTORING in BARRIER_SUPPORTS[Barrier.BASIC_SKILLS]
    assert Support.LAPTOP_LOAN in BARRIER_SUPPORTS[Barrier.DIGITAL_LITERACY]
    assert Support.ACCOMMODATIONS in BARRIER_SUPPORTS[Barrier.DISABILITY_ACCOMMODATION]
    assert Support.STIPEND in BARRIER_SUPPORTS[Barrier.NO_INCOME_WHILE_TRAINING]


@pytest.mark.parametrize(("excludes", "record", "kept"), [
    (["felony"], ["violent_felony"], False),
    (["felony"], ["sex_offense"], False),
    (["any_conviction"], ["recent_dui"], False),
    (["violent_felony"], ["theft_fraud"], True),
    (["drug_offense"], ["drug_offense"], False),
    (["crimes_against_vulnerable"], ["sex_offense"], False),
    (["crimes_against_vulnerable"], ["violent_felony"], True),
])
def test_background_exclusions_follow_the_record_hierarchy(excludes: list[str], record: list[str], kept: bool) -> None:
    eng = engine([program("bg", prerequisites={"background_check": True, "background_exclusions": excludes})])
    result = eng.recommend({**SEEKER, "barriers": ["justice_involved"], "record_categories": record})
    assert (ids(result) == ["bg"]) is kept
    if not kept:
        assert result.excluded_by_reason == {"background": 1}


def test_record_clearing_help_keeps_a_program_for_a_clearable_record_and_names_the_remedy() -> None:
    eng = engine([program("bg", prerequisites={"background_check": True, "background_exclusions": ["drug_offense"]},
                          supports=["record_expungement"])])
    result = eng.recommend({**SEEKER, "barriers": ["justice_involved"], "record_categories": ["drug_offense"]})
    [rec] = result.items
    assert rec.flagged
    assert rec.blockers[0].requirement == "background"
    assert rec.blockers[0].remedy == "record_expungement"
    assert "help clearing a criminal record" in rec.blockers[0].message


def test_record_clearing_help_is_no_remedy_for_a_sex_offense() -> None:
    eng = engine([program("bg", prerequisites={"background_check": True, "background_exclusions": ["felony"]},
                          supports=["record_expungement"])])
    result = eng.recommend({**SEEKER, "barriers": ["justice_involved"], "record_categories": ["sex_offense"]})
    assert ids(result) == []


def test_a_seeker_younger_than_the_minimum_age_is_excluded_and_unknown_age_is_a_check() -> None:
    eng = engine([program("adult", prerequisites={"min_age": 18})])
    assert ids(eng.recommend({**SEEKER, "age": 17})) == []
    assert eng.recommend({**SEEKER, "age": 17}).excluded_by_reason == {"min_age": 1}
    [rec] = eng.recommend(SEEKER).items
    assert "You must be at least 18; confirm your age" in rec.checks


def test_no_license_excludes_unless_the_program_or_board_helps_get_one() -> None:
    needs = {"prerequisites": {"drivers_license": True}}
    no_license = {**SEEKER, "barriers": ["no_drivers_license"]}
    assert ids(engine([program("drive", **needs)]).recommend(no_license)) == []

    [rec] = engine([program("drive", **needs, supports=["drivers_ed"])]).recommend(no_license).items
    assert rec.blockers[0].provided_by == "program"
    assert rec.blockers[0].message == "Needs a driver's license: the program offers help getting a driver's license"

    board = EngineConfig(board_supports=frozenset({Support.DRIVERS_ED}))
    [rec] = engine([program("drive", **needs)], board).recommend(no_license).items
    assert rec.blockers[0].provided_by == "board"
    assert "the board provides" in rec.blockers[0].message


def test_a_suspended_license_needs_reinstatement_help_not_drivers_ed() -> None:
    eng = engine([program("drive", prerequisites={"drivers_license": True}, supports=["drivers_ed"])])
    assert ids(eng.recommend({**SEEKER, "barriers": ["suspended_license"]})) == []
    eng = engine([program("drive", prerequisites={"drivers_license": True}, supports=["license_reinstatement"])])
    assert ids(eng.recommend({**SEEKER, "barriers": ["suspended_license"]})) == ["drive"]


def test_unknown_license_never_excludes_and_is_listed_to_ask() -> None:
    [rec] = engine([program("drive", prerequisites={"drivers_license": True})]).recommend(SEEKER).items
    assert "Needs a driver's license; ask if you have one" in rec.checks
    assert not rec.flagged


def test_a_language_the_seeker_does_not_speak_excludes_unless_language_support() -> None:
    spanish_only = {**SEEKER, "languages": ["es"]}
    assert ids(engine([program("en")]).recommend(spanish_only)) == []
    [rec] = engine([program("en", supports=["language_support"])]).recommend(spanish_only).items
    assert rec.blockers[0].requirement == "language"
    assert ids(engine([program("es", languages=["es", "en"])]).recommend(spanish_only)) == ["es"]


def test_a_schedule_the_seeker_cannot_make_excludes_but_self_paced_does_not() -> None:
    evenings = {**SEEKER, "availability": {"times": ["evening"]}}
    eng = engine([program("day"), program("paced", schedule={"times": ["day"], "hours_per_week": 10,
                                                            "self_paced": True})])
    result = eng.recommend(evenings)
    assert ids(result) == ["paced"]
    assert result.excluded_by_reason == {"schedule": 1}


def test_more_hours_than_the_seeker_has_excludes() -> None:
    eng = engine([program("full", schedule={"times": ["day"], "hours_per_week": 40})])
    assert ids(eng.recommend({**SEEKER, "availability": {"max_hours_per_week": 20}})) == []


def test_distance_beyond_the_travel_mode_excludes_unless_transportation_help() -> None:
    transit = {**SEEKER, "travel": {"modes": ["transit"]}}  # 15 miles by transit
    eng = engine([program("near"), program("eugene", location=EUGENE), program("hills", location=HILLSBORO)])
    result = eng.recommend(transit)
    assert ids(result) == ["near"]  # Hillsboro is about 17 miles away, Eugene about 105
    assert result.excluded_by_reason == {"distance": 2}
    helped = engine([program("hills", location={**HILLSBORO}, supports=["transportation"]),
                     program("far", location={"zip": "97124", "latitude": 45.5229, "longitude": -122.9898},
                             supports=[])])
    walking = {**SEEKER, "travel": {"modes": ["walk"]}}
    result = helped.recommend(walking)
    assert ids(result) == ["hills"]
    assert result.items[0].blockers[0].requirement == "distance"


def test_unknown_travel_never_excludes_a_far_program_but_says_to_check() -> None:
    [rec] = engine([program("eugene", location=EUGENE)]).recommend(SEEKER).items
    assert any("miles away; check you can get there" in c for c in rec.checks)


def test_online_programs_are_excluded_only_when_the_seeker_says_online_is_not_ok() -> None:
    online = program("web", location={"delivery": "online", "zip": None, "latitude": None, "longitude": None,
                                      "county": None, "state": None})
    assert ids(engine([online]).recommend(SEEKER)) == ["web"]
    assert ids(engine([online]).recommend({**SEEKER, "travel": {"online_ok": False}})) == []


def test_education_minimum_excludes_and_unknown_education_is_a_check() -> None:
    eng = engine([program("hs", prerequisites={"min_education": "hs_diploma_or_ged"})])
    assert ids(eng.recommend({**SEEKER, "education": "some_high_school"})) == []
    assert ids(eng.recommend({**SEEKER, "education": "associate"})) == ["hs"]
    [rec] = eng.recommend(SEEKER).items
    assert any(c.startswith("Requires high school diploma or GED") for c in rec.checks)


def test_reading_below_the_minimum_excludes_unless_tutoring() -> None:
    needs = {"prerequisites": {"min_reading_grade": 9}}
    low = {**SEEKER, "reading_grade": 6}
    assert ids(engine([program("read", **needs)]).recommend(low)) == []
    [rec] = engine([program("read", **needs, supports=["tutoring"])]).recommend(low).items
    assert rec.blockers[0].message.startswith("Expects reading at grade 9; you read at grade 6")
    board = EngineConfig(board_supports=frozenset({Support.TUTORING}))
    assert ids(engine([program("read", **needs)], board).recommend(low)) == ["read"]


@pytest.mark.parametrize(("requirement", "answer"), [
    ({"work_authorization": True}, {"work_authorized": False}),
    ({"drug_test": True}, {"can_pass_drug_test": False}),
])
def test_work_authorization_and_drug_test_exclude_only_on_a_no(requirement: dict, answer: dict) -> None:
    eng = engine([program("p", prerequisites=requirement)])
    assert ids(eng.recommend({**SEEKER, **answer})) == []
    assert ids(eng.recommend(SEEKER)) == ["p"]


def test_heavy_work_excludes_a_seeker_limited_to_light_work_even_with_general_accommodations() -> None:
    needs = {"prerequisites": {"physical_demand": "heavy"}}
    light = {**SEEKER, "max_physical_demand": "light"}
    assert ids(engine([program("heavy", **needs)]).recommend(light)) == []
    # Offering disability accommodations in general does not make heavy work light ...
    assert ids(engine([program("heavy", **needs, supports=["accommodations"])]).recommend(light)) == []
    board = EngineConfig(board_supports=frozenset({Support.ACCOMMODATIONS}))
    assert ids(engine([program("heavy", **needs)], board).recommend(light)) == []


def test_physical_demand_is_kept_only_where_the_program_says_it_can_be_adjusted() -> None:
    needs = {"prerequisites": {"physical_demand": "heavy", "accommodates_physical_limits": True}}
    [rec] = engine([program("heavy", **needs)]).recommend({**SEEKER, "max_physical_demand": "light"}).items
    [blocker] = rec.blockers
    assert blocker.requirement == "physical_demand" and blocker.provided_by == "program"
    assert blocker.message == ("Physically demanding (heavy work): the program says it can adjust the work to "
                               "your limits")


def test_cost_the_seeker_cannot_pay_with_no_funding_is_a_blocker_that_excludes() -> None:
    broke = {**SEEKER, "max_cost_usd": 0}
    assert ids(engine([program("pricey", cost={"tuition_usd": 5000})]).recommend(broke)) == []
    [rec] = engine([program("pricey", cost={"tuition_usd": 5000, "funding": ["wioa_ita"]})]).recommend(broke).items
    assert rec.blockers[0].requirement == "cost"
    assert "WIOA training account" in rec.blockers[0].message


def test_excluded_counts_name_each_reason_and_hold_no_personal_details() -> None:
    eng = engine([program("adult", prerequisites={"min_age": 21}),
                  program("drive", prerequisites={"drivers_license": True}),
                  program("ok")])
    result = eng.recommend({**SEEKER, "age": 19, "barriers": ["no_drivers_license"]})
    assert ids(result) == ["ok"]
    assert result.excluded_by_reason == {"drivers_license": 1, "min_age": 1}
    assert result.excluded_count == 2 and result.eligible_count == 1
    assert "no_drivers_license" not in str(result.excluded_by_reason)


def test_every_kept_program_with_an_unmet_requirement_names_its_remedy() -> None:
    programs = [program("a", prerequisites={"drivers_license": True}, supports=["drivers_ed", "language_support"]),
                program("b", supports=["language_support"]),
                program("c", prerequisites={"min_math_grade": 10}, supports=["tutoring", "language_support"]),
                program("d", prerequisites={"min_math_grade": 10}, supports=["tutoring"])]
    result = engine(programs).recommend({**SEEKER, "barriers": ["no_drivers_license"], "languages": ["vi"],
                                         "math_grade": 5})
    by = by_id(result)
    assert set(by) == {"a", "b", "c"}  # d teaches only in English with no language support
    assert all(rec.blockers and all(b.remedy for b in rec.blockers) for rec in result.items)
    assert {b.requirement for b in by["a"].blockers} == {"drivers_license", "language"}


def test_a_seeker_older_than_the_maximum_age_is_excluded_and_unknown_age_is_a_check() -> None:
    eng = engine([program("youth", type="youth", prerequisites={"min_age": 16, "max_age": 24})])
    assert ids(eng.recommend({**SEEKER, "age": 24})) == ["youth"]
    assert ids(eng.recommend({**SEEKER, "age": 25})) == []
    assert eng.recommend({**SEEKER, "age": 25}).excluded_by_reason == {"max_age": 1}
    [rec] = eng.recommend(SEEKER).items
    assert "This program is for ages 16-24; confirm your age" in rec.checks


IWT = {"type": "incumbent_worker", "target_occupations": ["31-1131.00"], "prerequisites": {"must_be_employed": True}}


@pytest.mark.parametrize("status", ["unemployed", "not_in_labor_force"])
def test_training_for_people_already_employed_excludes_a_seeker_known_not_to_be(status: str) -> None:
    eng = engine([program("iwt", **IWT)])
    result = eng.recommend({**SEEKER, "employment_status": status, "work_history": ["31-1131.00"]})
    assert ids(result) == []
    assert result.excluded_by_reason == {"employment": 1}


@pytest.mark.parametrize("status", ["employed", "employed_notice_of_layoff"])
def test_training_for_people_already_employed_keeps_an_employed_seeker(status: str) -> None:
    eng = engine([program("iwt", **IWT)])
    [rec] = eng.recommend({**SEEKER, "employment_status": status}).items
    assert any("ask your employer" in c for c in rec.checks)


def test_unknown_employment_keeps_incumbent_training_only_for_someone_from_that_line_of_work() -> None:
    eng = engine([program("iwt", **IWT)])
    assert ids(eng.recommend(SEEKER)) == []
    assert eng.recommend(SEEKER).excluded_by_reason == {"employment": 1}
    assert ids(eng.recommend({**SEEKER, "work_history": ["41-2031.00"]})) == []  # retail: another field
    # the same job, or one in its SOC broad occupation (orderlies 31-1132 work beside nursing assistants)
    for held in ("31-1131.00", "31-1132.00"):
        [rec] = eng.recommend({**SEEKER, "work_history": [held]}).items
        assert "For people already working in this field — ask your employer" in rec.checks
    # O*NET calls a home health aide related, but it is not the job this employer training upgrades
    assert ids(eng.recommend({**SEEKER, "work_history": ["31-1121.00"]})) == []


@pytest.mark.parametrize(("excludes", "says"), [
    (["violent_felony"], "it does not screen out your record type, but confirm with the program"),
    ([], "lists nothing it screens out; ask the program whether your record matters"),
])
def test_a_background_check_kept_for_someone_with_a_record_is_never_silent(excludes: list[str], says: str) -> None:
    eng = engine([program("bg", prerequisites={"background_check": True, "background_exclusions": excludes})])
    [rec] = eng.recommend({**SEEKER, "barriers": ["justice_involved"], "record_categories": ["theft_fraud"]}).items
    assert any("Runs a background check" in c and says in c for c in rec.checks)


def test_a_flagged_background_check_names_the_remedy_not_a_second_check() -> None:
    eng = engine([program("bg", prerequisites={"background_check": True, "background_exclusions": ["drug_offense"]},
                          supports=["record_expungement"])])
    [rec] = eng.recommend({**SEEKER, "barriers": ["justice_involved"], "record_categories": ["drug_offense"]}).items
    assert [b.requirement for b in rec.blockers] == ["background"]
    assert not any("background check" in c for c in rec.checks)


# --------------------------------------------------------------------------- boundaries (the mutation run)


def test_a_seeker_exactly_the_minimum_age_is_eligible() -> None:
    eng = engine([program("p", prerequisites={"min_age": 18})])
    assert ids(eng.recommend({**SEEKER, "age": 18})) == ["p"]
    assert ids(eng.recommend({**SEEKER, "age": 17})) == []


def test_a_conviction_exactly_as_old_as_the_look_back_is_outside_it() -> None:
    pre = {"background_check": True, "background_exclusions": ["felony"], "background_lookback_years": {"felony": 7}}
    eng = engine([program("p", prerequisites=pre)])
    record = {**SEEKER, "barriers": ["justice_involved"], "record_categories": ["felony"]}
    assert ids(eng.recommend({**record, "years_since_conviction": 7})) == ["p"]
    assert ids(eng.recommend({**record, "years_since_conviction": 6.5})) == []
    [rec] = eng.recommend(record).items  # years unknown: kept, and asked
    assert any("confirm how many years ago" in c for c in rec.checks)


def test_a_look_back_on_a_category_the_seeker_does_not_have_screens_nothing() -> None:
    pre = {"background_check": True, "background_exclusions": ["theft_fraud"],
           "background_lookback_years": {"theft_fraud": 7}}
    record = {**SEEKER, "barriers": ["justice_involved"], "record_categories": ["drug_offense"],
              "years_since_conviction": 1}
    assert ids(engine([program("p", prerequisites=pre)]).recommend(record)) == ["p"]


def test_ged_help_waives_any_minimum_up_to_a_diploma_but_not_beyond() -> None:
    some_hs = program("a", prerequisites={"min_education": "some_high_school"}, supports=["ged_prep"])
    diploma = program("b", prerequisites={"min_education": "hs_diploma_or_ged"}, supports=["ged_prep"])
    college = program("c", prerequisites={"min_education": "some_college"}, supports=["ged_prep"])
    result = engine([some_hs, diploma, college]).recommend({**SEEKER, "education": "none"})
    assert sorted(ids(result)) == ["a", "b"]
    assert all(r.blockers[0].remedy == "ged_prep" for r in result.items)


def test_a_program_exactly_at_the_seekers_range_is_within_it() -> None:
    from matcher.geo import distance_miles, zip_point

    home = zip_point("97214")
    assert home is not None
    miles = float(distance_miles(home[0], home[1], [HILLSBORO["latitude"]], [HILLSBORO["longitude"]])[0])
    eng = engine([program("p", location=HILLSBORO)])
    assert ids(eng.recommend({**SEEKER, "travel": {"max_miles": miles + 0.01}})) == ["p"]
    assert ids(eng.recommend({**SEEKER, "travel": {"max_miles": miles - 0.05}})) == []


@pytest.mark.parametrize(("mode", "reach"), [("car", 40), ("ride_from_others", 25), ("transit", 15),
                                              ("bike", 8), ("walk", 2)])
def test_each_travel_mode_reaches_its_documented_range(mode: str, reach: float) -> None:
    from matcher.rules.distance import Distance  # noqa: F401 - documents where the rule lives
    from matcher.scoring import EngineConfig as Config

    assert Config().mode_miles[mode] == reach  # type: ignore[index]
    eugene_hills = engine([program("near", location=HILLSBORO)])
    result = eugene_hills.recommend({**SEEKER, "travel": {"modes": [mode]}})
    assert (ids(result) == ["near"]) is (reach >= 20)  # Hillsboro is about 17 miles away


def test_transportation_help_stretches_reach_to_forty_miles_and_no_farther() -> None:
    salem = {"zip": "97301", "latitude": 44.9429, "longitude": -123.0351, "county": "Marion", "state": "OR"}
    near_enough = engine([program("p", location=HILLSBORO, supports=["transportation"])])
    assert ids(near_enough.recommend({**SEEKER, "travel": {"max_miles": 5}})) == ["p"]
    too_far = engine([program("p", location=salem, supports=["transportation"])])  # about 46 miles
    assert ids(too_far.recommend({**SEEKER, "travel": {"max_miles": 5}})) == []
    stretched = engine([program("p", location=salem, supports=["transportation"])],
                       EngineConfig(remedy_distance_miles=50))
    assert ids(stretched.recommend({**SEEKER, "travel": {"max_miles": 5}})) == ["p"]
