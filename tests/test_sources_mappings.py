"""The shipped mappings on their real files (NJ ETPL, IPEDS, Partner Finder), ETA-9171 on a file built here,
and hostile cells for every one of them: wrong types, huge values, formula-like text, unicode, empty
columns, reordered and missing headers."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path
from typing import Any

import pytest

from matcher.catalog import read_catalog, write_csv
from matcher.errors import ImportRowsError, InputFileError
from matcher.records import CredentialType, Delivery, FieldStatus, ProgramType
from matcher.sources import import_file, load_mapping, shipped_mappings

NJ = "nj_etpl_standardized_extract_2023-04-28.csv"
IPEDS = "or_wa_public_college_programs_ipeds_2023-24.csv"
PF = "or_wa_apprenticeship_sponsors_partner_finder_2026-08-10.csv"


def test_every_shipped_mapping_loads():
    assert set(shipped_mappings()) == {"tx-etpl", "nj-etpl", "ipeds", "partner-finder", "eta-9171"}
    for name in shipped_mappings():
        assert load_mapping(name).name == name


# --------------------------------------------------------------------------- New Jersey


def test_nj_extract_imports_and_rows_without_a_provider_are_named(source_file):
    found = import_file(source_file(NJ), "nj-etpl", skip_invalid=True)
    report = found.report
    assert (report.rows_read, report.valid) == (128, 115)
    assert report.rejected_rows == (21, 22, 24, 25, 37, 57, 58, 90, 110, 116, 125, 126, 127)
    no_provider = {p.row for p in report.rejected if p.message.startswith("provider is needed")}
    assert len(no_provider) == 11 and {p.field for p in report.rejected if p.row in no_provider} >= {
        "name + standardized_name_1"}
    massage = next(p for p in found.programs if p.id == "nj-27384")  # row 2, checked against the file
    assert (massage.name, massage.provider) == ("Massage Therapy", "Fortis Institute - Wayne - PCS")
    assert massage.cost.tuition_usd == 15578 and massage.contact_hours == 750
    assert massage.location.zip == "07470" and massage.location.state == "NJ"  # the leading zero is kept
    assert massage.credential_type is CredentialType.INDUSTRY_CERTIFICATION
    assert massage.prerequisites.min_education.value == "hs_diploma_or_ged"  # 'High School Diploma or GED'
    assert massage.description.startswith("The objectives")  # the quotes around the cell are removed
    ez = next(p for p in found.programs if p.provider.startswith("E-Z Wheels"))
    assert ez.provider == "E-Z Wheels Driving School, Inc. - Augusta"  # was '"E-Z Wheels ... - Augusta"'


# --------------------------------------------------------------------------- IPEDS


def test_ipeds_programs_have_no_invented_cost_and_occupations_come_from_the_cip(source_file):
    found = import_file(source_file(IPEDS), "ipeds", skip_invalid=True)
    assert (found.report.rows_read, found.report.valid) == (2893, 2891)
    first = found.programs[0]  # row 2: Blue Mountain CC, 01.0299, Associate degree, 2 completions
    assert first.id == "ipeds-208275-01.0299" and first.provider == "Blue Mountain Community College"
    assert first.target_occupations == ["49-3041.00"]
    assert first.field_status("target_occupations") is FieldStatus.DERIVED
    assert first.outcomes.total_completed == 2 and first.outcomes.period == "2023-24"
    assert first.credential_type is CredentialType.ASSOCIATE_DEGREE
    assert (first.location.latitude, first.location.longitude) == (45.677313, -118.816944)
    for p in found.programs:
        assert not p.cost.tuition_reported and not p.cost.is_free
        assert p.field_status("cost.tuition_usd") is FieldStatus.NOT_REPORTED
        assert p.outcomes.completion_rate is None  # never 0
        assert not any(c.startswith("25-1") for c in p.target_occupations) or len(p.target_occupations) == 1


# --------------------------------------------------------------------------- Partner Finder


def test_partner_finder_sponsors_become_registered_apprenticeships_and_bad_places_are_flagged(source_file):
    found = import_file(source_file(PF), "partner-finder")
    assert found.report.valid == 58 and found.ok
    assert {p.type for p in found.programs} == {ProgramType.REGISTERED_APPRENTICESHIP}
    jatc = next(p for p in found.programs if p.provider == "Crater Lake Electrical JATC")
    assert jatc.target_occupations == ["47-2111.00"]  # 'Electricians', an O*NET title
    assert jatc.location.delivery is Delivery.HYBRID  # Classroom;Correspondence/Shop;Web-Based Learning
    assert not jatc.cost.tuition_reported
    warnings = {(w.field, w.value, w.message) for w in found.report.warnings}
    # upstream address errors, reported rather than swallowed
    assert ("zip", "07321", "not a known ZIP code (no Census ZIP point); its coordinates are used") in warnings
    assert ("state", "WA", "the ZIP code is in TX, not in this state") in warnings
    assert ("occupations", "Plating Machine Setters, Operators, and Ten",
            "not an O*NET occupation title; dropped") in warnings


# --------------------------------------------------------------------------- ETA-9171 (no real file: built here)

ETA_HEADER = [
    "field_uuid", "field_etp", "field_program_name", "field_program_description", "field_program_format",
    "field_program_url", "field_cip_code", "field_program_soc_occ_1", "field_program_soc_occ_2",
    "field_program_soc_occ_3", "field_city", "field_state", "field_zip", "field_lat", "field_lon",
    "field_entity_type", "field_program_length_weeks", "field_program_length_hours", "field_non_wioa_tuition_cost",
    "field_non_wioa_supplies_cost", "field_c_total_served", "field_c_total_exited", "field_c_total_completed",
    "field_c_completed_percent", "field_c_cred_attainment_percent", "field_c_q2_employment_percent",
    "field_c_q4_employment_percent", "field_c_median_earnings",
]
ETA_ROWS = [
    # a welding program with every measure reported
    ["a1b2", "Portland Community College", "Welding Technology", "MIG, TIG and stick", "In Person",
     "www.pcc.edu/welding", "480508", "51-412100", "", "", "Portland", "OR", "97217", "45.5623", "-122.7012", "1",
     "22", "440", "4200", "600", "48", "40", "31", "0.775", "0.7", "0.8", "0.75", "11440"],
    # an apprenticeship with suppressed outcomes (-1) and an empty completion rate
    ["c3d4", "Electrical JATC", "Inside Wireman Apprenticeship", "", "Hybrid", "", "460302", "47-211100", "", "",
     "Eugene", "OR", "97402", "", "", "4", "208", "", "0", "0", "-1", "-1", "-1", "", "-1", "-1", "-1", "-1"],
]


def _eta_file(tmp_path: Path, rows: list[list[str]] = ETA_ROWS, header: list[str] = ETA_HEADER) -> Path:
    return _write_csv(tmp_path / "eta9171.csv", header, rows)


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def test_eta9171_outcomes_are_read_and_minus_one_is_never_a_number(tmp_path):
    found = import_file(_eta_file(tmp_path), "eta-9171")
    weld, ra = found.programs
    o = weld.outcomes
    assert (o.total_served, o.total_exited, o.total_completed) == (48, 40, 31)
    assert (o.completion_rate, o.credential_rate, o.employment_rate_q2, o.employment_rate_q4) == (0.775, 0.7, 0.8,
                                                                                                  0.75)
    assert o.placement_rate == 0.8  # the matcher's placement rate is the Q2 employment rate
    assert o.median_earnings_q2_usd == 11440
    assert o.median_starting_wage == 22.0  # 11,440 a quarter / 520 hours: an estimate, and marked so
    entry = weld.field_source("outcomes.median_starting_wage")
    assert entry.status is FieldStatus.ESTIMATE and "520 hours" in entry.note
    assert weld.target_occupations == ["51-4121.00"]  # '51-412100', the feed's zero-padded SOC
    assert weld.cost.tuition_usd == 4800 and weld.provider_type.value == "community_college"
    assert weld.url == "https://www.pcc.edu/welding"
    assert ra.type is ProgramType.REGISTERED_APPRENTICESHIP
    assert ra.outcomes.model_dump(exclude_none=True) == {}  # -1 everywhere: nothing invented
    for name in ("outcomes.total_served", "outcomes.completion_rate", "outcomes.median_earnings_q2_usd"):
        assert ra.outcomes.__getattribute__(name.split(".")[1]) is None
    assert ra.field_status("outcomes.total_served") is FieldStatus.NOT_REPORTED
    assert ra.field_status("outcomes.completion_rate") is FieldStatus.REPORTED  # empty: simply unknown, not noted
    assert ra.cost.tuition_usd == 0 and ra.cost.tuition_reported  # reported as 0: free, and true
    marked = {(c.row, c.field) for c in found.report.marked_cells}
    assert (3, "field_c_total_served") in marked and (3, "field_c_median_earnings") in marked


def test_eta9171_rates_given_as_percentages_are_refused_with_a_hint(tmp_path):
    rows = [list(ETA_ROWS[0])]
    rows[0][ETA_HEADER.index("field_c_completed_percent")] = "77.5"
    found = import_file(_eta_file(tmp_path, rows), "eta-9171", skip_invalid=True)
    problem = found.report.rejected[0]
    assert (problem.row, problem.field, problem.value) == (2, "field_c_completed_percent", "77.5")
    assert "scale = 100" in problem.message


# --------------------------------------------------------------------------- hostile cells, every mapping

# For each mapping: the real file (or the ETA rows), a number cell, the only source of a required field,
# an optional column and the column that feeds the name.
SPECS: dict[str, dict[str, Any]] = {
    "tx-etpl": {"file": "tx_twc_etpl_statewide_2024-03-20.csv", "number": "Required Cost: Tuition & Fees",
                "required": "Program Name", "optional": "Program URL", "name": "Program Name"},
    "nj-etpl": {"file": NJ, "number": "totalcost", "required": "officialname", "optional": "website",
                "name": "officialname"},
    "ipeds": {"file": IPEDS, "number": "completions_2023_24", "required": "cip_title",
              "optional": "institution_website", "name": "cip_title"},
    "partner-finder": {"file": PF, "number": "latitude", "required": "sponsor_name", "optional": "instruction_method",
                       "name": "sponsor_name", "name_field": "provider"},
    "eta-9171": {"file": None, "number": "field_c_total_served", "required": "field_program_name",
                 "optional": "field_program_url", "name": "field_program_name"},
}


def _sample(source_file: Any, mapping: str, n: int = 3) -> tuple[list[str], list[list[str]]]:
    """The header and the first n rows of the mapping's real file that import cleanly."""
    spec = SPECS[mapping]
    if spec["file"] is None:
        return list(ETA_HEADER), [list(r) for r in ETA_ROWS]
    with source_file(spec["file"]).open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [next(reader) for _ in range(40)]
    good = []
    for row in rows:
        path = _write_csv(_scratch(), header, [row])
        try:
            import_file(path, mapping)
        except ImportRowsError:
            continue
        good.append(row)
        if len(good) == n:
            break
    return header, good


_counter = iter(range(10**6))
_SCRATCH: list[Path] = []


def _scratch() -> Path:
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="hostile-"))
    _SCRATCH.append(folder)
    return folder / f"f{next(_counter)}.csv"


@pytest.fixture(scope="module", autouse=True)
def _clean_scratch():
    yield
    import shutil

    for folder in _SCRATCH:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def samples(source_file):
    return {name: _sample(source_file, name) for name in SPECS}


def _with(header: list[str], row: list[str], column: str, value: str) -> list[str]:
    out = list(row) + [""] * (len(header) - len(row))
    out[header.index(column)] = value
    return out


MAPPINGS = sorted(SPECS)


@pytest.mark.parametrize("mapping", MAPPINGS)
def test_a_word_in_a_number_cell_rejects_the_row_naming_column_and_value(tmp_path, samples, mapping):
    header, rows = samples[mapping]
    column = SPECS[mapping]["number"]
    bad = [_with(header, rows[0], column, "twelve"), *rows[1:]]
    with pytest.raises(ImportRowsError) as caught:
        import_file(_write_csv(tmp_path / "f.csv", header, bad), mapping)
    problem = caught.value.problems[0]
    assert (problem.row, problem.field, problem.value) == (2, column, "twelve")
    found = import_file(tmp_path / "f.csv", mapping, skip_invalid=True)
    assert found.report.valid == len(rows) - 1  # the other rows still import


@pytest.mark.parametrize("mapping", MAPPINGS)
def test_a_huge_number_is_refused_not_stored(tmp_path, samples, mapping):
    header, rows = samples[mapping]
    column = SPECS[mapping]["number"]
    found = import_file(_write_csv(tmp_path / "f.csv", header, [_with(header, rows[0], column, "99999999999")]),
                        mapping, skip_invalid=True)
    assert found.report.valid == 0
    problem = found.report.rejected[0]
    assert problem.field == column and problem.value == "99999999999"


@pytest.mark.parametrize("mapping", MAPPINGS)
def test_a_megabyte_cell_refuses_the_file_naming_the_row(tmp_path, samples, mapping):
    header, rows = samples[mapping]
    huge = "Welding " * 130_000  # about 1 MB: beyond what any cell holds, a damaged file
    path = _write_csv(tmp_path / "f.csv", header, [rows[0], _with(header, rows[1], SPECS[mapping]["name"], huge)])
    with pytest.raises(InputFileError, match="a cell near row 3 is longer than"):
        import_file(path, mapping)


@pytest.mark.parametrize("mapping", MAPPINGS)
def test_a_huge_text_cell_is_cut_and_reported_short(tmp_path, samples, mapping):
    header, rows = samples[mapping]
    column = SPECS[mapping]["name"]
    huge = "Welding " * 12_000  # about 100 KB
    found = import_file(_write_csv(tmp_path / "f.csv", header, [_with(header, rows[0], column, huge)]), mapping,
                        skip_invalid=True)
    field = SPECS[mapping].get("name_field", "name")
    if found.programs:
        assert len(getattr(found.programs[0], field)) <= 200  # the mapping truncates names to fit
    else:
        assert all(len(p.value or "") <= 80 for p in found.report.rejected)
    assert all(len(w.value or "") <= 80 for w in found.report.warnings)


@pytest.mark.parametrize("mapping", MAPPINGS)
def test_formula_like_text_is_kept_as_text_warned_about_and_neutralised_on_export(tmp_path, samples, mapping):
    header, rows = samples[mapping]
    column = SPECS[mapping]["name"]
    formula = '=HYPERLINK("http://evil.example/x","Click me")'
    found = import_file(_write_csv(tmp_path / "f.csv", header, [_with(header, rows[0], column, formula)]), mapping)
    program = found.programs[0]
    field = SPECS[mapping].get("name_field", "name")
    assert formula in getattr(program, field)
    assert any("spreadsheet formula" in w.message and w.field == column for w in found.report.warnings)
    out = tmp_path / "export.csv"
    write_csv([program], out)
    with out.open(encoding="utf-8", newline="") as fh:
        cells = next(csv.DictReader(fh))
    assert not any(v.startswith(("=", "+", "@")) or (v.startswith("-") and not _number(v)) for v in cells.values())
    assert read_catalog(out).programs[0] == program  # and it comes back exactly


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("mapping", MAPPINGS)
def test_unicode_survives_exactly(tmp_path, samples, mapping):
    header, rows = samples[mapping]
    column = SPECS[mapping]["name"]
    text = "Soldadura técnica — 溶接 Ñandú 🛠 Łódź"
    found = import_file(_write_csv(tmp_path / "f.csv", header, [_with(header, rows[0], column, text)]), mapping)
    field = SPECS[mapping].get("name_field", "name")
    assert text in getattr(found.programs[0], field)


@pytest.mark.parametrize("mapping", MAPPINGS)
def test_an_empty_required_cell_rejects_the_row_and_an_empty_optional_one_is_just_unknown(tmp_path, samples,
                                                                                           mapping):
    header, rows = samples[mapping]
    spec = SPECS[mapping]
    found = import_file(_write_csv(tmp_path / "f.csv", header, [_with(header, rows[0], spec["required"], "   "),
                                                               _with(header, rows[1], spec["optional"], "")]),
                        mapping, skip_invalid=True)
    assert found.report.rejected_rows == (2,)
    assert spec["required"] in found.report.rejected[0].field
    assert found.report.valid == 1


@pytest.mark.parametrize("mapping", MAPPINGS)
def test_reordered_columns_give_the_same_programs(tmp_path, samples, mapping):
    header, rows = samples[mapping]
    plain = import_file(_write_csv(tmp_path / "a.csv", header, rows), mapping).programs
    order = list(range(len(header)))
    random.Random(7).shuffle(order)
    shuffled = _write_csv(tmp_path / "b.csv", [header[i] for i in order],
                          [[(r + [""] * len(header))[i] for i in order] for r in rows])
    again = import_file(shuffled, mapping).programs
    strip = [json.loads(p.model_dump_json(exclude={"sources"})) for p in plain]
    assert strip == [json.loads(p.model_dump_json(exclude={"sources"})) for p in again]


@pytest.mark.parametrize("mapping", MAPPINGS)
def test_a_missing_optional_column_is_listed_and_a_missing_required_one_refuses_the_file(tmp_path, samples,
                                                                                        mapping):
    header, rows = samples[mapping]
    spec = SPECS[mapping]

    def without(column: str) -> Path:
        i = header.index(column)
        return _write_csv(tmp_path / f"no-{i}.csv", header[:i] + header[i + 1:], [r[:i] + r[i + 1:] for r in rows])

    found = import_file(without(spec["optional"]), mapping)
    assert spec["optional"] in found.report.missing_columns and found.report.valid == len(rows)
    with pytest.raises(InputFileError, match=spec["required"]):
        import_file(without(spec["required"]), mapping)


@pytest.mark.parametrize("mapping", MAPPINGS)
def test_an_extra_column_is_listed_as_unrecognised(tmp_path, samples, mapping):
    header, rows = samples[mapping]
    found = import_file(_write_csv(tmp_path / "f.csv", [*header, "Board notes"], [[*r, "call back"] for r in rows]),
                        mapping)
    assert found.report.unrecognised_columns == ["Board notes"]
