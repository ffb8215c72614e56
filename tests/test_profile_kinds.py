"""Profile resolution keeps kinds apart: what each typed phrase became, and where it went."""

from __future__ import annotations

import pytest

from matcher.normalize import Normalizer
from matcher.profile_resolve import ProfileResolver, split_phrase
from matcher.taxonomy import load_taxonomy


@pytest.fixture(scope="module")
def resolver() -> ProfileResolver:
    tx = load_taxonomy()
    return ProfileResolver(Normalizer(tx), known_skills=tx.skills, known_occupations=tx.occupations)


def test_a_job_title_in_the_skills_box_counts_as_work_history(resolver):
    r = resolver.resolve({"skills": ["welder", "MIG welding"], "work_history": ["construction laborer"]})
    assert r.work_occupations == ("47-2061.00", "51-4121.00")  # typed history first, then the skills box
    assert r.skill_ids == {"skill:welding-mig"}
    kinds = {x.text: (x.kind, x.id) for x in r.resolved}
    assert kinds["welder"] == ("occupation", "51-4121.00") and kinds["MIG welding"] == ("skill", "skill:welding-mig")
    assert [x.field for x in r.resolved if x.text == "welder"] == ["skills"]


def test_a_credential_enters_the_skill_ids_only_when_the_phrase_names_one(resolver):
    plain = resolver.resolve({"skills": ["forklift", "welding", "pharmacy tech"]})
    assert not any(s.startswith("cred:") for s in plain.skill_ids)
    assert plain.work_occupations == ("29-2052.00",)
    held = resolver.resolve({"skills": ["forklift certified", "AWS cert"]})
    assert held.skill_ids == {"cred:forklift", "cred:aws-welding"}
    assert {x.kind for x in held.resolved} == {"credential"}
    # The taxonomy says which skills a credential proves; how the engine credits them is its own call.
    assert load_taxonomy().skill("cred:forklift").implies == ("skill:forklift",)


def test_ged_typed_as_a_skill_is_the_equivalency_credential(resolver):
    r = resolver.resolve({"skills": ["GED"]})
    assert "cred:ged" in r.skill_ids and r.resolved[0].kind == "credential"
    assert "cred:hs-diploma" in resolver.resolve({"skills": ["high school diploma"]}).skill_ids


def test_a_phrase_listing_several_things_is_split(resolver):
    r = resolver.resolve({"skills": ["forklift, osha 10", "hand and power tools"]})
    assert {"skill:forklift", "cred:osha-10", "skill:hand-tools", "skill:power-tools"} <= r.skill_ids
    assert not r.unmatched


def test_split_phrase_distributes_a_shared_last_word():
    assert split_phrase("hand and power tools") == ["hand tools", "power tools"]
    assert split_phrase("forklift, osha 10; cpr") == ["forklift", "osha 10", "cpr"]
    assert split_phrase("customer service") == ["customer service"]


def test_unmatched_input_keeps_suggestions_and_their_ids(resolver):
    r = resolver.resolve({"skills": ["walmart"]})
    (u,) = r.unmatched
    assert u.field == "skills" and "41-2011.00" in u.suggestion_ids and "Cashiers" in u.suggestions
    assert u.to_dict()["suggestion_ids"] == list(u.suggestion_ids)


def test_a_different_title_for_the_current_job_is_not_scored_as_an_interest(resolver):
    # "medication aide" codes to Nursing Assistants, the job she has: a step up that a code cannot say.
    r = resolver.resolve({"work_history": ["CNA"], "interests": {"occupations": ["medication aide", "LPN"]}})
    assert r.interest_occupations == ("29-2061.00",)
    assert any(x.field == "interests.occupations" and x.id == "31-1131.00" for x in r.resolved)
    # The same title typed in both places is an interest in staying in that trade.
    same = resolver.resolve({"work_history": ["welder"], "interests": {"occupations": ["welder"]}})
    assert same.interest_occupations == ("51-4121.00",)
