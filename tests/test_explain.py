"""Reasons, gaps, supports, blockers and checks read as plain sentences a coach can say aloud."""

from __future__ import annotations

from dataclasses import dataclass

from test_engine_fixtures import engine, program

from matcher.engine import EngineConfig
from matcher.records import Support

SEEKER = {"zip": "97214"}


@dataclass(frozen=True)
class Target:
    hourly_wage: float
    is_estimate: bool = False
    county_name: str = "Multnomah County"
    is_floor: bool = False


@dataclass(frozen=True)
class Wages:
    pct25: float | None
    median: float | None


def test_starting_skills_the_seeker_has_are_counted() -> None:
    skills = ["skill:hand-tools", "skill:power-tools", "cred:osha-10", "skill:blueprint-reading", "cred:flagger"]
    [rec] = engine([program("p", prerequisites={"skills": skills})]).recommend(
        {**SEEKER, "skill_ids": skills[:4]}).items
    assert ("You already have 4 of the 5 starting skills: Hand tools, Power tools, OSHA 10-Hour "
            "Construction/General Industry card and Blueprint reading") in rec.reasons
    [gap] = [g for g in rec.skill_gaps if g.kind == "required"]
    assert gap.skill_id == "cred:flagger"
    assert gap.message == "Expects Flagger certification at the start; you do not have it yet"


def test_what_the_program_teaches_is_listed_except_what_the_seeker_already_has() -> None:
    [rec] = engine([program("p", skills_taught=["skill:pallet-jack", "skill:inventory"],
                            credentials_awarded=["cred:forklift"])]).recommend(
        {**SEEKER, "skill_ids": ["skill:inventory"]}).items
    taught = [g.message for g in rec.skill_gaps if g.kind == "taught"]
    assert taught == ["You will earn Forklift operator certification", "You will learn Pallet jack"]


def test_pay_while_training_is_said_in_dollars_per_hour() -> None:
    [rec] = engine([program("p", type="ojt", paid={"kind": "wage", "hourly_wage": 19})]).recommend(SEEKER).items
    assert "Pays $19/hour during training" in rec.reasons


def test_a_support_that_meets_a_barrier_is_said_once_as_a_reason() -> None:
    [rec] = engine([program("p", supports=["childcare"])]).recommend({**SEEKER, "barriers": ["childcare"]}).items
    assert "Offers childcare support" in rec.reasons
    assert [s.message for s in rec.supports] == []  # already said under Why


def test_a_support_beyond_the_six_reasons_is_still_listed_under_supports() -> None:
    supports = ["childcare", "housing_referral", "transit_pass", "tutoring", "mentoring", "case_management",
                "digital_skills", "language_support"]
    [rec] = engine([program("p", supports=supports, outcomes={"completion_rate": 0.8, "placement_rate": 0.7})]
                   ).recommend({**SEEKER, "barriers": ["childcare", "homeless", "no_car", "basic_skills",
                                                      "justice_involved", "long_term_unemployed",
                                                      "digital_literacy", "limited_english"]}).items
    named = " ".join(rec.reasons) + " " + " ".join(s.message for s in rec.supports)
    for support in supports:
        assert Support(support).label in named
    assert len(rec.reasons) <= 6


def test_a_schedule_inside_the_seekers_availability_is_a_reason() -> None:
    [rec] = engine([program("p", schedule={"times": ["evening"], "hours_per_week": 9})]).recommend(
        {**SEEKER, "availability": {"times": ["evening", "weekend"]}}).items
    assert "Evening classes match your availability" in rec.reasons


def test_wage_outlook_is_compared_with_the_self_sufficiency_target() -> None:
    eng = engine([program("p", outcomes={"median_starting_wage": 27})],
                 target_for_profile=lambda profile: Target(31.0), wage_for=lambda soc, area: Wages(26.0, 35.0))
    [rec] = eng.recommend(SEEKER).items
    assert ("Jobs it leads to start at about $27/hour; the typical wage in this job, $35/hour, reaches your "
            "self-sufficiency target of $31/hour with experience") in rec.reasons
    eng = engine([program("p", outcomes={"median_starting_wage": 33})],
                 target_for_profile=lambda profile: Target(31.0), wage_for=lambda soc, area: Wages(26.0, 35.0))
    reasons = eng.recommend(SEEKER).items[0].reasons
    assert "Jobs it leads to start at about $33/hour, which meets your self-sufficiency target of $31/hour" in reasons


def test_training_pay_and_the_jobs_wage_are_told_apart() -> None:
    eng = engine([program("p", type="ojt", paid={"kind": "wage", "hourly_wage": 24.06},
                          outcomes={"median_starting_wage": 31})],
                 target_for_profile=lambda profile: Target(28.0), wage_for=lambda soc, area: Wages(26.0, 35.0))
    reasons = eng.recommend(SEEKER).items[0].reasons
    assert "Pays $24.06/hour during training" in reasons
    assert "Jobs after it start at about $31/hour, which meets your self-sufficiency target of $28/hour" in reasons


def test_a_minimum_wage_floor_target_is_never_called_self_sufficiency() -> None:
    eng = engine([program("p", outcomes={"median_starting_wage": 20})],
                 target_for_profile=lambda profile: Target(16.30, is_estimate=True, is_floor=True),
                 wage_for=lambda soc, area: Wages(18.0, 22.0))
    result = eng.recommend(SEEKER)
    text = " ".join(result.items[0].reasons)
    assert "which meets the $16.30/hour minimum wage used as your wage target" in text
    assert "meets your self-sufficiency target" not in text
    assert any("is the minimum wage" in n and "likely higher" in n for n in result.notes)


def test_a_wage_below_the_target_is_said_plainly_as_something_to_know() -> None:
    eng = engine([program("p")], target_for_profile=lambda profile: Target(31.0),
                 wage_for=lambda soc, area: Wages(15.0, 18.0))
    [rec] = eng.recommend(SEEKER).items
    assert ("The typical wage in this job, $18/hour, is below your self-sufficiency target of $31/hour"
            in rec.checks)


def test_unanswered_requirements_become_checks_in_plain_words() -> None:
    [rec] = engine([program("p", prerequisites={"drivers_license": True, "drug_test": True, "min_age": 18,
                                                "background_check": True, "background_exclusions": ["felony"]})]
                   ).recommend(SEEKER).items
    assert "Needs a driver's license; ask if you have one" in rec.checks
    assert "Requires a drug test; check this is OK" in rec.checks
    assert "You must be at least 18; confirm your age" in rec.checks
    assert any(c.startswith("Runs a background check (screens out: felonies, violent felonies, sex offenses)")
               for c in rec.checks)


def test_a_board_provided_remedy_is_worded_as_the_board_providing_it() -> None:
    config = EngineConfig(board_supports=frozenset({Support.TRANSPORTATION}))
    far = {"zip": "97124", "latitude": 45.5229, "longitude": -122.9898}
    [rec] = engine([program("p", location=far)], config).recommend(
        {**SEEKER, "travel": {"modes": ["bike"]}}).items
    [blocker] = rec.blockers
    assert blocker.message == "About 17 miles away, farther than you can travel: the board provides transportation help"


def test_reasons_are_short_and_at_most_six() -> None:
    [rec] = engine([program("p", type="ojt", paid={"kind": "wage", "hourly_wage": 21}, supports=["childcare",
                    "transit_pass", "tutoring"], outcomes={"completion_rate": 0.8, "placement_rate": 0.7})]).recommend(
        {**SEEKER, "barriers": ["childcare", "no_car", "basic_skills"], "interests": {"occupations": ["53-7062.00"]},
         "availability": {"times": ["day"]}}).items
    assert 1 <= len(rec.reasons) <= 6
    assert all(len(r) < 160 and not r.endswith(".") for r in rec.reasons)
    assert rec.reasons[0].startswith("Leads to Laborers and Freight")  # interest: the heaviest component here


def test_the_list_explains_what_it_could_not_use() -> None:
    result = engine([program("p")]).recommend({"interests": {"sectors": ["healthcare"]}})
    assert "No ZIP code given, so distance was not considered" in result.notes


def test_a_zip_code_we_do_not_know_is_said_not_silently_ignored() -> None:
    result = engine([program("p")]).recommend({"zip": "00000"})
    assert "ZIP 00000 is not a ZIP code we know, so distance was not considered" in result.notes
    assert "No ZIP code given, so distance was not considered" in engine([program("p")]).recommend({}).notes


def test_to_dict_gives_every_field_of_every_record_and_nothing_private() -> None:
    import dataclasses

    from matcher.results import Recommendation, RecommendationList

    result = engine([program("p", supports=["childcare"])]).recommend({**SEEKER, "barriers": ["childcare", "no_car"]})
    data = result.to_dict()
    assert set(data) == {f.name for f in dataclasses.fields(RecommendationList)}
    item = data["items"][0]
    assert set(item) == {f.name for f in dataclasses.fields(Recommendation)} | {"flagged", "needs_funding"}
    assert isinstance(item["parts"], dict) and isinstance(item["reasons"], list)
    assert all(isinstance(s, dict) and "message" in s for s in data["to_arrange"])
    assert "_arrange" not in item


def test_occupations_in_a_reason_are_titled_in_the_reader_s_language() -> None:
    from matcher import i18n

    built = engine([program("p", target_occupations=["47-2031.00"])])
    profile = {**SEEKER, "work_history": ["47-3012.00"]}
    [rec] = built.recommend(profile).items
    assert "Leads to Carpenters, close to your work as Helpers--Carpenters" in rec.reasons
    with i18n.language("es"):
        [rec] = built.recommend(profile).items
    assert "Lleva a Carpinteros, parecido a su trabajo como Ayudantes de carpintero" in rec.reasons


def test_skills_in_a_reason_are_named_in_the_reader_s_language() -> None:
    from matcher import i18n

    skills = ["skill:hand-tools", "skill:blueprint-reading"]
    built = engine([program("p", prerequisites={"skills": skills})])
    with i18n.language("es"):
        [rec] = built.recommend({**SEEKER, "skill_ids": skills}).items
    assert any("Herramientas de mano" in r and "Lectura de planos" in r for r in rec.reasons), rec.reasons
