"""Known answers: each score component computed by hand from the formulas in docs/engine.md.

The engines here run without the taxonomy (no transferable skills, no O*NET related
occupations) and with fixed wage and target functions, so every number below follows
from the documented formula alone. A changed constant in matcher/scoring.py or
matcher/features.py breaks one of these tests (the mutation run in docs/benchmarks.md
checks that it does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from test_engine_fixtures import HILLSBORO, PDX, program

from matcher.engine import EngineConfig, Recommender
from matcher.geo import distance_miles, zip_point
from matcher.records import Program
from matcher.scoring import DEFAULT_WEIGHTS


@dataclass(frozen=True)
class Target:
    hourly_wage: float
    is_estimate: bool = False
    is_floor: bool = False


@dataclass(frozen=True)
class Wages:
    pct25: float | None
    median: float | None


def bare(programs: list[Program], config: EngineConfig | None = None, *, target: float | None = 30.0,
         wages: tuple[float | None, float | None] | None = None) -> Recommender:
    """No taxonomy, no normalizer; a fixed self-sufficiency target and OEWS figures."""
    return Recommender(
        config or EngineConfig(max_per_provider=None, max_per_type=None),
        taxonomy=False, normalizer=False,
        target_for_profile=(lambda p: Target(target)) if target is not None else False,
        wage_for=(lambda soc, area: Wages(*wages)) if wages is not None else False,
    ).fit(programs)


def parts(engine: Recommender, profile: dict[str, Any], program_id: str = "p") -> Any:
    [rec] = [r for r in engine.recommend(profile, top=None).items if r.program_id == program_id]
    return rec


SEEKER = {"zip": "97214"}


# --------------------------------------------------------------------------- skills


def test_skills_are_seven_tenths_starting_coverage_plus_three_tenths_transfer() -> None:
    p = program("p", prerequisites={"skills": ["cred:osha-10", "cred:flagger"]})
    assert parts(bare([p]), {**SEEKER, "skill_ids": ["cred:osha-10"]}).parts.skills == pytest.approx(0.7 * 0.5)
    assert parts(bare([p]), {**SEEKER, "skill_ids": []}).parts.skills == pytest.approx(0.0)
    assert parts(bare([program("p")]), SEEKER).parts.skills == pytest.approx(0.7)  # asks nothing: full coverage


def test_a_skill_the_taxonomy_links_to_the_target_adds_a_third_of_the_transfer() -> None:
    # With the taxonomy: cred:forklift is linked to 53-7051.00 (forklift operators).
    eng = Recommender(EngineConfig(max_per_provider=None, max_per_type=None), normalizer=False,
                      wage_for=False).fit([program("p", target_occupations=["53-7051.00"])])
    without = parts(eng, SEEKER).parts.skills
    with_skill = parts(eng, {**SEEKER, "skill_ids": ["cred:forklift"]}).parts.skills
    assert with_skill - without == pytest.approx(0.3 * 0.34, abs=1e-4)


# --------------------------------------------------------------------------- interest


@pytest.mark.parametrize(("profile", "expected"), [
    ({"interests": {"occupations": ["53-7062.00"]}}, 1.0),  # the program's own target
    ({"interests": {"occupations": ["53-7064.00"]}}, 0.6),  # same SOC minor group (53-70)
    ({"interests": {"occupations": ["53-3032.00"]}}, 0.35),  # same major group (53) only
    ({"interests": {"sectors": ["transportation_logistics"]}}, 0.8),
    ({"work_history": ["53-7062.00"]}, 0.6),  # a past job counts at 0.6
    ({"work_history": ["53-7062.00"], "interests": {"sectors": ["transportation_logistics"]}},
     1 - (1 - 0.6) * (1 - 0.8)),  # evidence combines
    ({"work_history": ["53-7064.00"], "interests": {"occupations": ["53-3032.00"]}},
     1 - (1 - 0.6 * 0.6) * (1 - 0.35)),
    ({"interests": {"sectors": ["healthcare"]}}, 0.0),  # named something, nothing close
    ({}, 0.5),  # named nothing: neutral for every program
])
def test_interest_follows_the_documented_levels(profile: dict[str, Any], expected: float) -> None:
    assert parts(bare([program("p")]), {**SEEKER, **profile}).parts.interest == pytest.approx(expected, abs=1e-6)


# --------------------------------------------------------------------------- practical


def test_practical_is_mean_of_schedule_and_language_times_reach() -> None:
    p = program("p", schedule={"times": ["day", "evening"], "hours_per_week": 20}, location=HILLSBORO,
                languages=["es"])
    seeker = {**SEEKER, "availability": {"times": ["day"]}, "languages": ["en", "es"],
              "travel": {"modes": ["car"], "max_miles": 20}}
    home = zip_point("97214")
    assert home is not None
    miles = float(distance_miles(home[0], home[1], np.array([HILLSBORO["latitude"]]),
                                 np.array([HILLSBORO["longitude"]]))[0])
    distance = 1 - miles / (1.25 * 20)
    rec = parts(bare([p]), seeker)
    assert rec.parts.schedule == pytest.approx(0.5)  # one of the two session times
    assert rec.parts.language == pytest.approx(0.8)  # a language she speaks, not her first
    assert rec.parts.distance == pytest.approx(distance, abs=1e-4)
    assert rec.parts.practical == pytest.approx((0.5 + 0.8) / 2 * (0.2 + 0.8 * distance), abs=1e-4)


def test_a_transit_rider_off_the_lines_keeps_seven_tenths_of_the_distance_fit() -> None:
    on = program("on", location={**PDX, "transit_access": True})
    off = program("off", location={**PDX, "transit_access": False})
    seeker = {**SEEKER, "travel": {"modes": ["transit"]}}
    eng = bare([on, off])
    assert parts(eng, seeker, "off").parts.distance == pytest.approx(0.7 * parts(eng, seeker, "on").parts.distance,
                                                                     abs=1e-3)


def test_tuition_beyond_means_keeps_eight_tenths_of_practical_and_unknown_places_half_the_distance() -> None:
    p = program("p", cost={"tuition_usd": 2000, "funding": ["wioa_ita"]})
    free = parts(bare([p]), SEEKER).parts.practical
    assert parts(bare([p]), {**SEEKER, "max_cost_usd": 100}).parts.practical == pytest.approx(0.8 * free, abs=1e-4)
    assert parts(bare([program("p")]), {}).parts.distance == pytest.approx(0.5)


# --------------------------------------------------------------------------- supports, earn, wage, outcomes


@pytest.mark.parametrize(("supports", "board", "barriers", "expected"), [
    (["childcare", "tutoring"], [], ["childcare", "basic_skills"], 1 - 0.5 ** 2),
    (["childcare"], ["tutoring"], ["childcare", "basic_skills"], 1 - 0.5 * 0.7),
    ([], [], ["childcare"], 0.0),
])
def test_supports_are_one_minus_half_per_program_support_and_seven_tenths_per_board_one(
        supports: list[str], board: list[str], barriers: list[str], expected: float) -> None:
    config = EngineConfig(max_per_provider=None, max_per_type=None, board_supports=frozenset(board))
    rec = parts(bare([program("p", supports=supports)], config), {**SEEKER, "barriers": barriers})
    assert rec.parts.supports == pytest.approx(expected)


@pytest.mark.parametrize(("changes", "expected"), [
    ({"type": "ojt", "paid": {"kind": "wage", "hourly_wage": 19}}, 1.0),
    ({"paid": {"kind": "stipend", "stipend_usd": 900}}, 0.6),
    ({"type": "registered_apprenticeship"}, 0.8),  # pays by design, no figure given
    ({}, 0.0),
])
def test_earn_follows_how_the_program_pays(changes: dict[str, Any], expected: float) -> None:
    assert parts(bare([program("p", **changes)]), SEEKER).parts.earn == pytest.approx(expected)


def test_wage_fit_is_six_tenths_start_and_four_tenths_median_against_the_target() -> None:
    p = program("p", outcomes={"median_starting_wage": 24})
    assert parts(bare([p], wages=(20.0, 36.0)), SEEKER).parts.wage == pytest.approx(0.6 * 24 / 30 + 0.4 * 1.0)
    # OEWS 25th percentile stands in for a missing starting wage; an unknown share counts 0.5.
    assert parts(bare([program("p")], wages=(21.0, None)), SEEKER).parts.wage == pytest.approx(
        0.6 * 21 / 30 + 0.4 * 0.5)
    assert parts(bare([program("p")]), SEEKER).parts.wage == pytest.approx(0.5)


def test_outcomes_shrink_toward_six_tenths_with_twenty_pseudo_students() -> None:
    p = program("p", outcomes={"completion_rate": 0.8, "placement_rate": 0.6, "cohort_size": 20})
    assert parts(bare([p]), SEEKER).parts.outcomes == pytest.approx((0.7 * 20 + 0.6 * 20) / 40)
    assert parts(bare([program("p")]), SEEKER).parts.outcomes == pytest.approx(0.6)


# --------------------------------------------------------------------------- progress and the total


def test_progress_drops_for_a_held_credential_and_for_the_same_job_with_nothing_new() -> None:
    p = program("p", credentials_awarded=["cred:cna"], target_occupations=["31-1131.00"], sector="healthcare")
    assert parts(bare([p]), SEEKER).parts.progress == pytest.approx(1.0)
    assert parts(bare([p]), {**SEEKER, "skill_ids": ["cred:cna"]}).parts.progress == pytest.approx(0.3)
    same = program("p", target_occupations=["31-1131.00"], sector="healthcare")
    assert parts(bare([same]), {**SEEKER, "work_history": ["31-1131.00"]}).parts.progress == pytest.approx(0.5)
    # the same job, but a credential she lacks: that is moving up
    assert parts(bare([p]), {**SEEKER, "work_history": ["31-1131.00"]}).parts.progress == pytest.approx(1.0)


def test_no_current_job_is_never_the_same_job_as_a_program_without_a_single_target() -> None:
    # "-1" means "none" on both sides (no current job; no single job the program leads to): never a match
    broad = program("p", target_occupations=["31-1131.00", "29-2061.00"], sector="healthcare")
    assert parts(bare([broad]), SEEKER).parts.progress == pytest.approx(1.0)


def test_the_score_is_the_weighted_sum_over_the_fixed_divisor() -> None:
    p = program("p", type="ojt", paid={"kind": "wage", "hourly_wage": 19}, supports=["childcare"],
                outcomes={"completion_rate": 0.9, "placement_rate": 0.8, "cohort_size": 30,
                          "median_starting_wage": 27})
    seeker = {**SEEKER, "needs_income": True, "barriers": ["childcare"], "interests": {"sectors": ["healthcare"]}}
    config = EngineConfig(max_per_provider=None, max_per_type=None)
    rec = parts(bare([p], config, wages=(25.0, 33.0)), seeker)
    w = DEFAULT_WEIGHTS
    q = rec.parts
    urgent = 1 - 0.5  # childcare is a pressing barrier met by the program
    raw = (w["skills"] * q.skills + w["interest"] * q.interest + w["practical"] * q.practical
           + w["supports"] * q.supports + w["earn"] * q.earn + w["wage"] * q.wage + w["outcomes"] * q.outcomes
           + w["progress"] * q.progress + config.income_priority * q.earn + config.urgent_priority * urgent)
    divisor = sum(w.values()) + config.income_priority + config.urgent_priority
    assert rec.score == pytest.approx(raw / divisor, abs=1e-4)


def test_a_barrier_adds_supports_credit_but_never_changes_the_divisor() -> None:
    eng = bare([program("p")])
    assert parts(eng, {**SEEKER, "barriers": ["childcare"]}).score == parts(eng, SEEKER).score


# --------------------------------------------------------------------------- more known answers (the mutation run)


def test_related_occupations_count_seven_tenths() -> None:
    from matcher.taxonomy import load_taxonomy

    tax = load_taxonomy()
    related = tax.occupations["47-2061.00"].related[0]  # an O*NET-related occupation of construction laborers
    eng = Recommender(EngineConfig(max_per_provider=None, max_per_type=None), normalizer=False, wage_for=False,
                      target_for_profile=False).fit([program("p", target_occupations=[related])])
    rec = parts(eng, {**SEEKER, "interests": {"occupations": ["47-2061.00"]}})
    assert rec.parts.interest == pytest.approx(0.7)


def test_a_hybrid_programs_trips_count_half_the_distance() -> None:
    home = zip_point("97214")
    assert home is not None
    miles = float(distance_miles(home[0], home[1], np.array([HILLSBORO["latitude"]]),
                                 np.array([HILLSBORO["longitude"]]))[0])
    hybrid = program("p", location={**HILLSBORO, "delivery": "hybrid"})
    rec = parts(bare([hybrid]), {**SEEKER, "travel": {"max_miles": 40}})
    assert rec.parts.distance == pytest.approx(1 - 0.5 * miles / (1.25 * 40), abs=1e-4)


def test_no_range_given_means_distance_fit_falls_to_zero_at_thirty_miles() -> None:
    home = zip_point("97214")
    assert home is not None
    miles = float(distance_miles(home[0], home[1], np.array([HILLSBORO["latitude"]]),
                                 np.array([HILLSBORO["longitude"]]))[0])
    rec = parts(bare([program("p", location=HILLSBORO)]), SEEKER)
    assert rec.parts.distance == pytest.approx(1 - miles / 30, abs=1e-4)


def test_self_paced_fits_any_schedule_and_weekend_sessions_count() -> None:
    paced = program("p", schedule={"times": ["day"], "hours_per_week": 10, "self_paced": True},
                    location={"delivery": "online"})
    weekend = program("p", schedule={"times": ["day", "weekend"], "hours_per_week": 10})
    evenings = {**SEEKER, "availability": {"times": ["evening", "weekend"]}}
    assert parts(bare([paced]), evenings).parts.schedule == pytest.approx(1.0)
    assert parts(bare([weekend]), evenings).parts.schedule == pytest.approx(0.5)


@pytest.mark.parametrize(("available", "expected"), [
    (["day", "evening", "weekend"], 1.0),  # all three of three session times: the top of the bit table
    (["day", "evening"], 2 / 3),
    (["weekend"], 1 / 3),
])
def test_schedule_fit_is_the_share_of_the_programs_session_times_the_seeker_can_attend(
        available: list[str], expected: float) -> None:
    every = program("p", schedule={"times": ["day", "evening", "weekend"], "hours_per_week": 10})
    seeker = {**SEEKER, "availability": {"times": available}}
    assert parts(bare([every]), seeker).parts.schedule == pytest.approx(expected, abs=1e-4)


def test_a_language_kept_through_support_fits_half() -> None:
    p = program("p", languages=["en"], supports=["language_support"])
    assert parts(bare([p]), {**SEEKER, "languages": ["vi"]}).parts.language == pytest.approx(0.5)
    assert parts(bare([program("p", languages=["vi", "en"])]), {**SEEKER, "languages": ["vi"]}).parts.language == 1.0


def test_a_median_below_the_target_counts_its_share() -> None:
    p = program("p", outcomes={"median_starting_wage": 24})
    assert parts(bare([p], wages=(20.0, 27.0)), SEEKER).parts.wage == pytest.approx(0.6 * 24 / 30 + 0.4 * 27 / 30)


def test_without_a_known_target_wages_are_compared_with_twenty_five_dollars() -> None:
    p = program("p", outcomes={"median_starting_wage": 20})
    rec = parts(bare([p], target=None, wages=(20.0, 20.0)), SEEKER)
    assert rec.parts.wage == pytest.approx(0.6 * 20 / 25 + 0.4 * 20 / 25)


def test_an_explicit_onet_element_counts_fully_toward_transfer() -> None:
    eng = Recommender(EngineConfig(max_per_provider=None, max_per_type=None), normalizer=False, wage_for=False,
                      target_for_profile=False).fit([program("p", target_occupations=["53-7062.00"])])
    base = parts(eng, SEEKER).parts.skills
    top = eng.catalog_.occ_element_weights[eng.catalog_.occ_index["53-7062.00"]]
    best = int(np.argmax(top))
    element = next(e for e, i in eng.catalog_.element_index.items() if i == best)
    with_element = parts(eng, {**SEEKER, "skill_ids": [element]}).parts.skills
    assert with_element - base == pytest.approx(0.3 * float(top[best]), abs=2e-4)


def test_missing_starting_skills_cost_their_share_of_the_total() -> None:
    asks = program("p", prerequisites={"skills": ["cred:osha-10", "cred:flagger"]})
    eng = bare([asks])
    full = parts(eng, {**SEEKER, "skill_ids": ["cred:osha-10", "cred:flagger"]}).score
    half = parts(eng, {**SEEKER, "skill_ids": ["cred:osha-10"]}).score
    divisor = sum(DEFAULT_WEIGHTS.values()) + EngineConfig().income_priority + EngineConfig().urgent_priority
    assert full - half == pytest.approx(DEFAULT_WEIGHTS["skills"] * 0.7 * 0.5 / divisor, abs=1e-4)  # shown to 4 places


def test_a_success_model_gets_twelve_hundredths_unless_weighted() -> None:
    assert EngineConfig().resolved_weights(has_success_model=True)["success"] == pytest.approx(0.12)
    weighted = EngineConfig(weights={"success": 0.3})
    assert weighted.resolved_weights(has_success_model=True)["success"] == pytest.approx(0.3)
    assert weighted.resolved_weights(has_success_model=False)["success"] == 0.0


@pytest.mark.parametrize(("changes", "field"), [
    ({"weights": {"wage": 10.5}}, "weights.wage"), ({"weights": {"wage": -0.1}}, "weights.wage"),
    ({"diversity_margin": 1.5}, "diversity_margin"), ({"diversity_margin": -0.1}, "diversity_margin"),
    ({"income_priority": -0.1}, "income_priority"), ({"urgent_priority": -0.1}, "urgent_priority"),
    ({"max_per_provider": 0}, "max_per_provider"),
])
def test_engine_settings_out_of_range_are_refused(changes: dict[str, Any], field: str) -> None:
    from matcher.errors import ValidationError

    with pytest.raises(ValidationError) as err:
        EngineConfig(**changes)
    assert err.value.field == field
    EngineConfig(weights={"wage": 10}, diversity_margin=1.0, income_priority=0.0)  # the bounds themselves are fine


# --------------------------------------------------------------------------- what the mutation run found


def test_a_big_batch_scores_progress_exactly_as_one_seeker_at_a_time() -> None:
    # Over SMALL_BATCH seekers, held credentials are found by a sparse product instead of per-row look-ups.
    from matcher.catalog import default_catalog
    from matcher.scoring import SMALL_BATCH

    engine = Recommender().fit(default_catalog())
    kinds = [
        {"zip": "97214", "skill_ids": ["cred:cna"], "work_history": ["31-1131.00"],
         "interests": {"sectors": ["healthcare"]}},  # holds the CNA and works as one: CNA courses drop
        {"zip": "97402", "interests": {"sectors": ["healthcare"]}},  # no current job, no credential
        {"zip": "97206", "skill_ids": ["cred:forklift", "cred:osha-10"],
         "interests": {"sectors": ["transportation_logistics", "construction"]}},
    ]
    seekers = [kinds[i % len(kinds)] for i in range(SMALL_BATCH + 8)]
    together = list(engine.rank_ids(seekers, top=None))
    one_by_one = [next(iter(engine.rank_ids([s], top=None))) for s in kinds]
    assert all(together[i] == one_by_one[i % len(kinds)] for i in range(len(seekers)))
    # and the first kind really is one whose progress part is below 1 somewhere
    first = engine.recommend(kinds[0], top=None)
    assert any(r.parts.progress < 1 for r in first.items)


def test_tuition_within_the_seekers_means_keeps_practical_whole() -> None:
    p = program("p", cost={"tuition_usd": 1000})
    free = parts(bare([p]), SEEKER).parts.practical
    within = parts(bare([p]), {**SEEKER, "max_cost_usd": 5000}).parts.practical
    assert within == pytest.approx(free)


def test_scores_are_rounded_to_six_decimals() -> None:
    from matcher.catalog import default_catalog

    engine = Recommender().fit(default_catalog())
    [row] = engine.rank_ids([{"zip": "97214", "interests": {"sectors": ["construction"]}}], top=None)
    scores = [s for _, s in row]
    # float32 totals: a score sits within float32 precision of its 6-decimal value
    assert all(abs(round(s, 6) - s) < 1e-7 for s in scores)
    assert sum(abs(round(s, 5) - s) > 1e-7 for s in scores) > len(scores) // 2  # the sixth decimal is kept


def test_the_documented_defaults_are_the_engines() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "engine.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| (`[^|]+) \| ([^|]+) \|", doc, flags=re.M))
    c = EngineConfig()
    assert float(rows["`default_target_wage`"]) == c.default_target_wage
    assert int(rows["`candidate_factor`"]) == c.candidate_factor
    assert rows["`[priorities] income`, `urgent`"].strip() == f"{c.income_priority}, {c.urgent_priority}"
    assert rows["`[diversity] max_per_provider`, `max_per_type`, `margin`, `off`"].strip() == \
        f"{c.max_per_provider}, {c.max_per_type}, {c.diversity_margin}, false"
    assert float(rows["`[travel] remedy_distance_miles`"]) == c.remedy_distance_miles
    assert float(rows["`[travel] transit_line_factor`"]) == c.transit_line_factor
    modes = dict(item.split() for item in rows["`[travel.mode_miles]`"].split(","))
    assert {m: float(v) for m, v in modes.items()} == {m.value: v for m, v in c.mode_miles.items()}


def test_a_limit_of_one_per_provider_or_type_is_allowed() -> None:
    config = EngineConfig(max_per_provider=1, max_per_type=1)
    assert (config.max_per_provider, config.max_per_type) == (1, 1)


def test_a_program_kept_beyond_the_seekers_range_by_transportation_help_has_a_distance_fit_of_zero() -> None:
    # Hillsboro is about 15 miles from 97214; a 5-mile range, stretched by the program's transportation help
    far = program("p", location=HILLSBORO, supports=["transportation", "transit_pass"])
    rec = parts(bare([far]), {**SEEKER, "travel": {"modes": ["transit"], "max_miles": 5}, "barriers": ["no_car"]})
    assert rec.parts.distance == 0.0
