"""Unknown skill, credential and occupation IDs: row errors at import, with the closest known IDs."""

from __future__ import annotations

import json

import pytest

from matcher.catalog import default_catalog, read_catalog, write_csv, write_json
from matcher.errors import ImportRowsError, ValidationError
from matcher.paths import REPO_ROOT
from matcher.profile_resolve import ProfileResolver
from matcher.taxonomy import check_program_ids, load_taxonomy


@pytest.fixture(scope="module")
def tx():
    return load_taxonomy()


def test_every_bad_id_is_one_problem_naming_its_field_with_suggestions(tx, make_program):
    program = make_program(target_occupations=["53-7062.00", "53-7099.99"],
                           skills_taught=["skill:forklift", "tool:forklift"],
                           credentials_awarded=["cred:forklift-operator", "skill:welding"],
                           prerequisites={"skills": ["cred:cna-oregon"]})
    problems = {p.field: p for p in check_program_ids(program, tx)}
    assert set(problems) == {"target_occupations.1", "skills_taught.1", "credentials_awarded.0",
                             "credentials_awarded.1", "prerequisites.skills.0"}
    assert problems["skills_taught.1"].suggestions[0] == "skill:forklift"
    assert problems["credentials_awarded.0"].suggestions[0] == "cred:forklift"
    assert "cred:cna" in problems["prerequisites.skills.0"].suggestions
    assert "not a credential" in problems["credentials_awarded.1"].message
    assert problems["target_occupations.1"].value == "53-7099.99"
    assert all(s.startswith("53-") for s in problems["target_occupations.1"].suggestions)


def test_without_a_taxonomy_nothing_is_checked(make_program):
    assert check_program_ids(make_program(skills_taught=["bogus"]), None) == []


def test_a_csv_import_reports_unknown_ids_by_row_and_column(tmp_path, make_program):
    path = tmp_path / "c.csv"
    write_csv([make_program(id="ok"), make_program(id="bad", skills_taught=["skill:forklift", "bogus"])], path)
    with pytest.raises(ImportRowsError) as err:
        read_catalog(path)
    (problem,) = err.value.problems
    assert (problem.row, problem.field) == (3, "skills_taught")
    assert problem.message.startswith("item 2: unknown ID") and problem.value == "bogus"
    assert "suggestions" in problem.to_dict() or problem.suggestions == ()


def test_a_json_import_reports_the_dotted_field(tmp_path, make_program):
    path = tmp_path / "c.json"
    write_json([make_program(credentials_awarded=["cred:cna-oregon"])], path)
    result = read_catalog(path, skip_invalid=True)
    (problem,) = result.problems
    assert (problem.row, problem.field) == (1, "credentials_awarded.0")
    assert problem.to_dict()["suggestions"][0] == "cred:cna"
    assert len(result.catalog) == 0  # never silently dropped: the program is refused, with the reason


def test_check_ids_false_skips_the_check(tmp_path, make_program):
    path = tmp_path / "c.json"
    write_json([make_program(skills_taught=["bogus"])], path)
    assert read_catalog(path, check_ids=False).problems == ()


def test_the_shipped_examples_and_sample_catalog_use_real_ids(tx):
    assert read_catalog(REPO_ROOT / "docs" / "examples" / "catalog.csv").problems == ()
    assert all(check_program_ids(p, tx) == [] for p in default_catalog())
    profile = json.loads((REPO_ROOT / "docs" / "examples" / "seeker_profile.json").read_text())
    assert all(i in tx.skills for i in profile.get("skill_ids", []))


def test_unknown_profile_skill_ids_are_a_validation_error_naming_each(tx):
    resolver = ProfileResolver(None, known_skills=tx.skills, known_occupations=tx.occupations)
    with pytest.raises(ValidationError) as err:
        resolver.resolve({"skill_ids": ["skill:forklift", "tool:forklift"]})
    (problem,) = err.value.problems
    assert problem.field == "skill_ids[1]" and "skill:forklift" in problem.message
    assert "skill:forklift" in problem.suggestions[:2]
    # Without a taxonomy there is nothing to check against.
    assert ProfileResolver(None).resolve({"skill_ids": ["anything"]}).skill_ids == {"anything"}
