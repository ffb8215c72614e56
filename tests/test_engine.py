"""The engine's public behaviour: ranking, determinism, barriers, income, diversity, batch, API shape."""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_engine_fixtures import by_id, engine, ids, program

from matcher.engine import EngineConfig, Recommender, recommend, recommend_batch
from matcher.errors import ValidationError
from matcher.records import Support

SEEKER = {"zip": "97214"}


def test_a_kiosk_user_with_only_a_zip_and_two_interests_gets_a_ranked_list_from_the_sample_catalog() -> None:
    result = recommend({"zip": "97402", "interests": {"sectors": ["healthcare", "construction"]}})
    assert len(result.items) == 10
    assert [r.rank for r in result.items] == list(range(1, 11))
    assert all(r.reasons for r in result.items)
    assert result.items[0].sector in {"healthcare", "construction"}


def test_a_full_coach_intake_is_ranked_with_gaps_supports_and_checks() -> None:
    profile = {
        "id": "case-17", "skill_ids": ["cred:osha-10", "skill:hand-tools", "skill:power-tools"],
        "work_history": ["47-2061.00"], "education": "hs_diploma_or_ged", "reading_grade": 10, "math_grade": 9,
        "interests": {"sectors": ["construction"], "occupations": ["47-2111.00"]}, "zip": "97217", "age": 29,
        "availability": {"times": ["day", "evening"], "max_hours_per_week": 40},
        "travel": {"modes": ["transit", "bike"], "max_miles": 20}, "needs_income": True, "max_cost_usd": 200,
        "household": {"adults": 1, "children": 2}, "languages": ["en", "es"],
        "barriers": ["childcare", "no_car"], "work_authorized": True, "can_pass_drug_test": True,
    }
    result = recommend(profile)
    assert result.profile_id == "case-17"
    assert result.items and all(r.distance_miles is None or r.distance_miles <= 20 for r in result.items)
    # Each barrier is answered once: by the program (Why or Supports) or in the list's "to arrange".
    arranged = {s.support: set(s.ranks) for s in result.to_arrange}
    for r in result.items:
        said = " ".join(r.reasons) + " " + " ".join(s.message for s in r.supports)
        assert "childcare" in said or r.rank in arranged.get("childcare", set())
        assert "transit" in said or "transportation" in said or r.rank in arranged.get("transit_pass", set())
    assert result.target_wage is not None


def test_same_input_gives_the_same_output() -> None:
    profile = {"zip": "97214", "interests": {"sectors": ["technology"]}, "barriers": ["digital_literacy"]}
    assert recommend(profile).to_dict() == recommend(profile).to_dict()


def test_ties_break_by_program_id() -> None:
    eng = engine([program(i) for i in ("m", "c", "x", "a")], EngineConfig(max_per_provider=None, max_per_type=None))
    result = eng.recommend(SEEKER, top=None)
    assert len({r.score for r in result.items}) == 1
    assert ids(result) == ["a", "c", "m", "x"]


def test_a_program_that_meets_a_barrier_ranks_above_an_identical_one_that_does_not() -> None:
    eng = engine([program("a-plain"), program("b-childcare", supports=["childcare"])])
    with_barrier = eng.recommend({**SEEKER, "barriers": ["childcare"]})
    assert ids(with_barrier) == ["b-childcare", "a-plain"]
    assert "Offers childcare support" in with_barrier.items[0].reasons
    assert ids(eng.recommend(SEEKER)) == ["a-plain", "b-childcare"]  # no barrier: a tie, broken by id


def test_board_provided_supports_count_with_board_wording() -> None:
    config = EngineConfig(board_supports=frozenset({Support.TRANSIT_PASS}))
    [rec] = engine([program("p")], config).recommend({**SEEKER, "barriers": ["no_car"]}).items
    assert rec.supports[0].provided_by == "board"
    assert rec.supports[0].message == "The board provides a transit pass"
    assert rec.parts.supports > 0


def test_an_unmet_barrier_is_a_support_to_arrange_said_once_for_the_list() -> None:
    result = engine([program("p"), program("q", supports=["housing_referral"])]).recommend(
        {**SEEKER, "barriers": ["housing_instability"]})
    [arrange] = result.to_arrange
    assert arrange.provided_by == "arrange" and arrange.message == "Arrange housing referrals with your coach"
    by_id = {r.program_id: r for r in result.items}
    assert arrange.ranks == (by_id["p"].rank,)
    assert all(s.provided_by != "arrange" for r in result.items for s in r.supports)


def test_a_seeker_who_needs_income_now_sees_paid_options_first() -> None:
    programs = [program("a-class", outcomes={"completion_rate": 0.95, "placement_rate": 0.9, "cohort_size": 200}),
                program("b-class", outcomes={"completion_rate": 0.9, "placement_rate": 0.9, "cohort_size": 200}),
                program("y-ojt", type="ojt", paid={"kind": "wage", "hourly_wage": 19},
                        target_occupations=["53-7065.00"]),
                program("z-stipend", paid={"kind": "stipend", "stipend_usd": 2000}, target_occupations=["53-7065.00"])]
    eng = engine(programs, EngineConfig(max_per_provider=None))
    seeker = {**SEEKER, "interests": {"occupations": ["53-7062.00"]}}
    assert ids(eng.recommend(seeker))[:2] == ["a-class", "b-class"]  # closer to what they asked for
    needs = ids(eng.recommend({**seeker, "needs_income": True}))
    assert needs[:2] == ["y-ojt", "z-stipend"]
    assert ids(eng.recommend({**seeker, "barriers": ["no_income_while_training"]}))[:2] == ["y-ojt", "z-stipend"]


def test_top_list_is_not_all_one_provider_when_a_close_alternative_exists() -> None:
    programs = [program(f"a{i}", provider="Big Provider", outcomes={"placement_rate": 0.9, "cohort_size": 100})
                for i in range(5)] + [program("z-other", provider="Small Provider")]
    diverse = engine(programs).recommend(SEEKER, top=3)
    assert "z-other" in ids(diverse)
    plain = engine(programs, EngineConfig(max_per_provider=None, max_per_type=None)).recommend(SEEKER, top=3)
    assert ids(plain) == ["a0", "a1", "a2"]
    strict = engine(programs, EngineConfig(diversity_margin=0.0)).recommend(SEEKER, top=3)
    assert ids(strict) == ["a0", "a1", "a2"]  # no alternative within a zero margin


def test_once_every_close_provider_is_at_quota_the_less_represented_one_comes_next() -> None:
    big = [program(f"a{i}", provider="Big Provider", outcomes={"placement_rate": 0.9, "cohort_size": 100})
           for i in range(6)]
    mid = [program(f"m{i}", provider="Mid Provider", outcomes={"placement_rate": 0.8, "cohort_size": 100})
           for i in range(3)]
    listed = ids(engine(big + mid, EngineConfig(max_per_type=None)).recommend(SEEKER, top=6))
    assert listed == ["a0", "a1", "m0", "m1", "a2", "m2"]


def test_tuition_the_seeker_cannot_pay_ranks_below_a_free_twin_when_funding_must_be_arranged() -> None:
    programs = [program("a-tuition", cost={"tuition_usd": 2000, "funding": ["wioa_ita"]}), program("b-free")]
    eng = engine(programs)
    assert ids(eng.recommend({**SEEKER, "max_cost_usd": 0})) == ["b-free", "a-tuition"]
    unsaid = by_id(eng.recommend(SEEKER))
    assert unsaid["a-tuition"].score == unsaid["b-free"].score  # cost unknown: no preference


def test_batch_gives_the_same_lists_as_one_at_a_time() -> None:
    profiles = [{"zip": z, "interests": {"sectors": [s]}, "barriers": b}
                for z, s, b in [("97214", "healthcare", []), ("97402", "construction", ["childcare"]),
                                ("98660", "technology", ["no_car"]), ("97266", "hospitality", [])]]
    batch = [r.to_dict() for r in recommend_batch(profiles, chunk_size=3)]
    single = [recommend(p).to_dict() for p in profiles]
    assert batch == single


def test_fit_returns_self_and_compiles_once() -> None:
    eng = Recommender(normalizer=False)
    assert eng.fit([program("p")]) is eng
    compiled = eng.catalog_
    eng.recommend(SEEKER)
    list(eng.recommend_batch([SEEKER, SEEKER]))
    assert eng.catalog_ is compiled


def test_recommend_before_fit_is_a_clear_error() -> None:
    with pytest.raises(ValidationError) as err:
        Recommender().recommend(SEEKER)
    assert err.value.field == "catalog"


def test_free_text_that_cannot_be_matched_is_reported() -> None:
    result = engine([program("p")]).recommend({**SEEKER, "skills": ["zzqx frobnication"]})
    [unmatched] = result.unmatched
    assert unmatched.field == "skills"
    assert unmatched.message.startswith("We could not match 'zzqx frobnication'")


def test_canonical_ids_and_codes_are_used_without_a_normalizer() -> None:
    eng = engine([program("p", prerequisites={"skills": ["cred:forklift"]}), program("q")])
    result = eng.recommend({**SEEKER, "skill_ids": ["cred:forklift"], "interests": {"occupations": ["537062"]}})
    assert not result.unmatched
    assert by_id(result)["p"].parts.skills > 0.7


def test_the_profile_has_no_demographic_fields() -> None:
    with pytest.raises(ValidationError) as err:
        recommend({**SEEKER, "race_ethnicity": ["x"]})
    assert err.value.field == "race_ethnicity"


def test_a_bad_profile_names_the_field() -> None:
    with pytest.raises(ValidationError) as err:
        recommend({"zip": "not a zip"})
    assert err.value.field == "zip"


@pytest.mark.parametrize("top", [0, -1, 2.5])
def test_top_must_be_a_positive_whole_number(top: object) -> None:
    with pytest.raises(ValidationError):
        engine([program("p")]).recommend(SEEKER, top=top)  # type: ignore[arg-type]


def test_top_none_returns_every_eligible_program() -> None:
    eng = engine([program(f"p{i}") for i in range(25)] + [program("old", prerequisites={"min_age": 30})])
    result = eng.recommend({**SEEKER, "age": 20}, top=None)
    assert sorted(ids(result)) == sorted(f"p{i}" for i in range(25))


class FavourOne:
    """A stand-in success model: certain about one program, unsure about the rest."""

    def __init__(self, favourite: str) -> None:
        self.favourite = favourite

    def predict(self, batch, catalog, columns):  # noqa: ANN001, ANN201 - matches the SuccessModel protocol
        row = np.where(catalog.ids[columns] == self.favourite, 1.0, 0.2).astype(np.float32)
        return np.broadcast_to(row, (batch.size, len(columns)))


def test_the_success_model_hook_adds_a_component_only_when_a_model_is_given() -> None:
    programs = [program("a"), program("b")]
    plain = engine(programs).recommend(SEEKER)
    assert ids(plain) == ["a", "b"] and plain.items[0].parts.success is None
    with_model = engine(programs, success_model=FavourOne("b")).recommend(SEEKER)
    assert ids(with_model) == ["b", "a"]
    # What a person sees carries no number the model made about them: no success part, and scores
    # relative to the list's best; the component itself is in the engine's arrays.
    assert [r.parts.success for r in with_model.items] == [None, None]
    assert with_model.items[0].score == 1.0 and with_model.items[1].score < 1.0
    eng = engine(programs, success_model=FavourOne("b"))
    _, comps = eng.score_details(eng.compile_seekers([SEEKER]), np.arange(2))
    success_of = dict(zip(eng.catalog_.ids, comps.parts["success"][0]))
    assert success_of["b"] == pytest.approx(1.0) and success_of["a"] == pytest.approx(0.2)


def test_results_are_frozen_and_serialise_to_json() -> None:
    result = recommend({"zip": "97214", "interests": {"sectors": ["healthcare"]}, "barriers": ["childcare"]})
    text = json.dumps(result.to_dict())
    data = json.loads(text)
    assert data["items"][0]["parts"]["skills"] >= 0
    assert "flagged" in data["items"][0]
    with pytest.raises(AttributeError):
        result.items[0].score = 1.0  # type: ignore[misc]


def test_scores_stay_between_zero_and_one() -> None:
    barriers = ["childcare", "no_car", "homeless", "basic_skills", "digital_literacy"]
    result = recommend({"zip": "97214", "needs_income": True, "barriers": barriers}, top=None)
    assert all(0 <= r.score <= 1 for r in result.items)


def test_config_rejects_unknown_weights_and_bad_limits() -> None:
    with pytest.raises(ValidationError) as err:
        EngineConfig(weights={"vibes": 1.0})
    assert err.value.field == "weights"
    with pytest.raises(ValidationError):
        EngineConfig(max_per_provider=0)


def test_a_county_without_figures_is_reported_and_ranking_goes_on() -> None:
    result = engine([program("p")]).recommend({**SEEKER, "household": {"county": "Atlantis"}})
    assert ids(result) == ["p"]
    assert [u.field for u in result.unmatched] == ["household.county"]


@pytest.mark.parametrize("typed", ["driver's license", "drivers license", "DL", "class C license", "CDL"])
def test_a_drivers_license_typed_as_a_skill_counts_as_holding_one(typed: str) -> None:
    eng = engine([program("drive", prerequisites={"drivers_license": True})], normalizer=None)
    [rec] = eng.recommend({**SEEKER, "skills": [typed]}).items
    assert not any("driver's license" in c for c in rec.checks)
    [unknown] = eng.recommend(SEEKER).items
    assert "Needs a driver's license; ask if you have one" in unknown.checks


def test_a_cdl_implies_a_drivers_license_for_programs_that_ask_for_one() -> None:
    eng = engine([program("drive", prerequisites={"skills": ["cred:drivers-license"]})])
    [rec] = eng.recommend({**SEEKER, "skill_ids": ["cred:cdl-b"]}).items
    assert rec.skill_gaps == () or all(g.kind != "required" for g in rec.skill_gaps)
    [without] = eng.recommend(SEEKER).items
    assert [g.skill_id for g in without.skill_gaps if g.kind == "required"] == ["cred:drivers-license"]



@pytest.mark.parametrize(("barrier", "support"), [("homeless", "housing_referral"),
                                                  ("housing_instability", "housing_referral"),
                                                  ("single_parent", "childcare"), ("childcare", "childcare")])
def test_a_program_meeting_a_pressing_barrier_outranks_one_marginally_better_on_interest(barrier: str,
                                                                                        support: str) -> None:
    # "a" leads to the job named; "b" to an O*NET-related one (interest 0.7, not 1)
    programs = [program("a-named-job"), program("b-meets-need", target_occupations=["53-7064.00"],
                                                supports=[support, "tutoring"])]
    eng = engine(programs)
    seeker = {**SEEKER, "interests": {"occupations": ["53-7062.00"]}}
    assert ids(eng.recommend(seeker)) == ["a-named-job", "b-meets-need"]
    # an ordinary barrier's support (tutoring) is not enough to overturn the interest gap ...
    assert ids(eng.recommend({**seeker, "barriers": ["basic_skills"]})) == ["a-named-job", "b-meets-need"]
    # ... a pressing one is, and its support is named before the other supports
    rec = eng.recommend({**seeker, "barriers": ["basic_skills", barrier]})
    assert ids(rec) == ["b-meets-need", "a-named-job"]
    offers = [r for r in rec.items[0].reasons if r.startswith("Offers")]
    assert offers[0] == f"Offers {Support(support).label}"


def test_board_housing_help_counts_toward_a_pressing_need_but_less_than_the_programs_own() -> None:
    programs = [program("a-own", supports=["housing_referral"]), program("b-none")]
    board = EngineConfig(board_supports=frozenset({Support.HOUSING_REFERRAL}))
    scores = {r.program_id: r.score for r in engine(programs, board).recommend({**SEEKER, "barriers": ["homeless"]})}
    plain = {r.program_id: r.score for r in engine(programs).recommend({**SEEKER, "barriers": ["homeless"]})}
    assert scores["a-own"] > scores["b-none"] > plain["b-none"]


# --------------------------------------------------------------------------- batch ranking internals


def _replicated_catalog(copies: int = 3) -> list:
    """The sample catalog plus copies under new ids: exact score ties and crowded providers."""
    from matcher.catalog import default_catalog

    base = list(default_catalog().programs)
    out = list(base)
    for k in range(1, copies):
        # the first copy keeps its provider (crowding it), later ones spread over a few new ones
        out += [p.model_copy(update={"id": f"{p.id}-c{k}",
                                     "provider": p.provider if k == 1 else f"{p.provider} #{i % 3}"})
                for i, p in enumerate(base)]
    return out


CASELOAD = [
    {"zip": "97214", "interests": {"sectors": ["healthcare", "construction"]}},
    {"zip": "97402", "skills": ["forklift"], "interests": {"occupations": ["53-7062.00"]},
     "availability": {"times": ["evening"]}, "travel": {"modes": ["transit"]}, "barriers": ["childcare"]},
    {"zip": "98660", "age": 22, "education": "hs_diploma_or_ged", "reading_grade": 7, "max_cost_usd": 500,
     "needs_income": True, "languages": ["es", "en"], "work_history": ["47-2061.00"], "barriers": ["homeless"]},
    {"zip": "97266", "travel": {"max_miles": 12.3}, "interests": {"sectors": ["technology"]}},
    {},
    {"zip": "97124", "languages": ["vi"], "can_pass_drug_test": False, "barriers": ["no_car", "basic_skills"]},
]


def test_batch_rankings_do_not_depend_on_threads_or_chunk_size() -> None:
    programs = _replicated_catalog()
    one_thread = Recommender(workers=1).fit(programs)
    two_threads = Recommender(workers=2).fit(programs)
    expected = list(one_thread.rank_ids(CASELOAD))
    assert list(two_threads.rank_ids(CASELOAD, chunk_size=2)) == expected
    assert list(two_threads.rank_ids(CASELOAD, chunk_size=1)) == expected
    explained = [result.to_dict() for result in two_threads.recommend_batch(CASELOAD, chunk_size=4)]
    assert explained == [result.to_dict() for result in one_thread.recommend_batch(CASELOAD)]
    assert explained == [one_thread.recommend(p).to_dict() for p in CASELOAD]
    assert [[item["program_id"] for item in result["items"]] for result in explained] == \
        [[program_id for program_id, _ in ranked] for ranked in expected]


def _reference_pick(row: np.ndarray, id_rank: np.ndarray, provider: list[int], kind: list[int],
                    config: EngineConfig, top: int) -> tuple[list[int], list[int]]:
    """The candidate pool and diversity re-rank written plainly, one seeker at a time."""
    eligible = np.flatnonzero(np.isfinite(row))
    pool = top * config.candidate_factor
    if len(eligible) > pool:
        threshold = np.sort(row[eligible])[len(eligible) - pool]
        eligible = eligible[row[eligible] >= threshold]
    candidates = [int(c) for c in eligible[np.lexsort((id_rank[eligible], -row[eligible]))]]
    remaining = list(candidates)
    picked: list[int] = []
    while remaining and len(picked) < top:
        count = {"p": [provider[c] for c in picked], "t": [kind[c] for c in picked]}
        used = {c: (count["p"].count(provider[c]), count["t"].count(kind[c])) for c in remaining}
        best = remaining[0]
        bp, bt = used[best]
        pos = 0
        if bp >= config.max_per_provider or bt >= config.max_per_type:
            for i, c in enumerate(remaining[1:], start=1):
                if row[c] < row[best] - config.diversity_margin:
                    break
                p, t = used[c]
                if (p < config.max_per_provider or p < bp) and (t < config.max_per_type or t < bt):
                    pos = i
                    break
        picked.append(remaining.pop(pos))
    return candidates, picked


@pytest.mark.parametrize("top", [1, 3, 10])
def test_batch_candidates_and_diversity_match_a_plain_per_seeker_reference(top: int) -> None:
    eng = Recommender(workers=1).fit(_replicated_catalog())
    resolved = [eng.resolver_.resolve(p) for p in CASELOAD]
    _, masked, _, _ = eng._score_chunk(resolved, top)
    cat = eng.catalog_
    skipped = 0
    for row, (cols, scores) in zip(masked, eng._candidates(masked, top)):
        candidates, picked = _reference_pick(row, cat.id_rank, cat.provider_list, cat.type_list, eng.config, top)
        assert cols == candidates
        assert scores == [float(row[c]) for c in cols]
        picked_now = eng._diversify(cols, scores, top)
        chosen, chosen_scores = picked_now.cols, picked_now.scores
        assert chosen == picked
        assert chosen_scores == [float(row[c]) for c in chosen]
        skipped += chosen != cols[:top]
    assert top < 10 or skipped  # with ten to show, the re-rank had something to do


def test_candidate_order_is_row_then_score_then_program_id() -> None:
    from matcher.engine import _best_first

    rng = np.random.default_rng(5)
    for _ in range(50):
        n = int(rng.integers(0, 300))
        rows = np.sort(rng.integers(0, 20, n))
        values = rng.choice(np.array([0.0, -0.0, 0.25, 0.5, 0.500001, 1.0, -1.5], np.float32), n)
        id_rank = rng.permutation(1000)[:n]
        assert (_best_first(rows, values, id_rank) == np.lexsort((id_rank, -values, rows))).all()


def test_the_float32_distance_limit_compares_exactly_like_the_float64_one() -> None:
    from matcher.rules.distance import float32_floor as _float32_floor

    limits = np.array([12.3, 15.0, 0.1, 2.0, 499.99, np.inf])
    floor = _float32_floor(limits)
    for limit, f in zip(limits, floor):
        near = np.float32(limit) if np.isfinite(limit) else np.float32(500)
        miles = np.array([near, np.nextafter(near, np.float32(0)), np.nextafter(near, np.float32(np.inf)), np.nan],
                         dtype=np.float32)
        assert ((miles > limit) == (miles > f)).all()


def test_workers_must_be_a_positive_whole_number() -> None:
    with pytest.raises(ValidationError) as err:
        Recommender(workers=0)
    assert err.value.field == "workers"


def test_a_bad_profile_mid_caseload_stops_the_batch_after_the_lists_before_it() -> None:
    eng = engine([program("p"), program("q")], workers=2)
    caseload = [SEEKER] * 5 + [{"zip": "not a zip"}] + [SEEKER] * 3
    results = []
    with pytest.raises(ValidationError):
        results.extend(eng.recommend_batch(caseload, chunk_size=2))
    assert len(results) == 4  # the two whole chunks before the bad profile


def test_a_batch_can_be_abandoned_part_way() -> None:
    eng = engine([program("p"), program("q")], workers=2)
    ranked = eng.rank_ids([SEEKER] * 10, chunk_size=1)
    assert next(ranked)[0][0] == "p"
    ranked.close()  # no error, no waiting for the rest
