"""The engine on programs imported from published sources: unknown stays unknown in what a coach reads.

A mapped import records how each field was obtained (``Program.provenance``): assumed
hours or class times never exclude, a cost the source did not report is never "$0", a
withheld outcome is said to be withheld, and wages outside the shipped regions are
labelled as national figures. Provider names spelled two ways share one diversity quota.
"""

from __future__ import annotations

from typing import Any

from test_engine_fixtures import engine, ids, program

from matcher.engine import EngineConfig
from matcher.features import outcome_fit, provider_codes, wage_area
from matcher.records import SourceRef

SEEKER = {"zip": "97214"}
SAN_ANTONIO = {"zip": "78210", "state": "TX", "county": "Bexar", "latitude": 29.39, "longitude": -98.47}


def imported(pid: str, provenance: list[dict[str, Any]], **fields: Any) -> Any:
    return program(pid, sources=[SourceRef(name="tx-etpl", record_id=pid)],
                   provenance=[{"source": f"tx-etpl:{pid}", **p} for p in provenance], **fields)


def test_assumed_hours_never_exclude_and_are_a_check() -> None:
    p = imported("p", [{"field": "schedule.hours_per_week", "status": "assumed", "note": "apprenticeships: 40"}],
                 schedule={"times": ["day"], "hours_per_week": 40})
    [rec] = engine([p]).recommend({**SEEKER, "availability": {"max_hours_per_week": 10}}).items
    assert "Hours a week are not reported; ask the provider" in rec.checks
    assert not any("Takes 40 hours" in c for c in rec.checks)
    reported = program("q", schedule={"times": ["day"], "hours_per_week": 40})
    assert ids(engine([reported]).recommend({**SEEKER, "availability": {"max_hours_per_week": 10}})) == []


def test_assumed_class_times_are_asked_about_not_described() -> None:
    p = imported("p", [{"field": "schedule.times", "status": "assumed"}],
                 schedule={"times": ["day", "evening", "weekend"], "hours_per_week": 20})
    [rec] = engine([p]).recommend({**SEEKER, "availability": {"times": ["evening"]}}).items
    assert "Class times are not reported; ask the provider" in rec.checks
    assert not any(c.startswith("Also meets at") for c in rec.checks)


def test_a_cost_the_source_did_not_report_is_never_zero_and_never_a_blocker() -> None:
    p = imported("p", [{"field": "cost.tuition_usd", "status": "not_reported"}],
                 cost={"tuition_usd": 0, "tuition_reported": False})
    [rec] = engine([p]).recommend({**SEEKER, "max_cost_usd": 0}).items
    assert "Cost is not reported; ask the provider" in rec.checks
    assert not rec.blockers and "No cost to you" not in rec.reasons
    assert not any("$0" in line for line in (*rec.checks, *rec.reasons))


def test_withheld_outcomes_are_said_to_be_withheld() -> None:
    p = imported("p", [{"field": "outcomes.completion_rate", "status": "suppressed"},
                       {"field": "outcomes.placement_rate", "status": "suppressed"}])
    [rec] = engine([p]).recommend(SEEKER).items
    assert "Its completion and job rates are withheld (too few students to publish)" in rec.checks
    assert not any("% of students" in r for r in rec.reasons)


def test_the_outcome_cohort_falls_back_to_people_who_exited_then_people_served() -> None:
    rates = {"completion_rate": 0.9, "placement_rate": 0.9}
    by_exited = program("p", outcomes={**rates, "total_exited": 180, "total_served": 400})
    by_served = program("q", outcomes={**rates, "total_served": 180})
    unknown = program("r", outcomes=rates)
    assert outcome_fit(by_exited) == outcome_fit(by_served) == (0.9 * 180 + 0.6 * 20) / 200
    assert outcome_fit(unknown) == (0.9 * 20 + 0.6 * 20) / 40


def test_a_texas_program_gets_national_wages_labelled_as_such() -> None:
    p = program("p", location=SAN_ANTONIO, target_occupations=["47-2061.00"], type="ojt",
                paid={"kind": "wage", "hourly_wage": 17})
    assert wage_area(p) == "national"
    [rec] = engine([p]).recommend({"zip": "78210"}).items
    assert any("(national figures)" in r for r in rec.reasons), rec.reasons
    assert wage_area(program("q")) == "portland"


def test_a_program_far_away_is_never_a_reason_it_fits() -> None:
    eugene = {"zip": "97401", "latitude": 44.0521, "longitude": -123.0868, "county": "Lane", "state": "OR"}
    [rec] = engine([program("p", location=eugene)]).recommend(SEEKER).items
    assert not any("miles from you" in r for r in rec.reasons)
    [near] = engine([program("q")]).recommend(SEEKER).items
    assert any("mile from you" in r or "miles from you" in r for r in near.reasons)


def test_provider_names_spelled_two_ways_share_one_diversity_quota() -> None:
    assert len(set(provider_codes(["National Flooring Contractors Apprenticeship Program",
                                   "National Flooring Contractors Appretniceship Program",
                                   "NATIONAL FLOORING CONTRACTORS APPRENTICESHIP PROGRAM, INC."]))) == 1
    assert len(set(provider_codes(["Acme Campus 2", "Acme Campus 3"]))) == 2
    typo = [program(f"a{i}", provider="Flooring Contractors Appretniceship Program") for i in range(3)]
    right = [program(f"b{i}", provider="Flooring Contractors Apprenticeship Program") for i in range(3)]
    other = [program(f"c{i}", provider="Other Trades School", outcomes={"completion_rate": 0.1}) for i in range(4)]
    result = engine([*typo, *right, *other], EngineConfig(max_per_provider=2, max_per_type=None,
                                                          diversity_margin=1.0)).recommend(SEEKER, top=4)
    flooring = [r for r in result.items if r.provider.startswith("Flooring")]
    assert len(flooring) == 2  # one provider, however it is spelled
