"""The engine's principles, with the learned model on.

- Protected characteristics (sex, race/ethnicity, disability) are reporting fields only: changing them
  changes no model input, no trained model and no score.
- Having a required skill never lowers a program's score; a barrier never lowers the score of a program
  that meets it relative to one that does not; a barrier never removes a program without naming the remedy.
- The product never returns a per-person model number: only rankings within one person's list.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.catalog import default_catalog
from matcher.learning.evaluation import build_dataset
from matcher.learning.history import History, Participant, ReportingDemographics
from matcher.learning.pair_features import PairFeaturizer
from matcher.learning.registry import ModelRegistry
from matcher.learning.serving import ModelRecommender, bind
from matcher.policy import BARRIER_SUPPORTS
from matcher.records import Barrier, PaidKind, RecordCategory, Support

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                           HealthCheck.function_scoped_fixture])
CATALOG = default_catalog()


@lru_cache(maxsize=1)
def shipped_engine() -> Any:
    """The engine with the shipped, promoted model on (internal scores, not the shown ones)."""
    engine, _ = bind(ModelRegistry().load(), CATALOG)
    return engine


def scores(profile: dict[str, Any]) -> dict[str, float]:
    """The engine's internal total (content and success) of every program the profile is not excluded
    from: what the ranking sorts by, before the list shown is made relative to its best."""
    engine = shipped_engine()
    cat = engine.catalog_
    elig, comps = engine.score_details(engine.compile_seekers([profile]), np.arange(cat.size))
    return {str(cat.ids[j]): float(comps.total[0, j]) for j in np.flatnonzero(~elig.excluded[0])}


def _shuffled_demographics(history: History, seed: int) -> History:
    rng = np.random.default_rng(seed)
    sexes = ["female", "male", "not_said"]
    races = ["white", "black_african_american", "asian", "hispanic_latino"]
    people = tuple(Participant(id=p.id, profile=p.profile, demographics=ReportingDemographics(
        sex=sexes[int(rng.integers(3))], race_ethnicity=[races[int(rng.integers(4))]],
        disability=bool(rng.integers(2)), age_band=p.demographics.age_band,
        justice_involved=p.demographics.justice_involved)) for p in history.participants)
    return History(people, history.enrollments, history.outcomes)


def test_changing_sex_race_or_disability_changes_no_model_input_no_model_and_no_score(small_generated) -> None:
    from matcher.engine import Recommender
    from matcher.learning.model import SuccessModel

    featurizer = PairFeaturizer(Recommender().fit(CATALOG))
    original = small_generated.history
    changed = _shuffled_demographics(original, 1)
    assert any(a.demographics != b.demographics for a, b in zip(original.participants, changed.participants))
    a, b = build_dataset(original, featurizer), build_dataset(changed, featurizer)
    assert np.array_equal(a.x, b.x)  # no model input moved
    ma = SuccessModel(random_state=0).fit(a.x, a.label)
    mb = SuccessModel(random_state=0).fit(b.x, b.label)
    assert all(np.array_equal(u, v) for u, v in zip(ma.tables_.values, mb.tables_.values))  # nor the model
    assert np.array_equal(ma.predict_proba(a.x), mb.predict_proba(b.x))  # nor a score


def test_the_profile_the_model_reads_has_no_protected_field() -> None:
    from matcher.records import SeekerProfile

    fields = set(SeekerProfile.model_fields)
    assert not fields & {"sex", "gender", "race", "race_ethnicity", "ethnicity", "disability", "demographics"}


def test_the_model_has_no_input_describing_the_person_alone() -> None:
    from matcher.learning.pair_features import FEATURE_NAMES

    assert not set(FEATURE_NAMES) & {"age", "education", "sex", "race", "disability", "employed"}


ZIPS = ["97214", "97402", "98660", "97124", "97005", "97266", "97477"]
SKILLS = ["cred:osha-10", "cred:forklift", "cred:cna", "skill:hand-tools", "skill:computer-basics",
          "skill:childcare", "cred:comptia-a-plus"]
SECTORS = ["construction", "healthcare", "advanced_manufacturing", "early_learning", "technology"]


@st.composite
def profiles(draw: st.DrawFn) -> dict[str, Any]:
    p: dict[str, Any] = {"zip": draw(st.sampled_from(ZIPS)),
                         "skill_ids": draw(st.lists(st.sampled_from(SKILLS), max_size=3, unique=True)),
                         "interests": {"sectors": draw(st.lists(st.sampled_from(SECTORS), min_size=1, max_size=2,
                                                                unique=True))},
                         "needs_income": draw(st.booleans()),
                         "availability": {"times": draw(st.lists(st.sampled_from(["day", "evening", "weekend"]),
                                                                 min_size=1, max_size=3, unique=True))},
                         "travel": {"modes": draw(st.lists(st.sampled_from(["car", "transit"]), max_size=2,
                                                           unique=True))}}
    barriers = draw(st.lists(st.sampled_from([b.value for b in Barrier]), max_size=3, unique=True))
    p["barriers"] = barriers
    if "justice_involved" in barriers:
        p["record_categories"] = draw(st.lists(st.sampled_from([c.value for c in RecordCategory]), max_size=2,
                                               unique=True))
    return p


@SETTINGS
@given(profiles(), st.data())
def test_with_the_model_a_required_skill_never_lowers_that_programs_score(profile: dict, data: st.DataObject) -> None:
    needing = [p for p in CATALOG if p.prerequisites.skills]
    target = data.draw(st.sampled_from(needing))
    skill = data.draw(st.sampled_from(target.prerequisites.skills))
    before = scores(profile)
    after = scores({**profile, "skill_ids": sorted(set(profile["skill_ids"]) | {skill})})
    if target.id in before:
        assert after[target.id] >= before[target.id]


def _meets(program: Any, barrier: Barrier) -> bool:
    """The program removes the barrier: a support that meets it, or pay for someone who needs income."""
    if barrier is Barrier.NO_INCOME_WHILE_TRAINING and (program.paid.kind is not PaidKind.NONE
                                                        or program.type.is_paid_by_design):
        return True
    return bool(set(BARRIER_SUPPORTS.get(barrier, ())) & set(program.supports))


@SETTINGS
@given(profiles(), st.sampled_from(list(Barrier)))
def test_with_the_model_a_barrier_never_lowers_a_program_that_meets_it_relative_to_one_that_does_not(
        profile: dict, barrier: Barrier) -> None:
    if barrier.value in profile["barriers"]:
        return
    before = scores(profile)
    after = scores({**profile, "barriers": sorted({*profile["barriers"], barrier.value})})
    kept = [pid for pid in after if pid in before]
    meeting = [pid for pid in kept if _meets(CATALOG.get(pid), barrier)]
    others = [pid for pid in kept if not _meets(CATALOG.get(pid), barrier)]
    for a in meeting:
        for b in others:
            # scores are rounded to 6 decimals: allow that much
            assert after[a] - after[b] >= before[a] - before[b] - 2e-6, (a, b)


@SETTINGS
@given(profiles())
def test_with_the_model_a_barrier_never_removes_a_program_without_naming_the_remedy(profile: dict) -> None:
    result = shipped_engine().recommend(profile, top=None)
    for rec in result.items:
        assert all(b.remedy and b.message for b in rec.blockers)
    plain = {r.program_id for r in bind.__globals__["Recommender"]().fit(CATALOG).recommend(profile, top=None).items}
    assert {r.program_id for r in result.items} == plain  # the model never brings back an excluded program


def test_what_a_person_sees_holds_no_model_number_only_their_own_ranking() -> None:
    rec = ModelRecommender(CATALOG)
    result = rec.recommend({"zip": "97217", "interests": {"sectors": ["construction"]}, "barriers": ["childcare"],
                            "needs_income": True}, top=5)
    assert result.items
    assert all(item.parts.success is None for item in result.items)
    assert max(item.score for item in result.items) == 1.0  # relative to the best in this person's list
    assert all(0 <= item.score <= 1 for item in result.items)
    assert "success" not in str(result.to_dict()["items"][0]["parts"].get("success"))


def test_the_model_only_moves_programs_with_reasons_in_plain_words() -> None:
    rec = ModelRecommender(CATALOG)
    result = rec.recommend({"zip": "97217", "interests": {"sectors": ["construction"]},
                            "barriers": ["childcare", "single_parent"], "needs_income": True}, top=10)
    sentences = [r for item in result.items for r in item.reasons if r.startswith(("People", "Its", "It does",
                                                                                    "This program", "The trip",
                                                                                    "Fewer"))]
    assert sentences
    assert not any(ch.isdigit() for s in sentences for ch in s)
    assert Support.CHILDCARE  # the barrier the model reads is the one the engine reads
