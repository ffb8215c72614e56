"""Exported CSV cannot run as a spreadsheet formula (and reads back exactly); program places are checked against
the national ZIP points; unknown stays unknown in the records."""

from __future__ import annotations

import csv
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher import csv_format as cf
from matcher.catalog import read_catalog, write_csv, write_json
from matcher.errors import ImportRowsError, ValidationError
from matcher.records import FieldSource, FieldStatus, SourceRef, parse_program

# --------------------------------------------------------------------------- formula injection


@pytest.mark.parametrize("text, written", [
    ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"),
    ("+1 555 0100 (call)", "'+1 555 0100 (call)"),
    ("-rm", "'-rm"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("'=already quoted", "''=already quoted"),
    ("''", "'''"),
    ("-122.70", "-122.70"),  # a plain number is left alone: spreadsheets read it as a number
    ("+5", "+5"),
    ("1e-3", "1e-3"),
    ("'Til Dawn Bakery", "'Til Dawn Bakery"),  # an apostrophe before a letter is nobody's formula
    ("Welding", "Welding"),
    ("", ""),
])
def test_cells_that_would_run_as_formulas_get_an_apostrophe(text, written):
    assert cf.neutralise_formula(text) == written
    assert cf.restore_formula(written) == text


@given(st.text(max_size=30))
def test_neutralising_is_undone_exactly_for_any_text(text):
    assert cf.restore_formula(cf.neutralise_formula(text)) == text
    out = cf.neutralise_formula(text)
    assert not out.startswith(("=", "@")) and not (out[:1] in "+-" and out != text and out[:1] != "'")


def test_an_exported_catalog_has_no_formula_cells_and_imports_back_unchanged(tmp_path, full_program_data):
    data = dict(full_program_data)
    data.update(name="=HYPERLINK(\"http://evil.example\",\"Apply\")", provider="@Acme Training",
                employer_partners=["+Partner", "-Dash Co", "=cmd|' /C calc'!A0"],
                description="-starts with a dash")
    data["location"] = dict(data["location"], address="=1+1")
    program = parse_program(data)
    path = tmp_path / "c.csv"
    write_csv([program], path)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    for cell in rows[1]:
        if cell and cell[0] in "=+-@":
            float(cell)  # only plain numbers (longitude -122.7012) may start with + or -
    assert rows[1][rows[0].index("name")] == "'=HYPERLINK(\"http://evil.example\",\"Apply\")"
    assert read_catalog(path).programs[0] == program


def test_json_export_is_not_altered(tmp_path, full_program_data):
    data = dict(full_program_data, name="=SUM(1)")
    path = tmp_path / "c.json"
    write_json([parse_program(data)], path)
    assert json.loads(path.read_text())["programs"][0]["name"] == "=SUM(1)"


# --------------------------------------------------------------------------- places


def _csv(tmp_path, make_program, **location):
    program = make_program(location={"zip": "97220", **location})
    path = tmp_path / "c.csv"
    write_csv([program], path)
    return path


def test_a_program_zip_that_is_not_a_known_zip_is_a_row_error_naming_the_column(tmp_path, make_program):
    path = _csv(tmp_path, make_program, zip="00000")
    with pytest.raises(ImportRowsError) as caught:
        read_catalog(path)
    problem = caught.value.problems[0]
    assert (problem.row, problem.field, problem.value) == (2, "location_zip", "00000")
    assert "not a known ZIP code" in problem.message and "latitude and longitude" in problem.message


def test_with_coordinates_or_online_an_unknown_zip_is_only_a_warning(tmp_path, make_program):
    with_point = read_catalog(_csv(tmp_path, make_program, zip="99164", latitude=46.73, longitude=-117.16))
    assert with_point.ok and with_point.warnings[0].field == "location_zip"
    online = read_catalog(_csv(tmp_path, make_program, zip="00000", delivery="online"))
    assert online.ok and "online only" in online.warnings[0].message


def test_a_zip_in_another_state_than_the_record_says_is_a_warning(tmp_path, make_program):
    result = read_catalog(_csv(tmp_path, make_program, zip="77064", state="WA"))
    assert result.ok and (result.warnings[0].field, result.warnings[0].value) == ("location_state", "WA")
    assert result.warnings[0].message == "the ZIP code is in TX, not in this state"


def test_a_texas_zip_is_now_a_known_place(tmp_path, make_program):
    assert read_catalog(_csv(tmp_path, make_program, zip="78210", state="TX")).warnings == ()


# --------------------------------------------------------------------------- unknown stays unknown


def _with(make_program, provenance, **fields):
    return make_program(sources=[SourceRef(name="src", record_id="1")], provenance=provenance, **fields)


def test_a_suppressed_measure_is_never_a_number(make_program):
    entry = {"field": "outcomes.completion_rate", "status": "suppressed", "source": "src:1"}
    with pytest.raises(ValidationError, match="marked suppressed but has a value"):
        _with(make_program, [entry], outcomes={"completion_rate": 0.0})
    ok = _with(make_program, [entry])
    assert ok.outcomes.completion_rate is None
    assert ok.field_status("outcomes.completion_rate") is FieldStatus.SUPPRESSED
    assert ok.field_status("outcomes.placement_rate") is FieldStatus.REPORTED  # not listed: as given


def test_not_reported_is_representable_for_fields_with_defaults_and_refused_for_required_ones(make_program):
    entry = {"field": "prerequisites.min_education", "status": "not_reported", "source": "src:1"}
    assert _with(make_program, [entry]).field_status("prerequisites.min_education") is FieldStatus.NOT_REPORTED
    with pytest.raises(ValidationError, match="is required, so it cannot be not_reported"):
        _with(make_program, [{"field": "schedule.times", "status": "not_reported", "source": "src:1"}])


def test_an_unreported_cost_is_not_free_and_cannot_carry_a_number(make_program):
    unknown = make_program(cost={"tuition_reported": False})
    assert not unknown.cost.is_free
    assert make_program(cost={"tuition_reported": False, "funding": ["free"]}).cost.is_free
    with pytest.raises(ValidationError, match="tuition_usd must be 0"):
        make_program(cost={"tuition_reported": False, "tuition_usd": 100})


def test_provenance_must_name_real_fields_and_real_sources(make_program):
    with pytest.raises(ValidationError, match="not a program field"):
        _with(make_program, [{"field": "outcomes.completion", "status": "derived"}])
    with pytest.raises(ValidationError, match="not among the record's sources"):
        _with(make_program, [{"field": "sector", "status": "derived", "source": "other:9"}])
    with pytest.raises(ValidationError, match="lists 'sector' twice"):
        _with(make_program, [{"field": "sector", "status": "derived"}, {"field": "sector", "status": "assumed"}])
    assert FieldSource(field="sector", status="derived").source is None


def test_outcome_counts_must_be_consistent(make_program):
    with pytest.raises(ValidationError, match="total_completed .* is above total_served"):
        make_program(outcomes={"total_served": 10, "total_completed": 12})


def test_new_fields_round_trip_through_csv(tmp_path, make_program):
    program = make_program(credential_type="apprenticeship_certificate", credential_name="Journeyworker card",
                           contact_hours=144, pell_eligible=False, provider_type="union", duration_weeks=None,
                           cost={"tuition_reported": False},
                           outcomes={"total_served": 40, "total_exited": 30, "total_completed": 25,
                                     "credential_rate": 0.8, "employment_rate_q2": 0.9, "employment_rate_q4": 0.85,
                                     "median_earnings_q2_usd": 12000, "period": "PY2023"},
                           location={"zip": "78210", "city": "San Antonio"},
                           sources=[SourceRef(name="tx-etpl", record_id="1", row=2)],
                           provenance=[{"field": "cost.tuition_usd", "status": "not_reported",
                                        "source": "tx-etpl:1", "note": "=not given"}])
    path = tmp_path / "c.csv"
    write_csv([program], path)
    assert read_catalog(path).programs[0] == program
