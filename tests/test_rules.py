"""The structure stays whole: every rule has all its parts, every barrier an answer, every
enum value a label, every bit table room. These fail when something is added halfway."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from conftest import FULL_PROGRAM

from matcher import policy
from matcher.profile_resolve import LicenseStatus, ResolvedProfile
from matcher.records import (
    Barrier,
    DigitalAccess,
    EducationLevel,
    Funding,
    ProgramType,
    RecordCategory,
    Sector,
    SeekerProfile,
    Support,
    TimeOfDay,
    parse_program,
)
from matcher.rules import RULE_BY_NAME, RULES, ExplainContext, Rule
from matcher.rules.attendance import TIME_WORDS
from matcher.wording import ELEMENT_LABELS, FUNDING_LABELS

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_barrier_has_supports_or_an_explicit_none() -> None:
    assert set(policy.BARRIER_SUPPORTS) == set(Barrier)
    assert set(policy.URGENT_SUPPORTS) <= set(policy.BARRIER_SUPPORTS)
    for barrier, urgent in policy.URGENT_SUPPORTS.items():
        assert set(urgent) <= set(policy.BARRIER_SUPPORTS[barrier]), barrier


def test_every_bit_table_has_room_for_its_enum() -> None:
    for name, (table, width) in policy.BIT_WIDTHS.items():
        assert len(table) <= width, f"{name}: {len(table)} members do not fit {width} bits"
        assert len(set(table.values())) == len(table)


@pytest.mark.parametrize("enum, label", [
    (ProgramType, lambda v: v.label), (Sector, lambda v: v.label), (Support, lambda v: v.label),
    (Barrier, lambda v: v.label), (RecordCategory, lambda v: v.label), (DigitalAccess, lambda v: v.label),
    (EducationLevel, lambda v: v.label), (Funding, lambda v: FUNDING_LABELS[v]), (TimeOfDay, lambda v: TIME_WORDS[v]),
])
def test_every_value_a_person_reads_has_a_label(enum: type, label: object) -> None:
    for value in enum:  # type: ignore[attr-defined]
        text = label(value)  # type: ignore[operator]
        assert isinstance(text, str) and text.strip() and "_" not in text, value


def test_every_onet_element_has_a_plain_label() -> None:
    from matcher.taxonomy import load_taxonomy

    elements = {sid for sid in load_taxonomy().skills if sid[:1].isdigit()}
    assert elements <= set(ELEMENT_LABELS)


def test_rules_have_unique_names_summaries_and_known_remedies() -> None:
    names = [r.name for r in RULES]
    assert len(names) == len(set(names)) and set(RULE_BY_NAME) == set(names)
    for rule in RULES:
        assert rule.summary and rule.summary[0].islower() and not rule.summary.endswith("."), rule.name
        assert all(isinstance(s, Support) for s in rule.remedies)


def test_every_rule_is_documented_in_the_engine_page() -> None:
    engine_md = (DOCS / "engine.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert re.search(rf"`{rule.name}`", engine_md), f"docs/engine.md has no row for rule {rule.name}"


def _seeker(license: int = LicenseStatus.NONE, **profile: object) -> ResolvedProfile:  # noqa: A002
    p = SeekerProfile.model_validate(profile)
    return ResolvedProfile(profile=p, skill_ids=frozenset(), interest_occupations=(), work_occupations=(),
                           sectors=frozenset(), unmatched=(), point=None, target_wage=None,
                           license=license, barriers=frozenset(p.barriers),
                           record_categories=frozenset(p.record_categories), education=p.education)


def _demanding_program() -> object:
    """FULL_PROGRAM with every requirement a rule can check switched on."""
    data = copy.deepcopy(FULL_PROGRAM)
    data["prerequisites"].update(max_age=60, must_be_employed=True)
    data["schedule"]["hours_per_week"] = 40
    return parse_program(data)


@pytest.mark.parametrize("rule", [r for r in RULES if r.remedies or type(r).describe_block is not Rule.describe_block],
                         ids=lambda r: r.name)
def test_every_rule_with_a_remedy_has_blocker_words_for_each_source(rule: Rule) -> None:
    program = parse_program(copy.deepcopy(FULL_PROGRAM))
    seeker = _seeker(reading_grade=4, math_grade=4, education="none", digital_access="none",
                     barriers=["justice_involved"], record_categories=["felony"], max_physical_demand="light")
    for from_program in (True, False):
        ctx = ExplainContext(miles=55.0, board_supports=frozenset(Support), from_program=from_program)
        blocker = rule.blocker(program, seeker, ctx)
        assert blocker.requirement == rule.name
        assert blocker.message and ": " in blocker.message and blocker.remedy and blocker.provided_by
        assert not blocker.message.endswith(".")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_every_rule_speaks_to_a_seeker_who_did_not_answer(rule: Rule) -> None:
    """A rule's requirement is either always known (no check needed) or has check words."""
    # min_age's words are max_age's when a program has both ("for ages 18-60"): try it without the maximum.
    program = parse_program(copy.deepcopy(FULL_PROGRAM)) if rule.name == "min_age" else _demanding_program()
    ctx = ExplainContext(miles=float("nan"), board_supports=frozenset(), from_program=False)
    checks = rule.checks(program, _seeker(license=LicenseStatus.UNKNOWN), ctx)  # type: ignore[arg-type]
    assert all(c and not c.endswith(".") for c in checks)
    always_known = {"language", "online", "schedule"}  # answered by defaults every profile has
    if rule.name not in always_known:
        assert checks, f"rule {rule.name} says nothing to a seeker who did not answer"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_a_rule_that_says_a_program_does_not_concern_it_has_no_checks_for_it(rule: Rule) -> None:
    """Explanations skip a rule whose concerns() is False: its checks must then be empty for anyone."""
    from conftest import MINIMAL_PROGRAM

    ctx = ExplainContext(miles=float("nan"), board_supports=frozenset(), from_program=False)
    seekers = [_seeker(license=LicenseStatus.UNKNOWN), _seeker(barriers=["justice_involved"],
                                                                record_categories=["felony"])]
    for program in (parse_program(copy.deepcopy(MINIMAL_PROGRAM)), parse_program(copy.deepcopy(FULL_PROGRAM)),
                    _demanding_program()):
        if not rule.concerns(program):  # type: ignore[arg-type]
            assert all(not rule.checks(program, s, ctx) for s in seekers), program  # type: ignore[arg-type]
