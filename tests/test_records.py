"""Record interop: committed JSON Schemas match the models, examples validate, CTDL export, profile files."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from matcher.catalog import load_catalog
from matcher.ctdl import ctid_for, to_ctdl
from matcher.errors import InputFileError, ValidationError
from matcher.paths import REPO_ROOT
from matcher.profiles_io import iter_profiles, load_profile
from matcher.records import parse_profile, parse_program

DOCS = REPO_ROOT / "docs"
CTDL_EXAMPLE_KEYS = {  # terms seen in the Credential Engine LearningProgram ingest examples
    "@context", "@type", "ceterms:ctid", "ceterms:name", "ceterms:description", "ceterms:offeredBy",
    "ceterms:inLanguage", "ceterms:deliveryType", "ceterms:estimatedCost", "ceterms:occupationType",
    "ceterms:subjectWebpage", "ceterms:estimatedDuration", "ceterms:requires",
}


def _export_schemas_module():
    spec = importlib.util.spec_from_file_location("export_schemas", REPO_ROOT / "scripts" / "export_schemas.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_schemas_equal_freshly_generated_ones():
    generated = _export_schemas_module().generate()
    assert set(generated) >= {"program.schema.json", "seeker_profile.schema.json", "catalog.schema.json"}
    for name, text in generated.items():
        committed = (DOCS / "schemas" / name).read_text(encoding="utf-8")
        assert committed == text, f"docs/schemas/{name} is stale: run python scripts/export_schemas.py"


def test_schema_generation_is_deterministic():
    module = _export_schemas_module()
    assert module.generate() == module.generate()


def test_catalog_schema_describes_the_canonical_wrapper():
    schema = json.loads((DOCS / "schemas" / "catalog.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["format"] == {"const": "matcher-catalog"}
    assert schema["properties"]["programs"]["items"] == {"$ref": "#/$defs/Program"}
    assert "Schedule" in schema["$defs"]


def test_demographics_are_not_in_the_profile_schema():
    schema = json.loads((DOCS / "schemas" / "seeker_profile.schema.json").read_text(encoding="utf-8"))
    assert not {"sex", "race_ethnicity", "disability", "veteran"} & set(schema["properties"])


def test_examples_validate_against_the_models():
    program = parse_program(json.loads((DOCS / "examples" / "program.json").read_text(encoding="utf-8")))
    profile = parse_profile(json.loads((DOCS / "examples" / "seeker_profile.json").read_text(encoding="utf-8")))
    catalog = load_catalog(DOCS / "examples" / "catalog.csv")
    assert program.id in catalog
    assert profile.zip == "97206"
    assert all(p.sample_data for p in catalog)  # the examples are fictional and say so


# --------------------------------------------------------------------------- CTDL


def test_ctdl_document_uses_the_terms_of_the_real_examples(full_program):
    doc = to_ctdl(full_program)
    assert doc["@type"] == "ceterms:LearningProgram"
    assert set(doc) >= CTDL_EXAMPLE_KEYS
    assert doc["ceterms:name"] == {"en-US": full_program.name}
    assert doc["ceterms:ctid"] == ctid_for(full_program.id) and doc["ceterms:ctid"].startswith("ce-")
    assert [o["ceterms:codedNotation"] for o in doc["ceterms:occupationType"]] == ["51-4121.00", "51-4122.00"]
    assert doc["ceterms:instructionalProgramType"][0]["ceterms:codedNotation"] == "48.0508"
    assert doc["ceterms:deliveryType"][0]["ceterms:targetNode"] == "deliveryType:BlendedDelivery"
    assert doc["ceterms:estimatedCost"][0]["ceterms:price"] == 4250.75
    assert doc["ceterms:estimatedDuration"][0]["ceterms:exactDuration"] == "P16W"
    assert doc["ceterms:availableAt"][0]["ceterms:postalCode"] == "97217"
    assert "Minimum age 18" in doc["ceterms:requires"][0]["ceterms:condition"]["en-US"]
    assert len(doc["ceterms:hasSupportService"]) == 3
    assert len(doc["ceterms:financialAssistance"]) == 2
    json.dumps(doc)  # plain JSON, nothing exotic


def test_ctdl_shapes_match_the_shared_example_where_it_exists(full_program):
    example = Path("/work/shared/data/training/ctdl_examples/LearningProgram-1.json")
    if not example.exists():
        pytest.skip("shared CTDL examples not present")
    real = json.loads(example.read_text(encoding="utf-8"))
    ours = to_ctdl(full_program)
    assert ours["@context"] == real["@context"]
    for key in ("ceterms:deliveryType", "ceterms:estimatedCost", "ceterms:estimatedDuration"):
        real_keys = set(real[key][0])
        assert set(ours[key][0]) <= real_keys | {"ceterms:targetNodeName", "ceterms:directCostType"}, key


def test_ctdl_online_program_has_no_place_and_minimal_program_no_optional_terms(minimal_program, make_program):
    online = make_program(location={"delivery": "online"}, duration_weeks=1.5)
    doc = to_ctdl(online)
    assert "ceterms:availableAt" not in doc
    assert doc["ceterms:estimatedDuration"][0]["ceterms:exactDuration"] == "P10D"
    minimal = to_ctdl(minimal_program)
    for key in ("ceterms:instructionalProgramType", "ceterms:hasSupportService", "ceterms:financialAssistance",
                "ceterms:requires", "ceterms:subjectWebpage"):
        assert key not in minimal


# --------------------------------------------------------------------------- profile files


def test_load_profile_from_the_example():
    assert load_profile(DOCS / "examples" / "seeker_profile.json").id == "seeker-example-1"


def test_profile_errors_name_the_field_and_hide_sensitive_values(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"zip": "97206", "barriers": ["secret_thing"]}))
    with pytest.raises(ValidationError) as exc:
        load_profile(path)
    assert exc.value.problems[0].field == "barriers.0"
    assert "secret_thing" not in json.dumps(exc.value.to_dict())


def test_caseload_jsonl_errors_carry_the_line(tmp_path):
    path = tmp_path / "caseload.jsonl"
    path.write_text('{"zip": "97206"}\n\n{"zip": "1"}\n')
    profiles = iter_profiles(path)
    assert next(profiles)[0] == 1
    with pytest.raises(ValidationError) as exc:
        next(profiles)
    assert (exc.value.problems[0].row, exc.value.problems[0].field) == (3, "zip")


def test_caseload_json_list_and_file_level_checks(tmp_path):
    path = tmp_path / "caseload.json"
    path.write_text(json.dumps([{"zip": "97206"}, {"zip": "97401"}]))
    assert [row for row, _ in iter_profiles(path)] == [1, 2]
    with pytest.raises(InputFileError, match="list"):
        load_profile(path)
    with pytest.raises(InputFileError, match="more than 1 records"):
        list(iter_profiles(path, max_rows=1))
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"work_history": ["Caf\u00e9"]}'.encode("latin-1"))
    with pytest.raises(InputFileError, match="not UTF-8"):
        load_profile(latin)
    csv_file = tmp_path / "c.csv"
    csv_file.write_text("zip\n97206\n")
    with pytest.raises(InputFileError, match="not CSV"):
        list(iter_profiles(csv_file))


def test_a_zip_sent_as_a_number_or_as_zip_plus_four_is_read_as_five_digits() -> None:
    from matcher.records import parse_profile

    assert parse_profile({"zip": 97217}).zip == "97217"
    assert parse_profile({"zip": "97217-1234"}).zip == "97217"


def test_a_zip_of_the_wrong_length_names_the_field_and_the_expected_form() -> None:
    from matcher.errors import ValidationError
    from matcher.records import parse_profile

    with pytest.raises(ValidationError) as info:
        parse_profile({"zip": "9721"})
    assert info.value.field == "zip"
    assert "5-digit ZIP" in info.value.problems[0].message
