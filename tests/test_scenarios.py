"""Scenario tests: realistic job seekers and what a workforce coach expects at the top
of their list, and never on it.

The people and the checks live in ``tests/scenarios/`` (profiles as JSON, checks
in ``expectations.py``); ``docs/scenarios.md`` shows them with the engine's
answers (``scripts/render_scenarios.py``). A check the engine is known to get
wrong is a strict xfail with the reason, never a weakened check.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from matcher.catalog import default_catalog
from matcher.engine import Recommender
from matcher.errors import ValidationError
from matcher.records import Demographics, ProgramType, Sector, SeekerProfile, parse_profile


def _load_expectations() -> Any:
    path = Path(__file__).parent / "scenarios" / "expectations.py"
    spec = importlib.util.spec_from_file_location("scenario_expectations", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


X = _load_expectations()


@pytest.fixture(scope="module")
def engine() -> Recommender:
    return Recommender().fit(default_catalog())


@pytest.fixture(scope="module")
def seen(engine: Recommender) -> Any:
    """One cached run per scenario, shared by all of its checks."""
    programs = {p.id: p for p in default_catalog().programs}
    cache: dict[str, Any] = {}

    def get(key: str) -> Any:
        if key not in cache:
            scenario = X.BY_KEY[key]
            cache[key] = X.Seen(scenario.profile(), scenario.raw_profile(), engine, programs)
        return cache[key]

    return get


def _check_params() -> list[Any]:
    params = []
    for scenario in X.SCENARIOS:
        for n, check in enumerate(scenario.checks):
            marks = [pytest.mark.xfail(strict=True, reason=check.xfail)] if check.xfail else []
            params.append(pytest.param(scenario.key, n, id=f"{scenario.key}-{n}", marks=marks))
    return params


# --------------------------------------------------------------------------- the coach's checks


@pytest.mark.parametrize(("key", "n"), _check_params())
def test_coach_expectation_holds(seen: Any, key: str, n: int) -> None:
    check = X.BY_KEY[key].checks[n]
    problems = check.verify(seen(key))
    assert not problems, f"{key}: {check.says}\n  " + "\n  ".join(problems[:8])


@pytest.mark.parametrize("key", [s.key for s in X.SCENARIOS])
def test_no_silent_requirement_in_the_top_10(seen: Any, key: str) -> None:
    """Every recommended program with a requirement the person is not known to meet
    says so: as a blocker with its remedy, a check item or a required-skill gap."""
    problems = X.no_silent_requirement(lambda s: s.top(10), "no silent requirement").verify(seen(key))
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- scenario set hygiene


def test_at_least_22_scenarios_each_with_a_profile_file() -> None:
    keys = {s.key for s in X.SCENARIOS}
    files = {p.stem for p in X.PROFILES.glob("*.json")}
    assert len(keys) == len(X.SCENARIOS) >= 22
    assert keys == files


@pytest.mark.parametrize("key", [s.key for s in X.SCENARIOS])
def test_scenario_profile_is_a_valid_seeker_profile(key: str) -> None:
    profile = X.BY_KEY[key].profile()
    assert isinstance(profile, SeekerProfile)


# --------------------------------------------------------------------------- determinism


@pytest.mark.parametrize("key", ["full_coach_intake", "kiosk_zip_and_two_interests", "justice_involved_welder"])
def test_same_input_twice_gives_identical_output(engine: Recommender, key: str) -> None:
    raw = X.BY_KEY[key].raw_profile()
    first = engine.recommend(raw, top=10).to_dict()
    again = engine.recommend(json.loads(json.dumps(raw)), top=10).to_dict()
    fresh = Recommender().fit(default_catalog()).recommend(raw, top=10).to_dict()
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)
    assert json.dumps(first, sort_keys=True) == json.dumps(fresh, sort_keys=True)


def test_profile_object_and_dict_give_the_same_list(engine: Recommender) -> None:
    raw = X.BY_KEY["evening_parent_no_license"].raw_profile()
    assert engine.recommend(raw).to_dict() == engine.recommend(parse_profile(raw)).to_dict()


# --------------------------------------------------------------------------- demographics stay out


@pytest.mark.parametrize("extra", [
    {"disability": True},
    {"veteran": True},
    {"sex": "female"},
    {"race_ethnicity": ["Hispanic or Latino"]},
    {"demographics": {"disability": True}},
])
def test_demographics_cannot_be_put_on_a_profile(extra: dict[str, Any]) -> None:
    raw = {**X.BY_KEY["disability_accommodation"].raw_profile(), **extra}
    with pytest.raises(ValidationError):
        parse_profile(raw)


def test_profile_has_no_demographic_field() -> None:
    assert not set(Demographics.model_fields) & set(SeekerProfile.model_fields)


# --------------------------------------------------------------------------- the checks can fail


@pytest.mark.parametrize(("key", "wrong"), [
    ("teen_healthcare", X.every(5, X.of_type(ProgramType.REGISTERED_APPRENTICESHIP), "top 5 all apprenticeships")),
    ("sex_offense_early_learning", X.some(10, X.in_sectors(Sector.EARLY_LEARNING), "an early-learning program")),
    ("spanish_early_learning_aide", X.every(None, X.taught_in("vi"), "everything taught in Vietnamese")),
    ("forklift_to_cdl", X.every(2, X.targets("51-4121.00"), "top 2 are welding")),
    ("evening_parent_no_license", X.never(X.paid, "nothing paid")),
    ("rural_online_learner", X.every(3, X.negate(X.online), "top 3 are in person")),
    ("lane_single_mother", X.every(None, X.in_county("Multnomah County"), "everything in Multnomah")),
])
def test_a_deliberately_wrong_expectation_fails(seen: Any, key: str, wrong: Any) -> None:
    assert wrong.verify(seen(key)), f"{key}: '{wrong.says}' should not hold"


def test_provider_mix_check_fails_without_the_diversity_rerank() -> None:
    """The kiosk 'sensible mix' check is not vacuous: with the re-rank switched off it fails."""
    from matcher.engine import EngineConfig

    catalog = default_catalog()
    plain = Recommender(EngineConfig(max_per_provider=None, max_per_type=None)).fit(catalog)
    scenario = X.BY_KEY["kiosk_zip_and_two_interests"]
    seen = X.Seen(scenario.profile(), scenario.raw_profile(), plain, {p.id: p for p in catalog.programs})
    assert X.distinct_providers(3, 4)(seen)


def test_the_scenarios_page_shows_the_current_engine() -> None:
    """docs/scenarios.md is rendered from a real run; it must not go stale when the engine changes."""
    script = Path(__file__).resolve().parents[1] / "scripts" / "render_scenarios.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr + "\nrun: python scripts/render_scenarios.py"
