"""Catalog import/export: round trips, every kind of bad input, skip-invalid."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher import csv_format as cf
from matcher.catalog import (
    Catalog,
    default_catalog,
    load_catalog,
    parse_program_type,
    read_catalog,
    write_csv,
    write_json,
)
from matcher.errors import DataError, ImportRowsError, InputFileError, NotFoundError, ValidationError
from matcher.records import Program, ProgramType, Sector
from tests.conftest import link_reference_data


def _csv_text(rows: list[dict[str, str]], columns: list[str] | None = None) -> str:
    columns = columns or list(dict.fromkeys(key for row in rows for key in row))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def _row(**overrides: str) -> dict[str, str]:
    row = {
        "id": "p1", "name": "Carpentry pre-apprenticeship", "provider": "Constructing Hope",
        "type": "pre_apprenticeship", "sector": "construction", "target_occupations": "47-2031.00",
        "schedule_times": "day", "schedule_hours_per_week": "35", "duration_weeks": "10",
        "location_zip": "97211",
    }
    row.update(overrides)
    return row


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _problems(exc: pytest.ExceptionInfo[ImportRowsError]) -> list[tuple[int | None, str]]:
    return [(p.row, p.field) for p in exc.value.problems]


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("writer, suffix", [(write_csv, ".csv"), (write_json, ".json")])
def test_export_then_import_loses_nothing(tmp_path, writer, suffix, full_program, minimal_program):
    programs = [full_program, minimal_program]
    path = tmp_path / f"catalog{suffix}"
    assert writer(programs, path) == 2
    loaded = load_catalog(path)
    assert list(loaded.programs) == programs
    # Field by field too, so a failure says what was lost.
    assert loaded.get("pcc-weld-01").model_dump() == full_program.model_dump()


def test_csv_round_trip_keeps_semicolons_and_backslashes_inside_items(tmp_path, full_program):
    path = tmp_path / "c.csv"
    write_csv([full_program], path)
    loaded = load_catalog(path).get(full_program.id)
    assert "Vigor; Swan Island" in loaded.employer_partners
    assert "Back\\slash Co" in loaded.employer_partners
    assert "tech:autodesk-autocad" in loaded.skills_taught
    assert loaded.location.address == "8010 N Swan Island Ave,\nBuilding 2"


def test_csv_writer_escapes_semicolons_in_items():
    assert cf.escape_item("a;b\\c") == "a\\;b\\\\c"
    assert cf.split_items("a\\;b;c\\\\;d") == ["a;b", "c\\", "d"]
    assert cf.split_items(" x ; ;y;") == ["x", "y"]
    # A backslash before anything else is kept as typed.
    assert cf.split_items("C:\\temp") == ["C:\\temp"]


def _split_items_by_hand(cell: str) -> list[str]:
    """The splitting rule spelled out one character at a time (what split_items's fast path must equal)."""
    items, current, i = [], "", 0
    while i < len(cell):
        if cell[i] == "\\" and i + 1 < len(cell) and cell[i + 1] in ";\\":
            current, i = current + cell[i + 1], i + 2
        elif cell[i] == ";":
            items, current, i = items + [current], "", i + 1
        else:
            current, i = current + cell[i], i + 1
    return [item.strip() for item in [*items, current] if item.strip()]


@given(st.text(alphabet="ab ;\\\t\u00e9", max_size=30))
def test_splitting_a_list_cell_follows_the_escaping_rule_for_any_text(cell: str) -> None:
    assert cf.split_items(cell) == _split_items_by_hand(cell)


def test_write_to_open_file_and_catalog_object(tmp_path, full_program):
    buf = io.StringIO()
    write_json(Catalog((full_program,)), buf)
    doc = json.loads(buf.getvalue())
    assert doc["format"] == "matcher-catalog" and doc["version"] == 1
    assert doc["programs"][0] == full_program.model_dump(mode="json")


def test_csv_columns_cover_every_program_field():
    def leaves(model: type[Any], prefix: str = "") -> set[str]:
        out: set[str] = set()
        for name, info in model.model_fields.items():
            ann = info.annotation
            if isinstance(ann, type) and hasattr(ann, "model_fields"):
                out |= leaves(ann, f"{prefix}{name}.")
            else:
                out.add(f"{prefix}{name}")
        return out

    assert leaves(Program) == set(cf.BY_PATH)


# --------------------------------------------------------------------------- JSON variants


def test_bare_json_list_and_jsonl_are_accepted(tmp_path, full_program, minimal_program):
    dumped = [p.model_dump(mode="json") for p in (full_program, minimal_program)]
    bare = _write(tmp_path, "bare.json", json.dumps(dumped))
    lines = _write(tmp_path, "c.jsonl", "\n".join(json.dumps(d) for d in dumped) + "\n\n")
    assert list(load_catalog(bare).programs) == [full_program, minimal_program]
    assert list(load_catalog(lines).programs) == [full_program, minimal_program]


def test_json_errors_carry_1_based_index_and_dotted_field(tmp_path, full_program_data):
    bad = dict(full_program_data, id="second")
    bad["schedule"] = {"times": ["night"], "hours_per_week": 12}
    path = _write(tmp_path, "c.json", json.dumps({"programs": [full_program_data, bad]}))
    with pytest.raises(ImportRowsError) as exc:
        read_catalog(path)
    assert _problems(exc) == [(2, "schedule.times.0")]


def test_jsonl_errors_carry_the_line_number(tmp_path, full_program_data):
    bad = dict(full_program_data, id="x", duration_weeks=-1)
    text = json.dumps(full_program_data) + "\n\n" + json.dumps(bad) + "\n"
    with pytest.raises(ImportRowsError) as exc:
        read_catalog(_write(tmp_path, "c.jsonl", text))
    assert _problems(exc) == [(3, "duration_weeks")]


def test_jsonl_line_that_is_not_json_names_the_line(tmp_path, full_program_data):
    text = json.dumps(full_program_data) + "\n{not json\n"
    with pytest.raises(InputFileError, match="line 2"):
        read_catalog(_write(tmp_path, "c.jsonl", text))


def test_invalid_json_reports_line_and_column(tmp_path):
    with pytest.raises(InputFileError, match=r"not valid JSON: .* line 3, column"):
        read_catalog(_write(tmp_path, "c.json", '{"programs": [\n  {"id": "a"},\n  oops\n]}'))


@pytest.mark.parametrize("doc, field", [
    ({"format": "something-else", "programs": []}, "format"),
    ({"format": "matcher-catalog", "version": 2, "programs": []}, "version"),
    ({"items": []}, "programs"),
    ("a string", "programs"),
])
def test_json_wrapper_is_checked(tmp_path, doc, field):
    with pytest.raises(InputFileError) as exc:
        read_catalog(_write(tmp_path, "c.json", json.dumps(doc)))
    assert exc.value.field == field


def test_json_record_that_is_not_an_object_is_a_row_problem(tmp_path, full_program_data):
    path = _write(tmp_path, "c.json", json.dumps([full_program_data, 42]))
    with pytest.raises(ImportRowsError) as exc:
        read_catalog(path)
    assert exc.value.problems[0].row == 2


# --------------------------------------------------------------------------- CSV cells


def test_csv_minimal_row_gets_model_defaults(tmp_path):
    program = load_catalog(_write(tmp_path, "c.csv", _csv_text([_row()]))).get("p1")
    assert program.languages == ["en"]
    assert program.prerequisites.drivers_license is False
    assert program.cost.tuition_usd == 0
    assert program.location.zip == "97211"


@pytest.mark.parametrize("cell, expected", [
    ("true", True), ("YES", True), ("y", True), ("1", True), ("True", True),
    ("false", False), ("No", False), ("n", False), ("0", False), ("", False),
])
def test_csv_booleans_accept_common_spellings(tmp_path, cell, expected):
    path = _write(tmp_path, "c.csv", _csv_text([_row(prereq_drivers_license=cell)]))
    assert load_catalog(path).get("p1").prerequisites.drivers_license is expected


def test_csv_enum_cells_ignore_case(tmp_path):
    path = _write(tmp_path, "c.csv", _csv_text([_row(type="OJT", sector="Construction", schedule_times="Day;EVENING")]))
    program = load_catalog(path).get("p1")
    assert program.type is ProgramType.OJT and program.sector is Sector.CONSTRUCTION
    assert [t.value for t in program.schedule.times] == ["day", "evening"]


def test_csv_comment_and_blank_columns_are_ignored(tmp_path):
    text = _csv_text([dict(_row(), **{"# notes": "call Maria first", "": ""})])
    assert len(load_catalog(_write(tmp_path, "c.csv", text))) == 1


def test_csv_cell_under_a_blank_header_is_reported(tmp_path):
    text = _csv_text([dict(_row(), **{"": "stray"})])
    with pytest.raises(ImportRowsError) as exc:
        read_catalog(_write(tmp_path, "c.csv", text))
    assert exc.value.problems[0].field.startswith("(column ")


def test_csv_utf8_bom_is_accepted(tmp_path):
    path = _write(tmp_path, "c.csv", b"\xef\xbb\xbf" + _csv_text([_row(name="Café prep")]).encode())
    assert load_catalog(path).get("p1").name == "Café prep"


def test_csv_blank_lines_are_skipped_but_row_numbers_stay_spreadsheet_rows(tmp_path):
    text = _csv_text([_row(), _row(id="p2", duration_weeks="zero")])
    lines = text.splitlines()
    text = "\n".join([lines[0], lines[1], "", lines[2]]) + "\n"
    with pytest.raises(ImportRowsError) as exc:
        read_catalog(_write(tmp_path, "c.csv", text))
    assert _problems(exc) == [(4, "duration_weeks")]


# --------------------------------------------------------------------------- CSV row problems


@pytest.mark.parametrize("overrides, field", [
    ({"duration_weeks": "ten"}, "duration_weeks"),                 # wrong type
    ({"schedule_hours_per_week": "-3"}, "schedule_hours_per_week"),  # out of range
    ({"type": "bootcamp"}, "type"),                                 # unknown enum value
    ({"sector": "mining"}, "sector"),
    ({"target_occupations": "47-2031"}, "target_occupations"),     # bad SOC
    ({"cip_code": "46-0201"}, "cip_code"),                          # bad CIP
    ({"location_zip": "9721"}, "location_zip"),                     # bad ZIP
    ({"languages": "english"}, "languages"),
    ({"supports": "childcare;pony"}, "supports"),
    ({"prereq_drivers_license": "maybe"}, "prereq_drivers_license"),  # bad boolean
    ({"next_start": "22/09/2025"}, "next_start"),                   # bad date
    ({"url": "www.example.org"}, "url"),
    ({"id": "has space"}, "id"),
    ({"name": ""}, "name"),                                         # missing required value
    ({"schedule_times": ""}, "schedule_times"),
    ({"paid_kind": "wage"}, "paid_hourly_wage"),                    # cross-field rule
    ({"prereq_background_exclusions": "felony"}, "prereq_background_exclusions"),
    ({"location_latitude": "45.5"}, "location_latitude"),
])
def test_each_bad_csv_cell_is_reported_with_row_and_column(tmp_path, overrides, field):
    path = _write(tmp_path, "c.csv", _csv_text([_row(id="ok"), _row(**overrides)]))
    with pytest.raises(ImportRowsError) as exc:
        read_catalog(path)
    assert (3, field) in _problems(exc)
    assert all(row == 3 for row, _ in _problems(exc))
    assert "are invalid: fix them" in exc.value.message and "imported" not in exc.value.message


def test_bad_codes_get_a_plain_explanation(tmp_path):
    path = _write(tmp_path, "c.csv", _csv_text([_row(target_occupations="47-2031.00;472031", location_zip="972")]))
    with pytest.raises(ImportRowsError) as exc:
        read_catalog(path)
    messages = {p.field: p.message for p in exc.value.problems}
    assert messages["target_occupations"] == "item 2: must be an O*NET-SOC code like 47-2031.00"
    assert "5-digit ZIP" in messages["location_zip"]


def test_all_bad_rows_are_reported_not_just_the_first(tmp_path):
    rows = [_row(id=f"p{i}") for i in range(1, 6)]
    rows[1]["duration_weeks"] = "x"
    rows[3]["sector"] = "nope"
    rows[3]["location_zip"] = "1"
    path = _write(tmp_path, "c.csv", _csv_text(rows))
    with pytest.raises(ImportRowsError) as exc:
        read_catalog(path)
    assert sorted(_problems(exc)) == [(3, "duration_weeks"), (5, "location_zip"), (5, "sector")]
    assert "2 of 5 records" in exc.value.message


def test_duplicate_ids_are_an_error_on_the_later_row(tmp_path):
    path = _write(tmp_path, "c.csv", _csv_text([_row(), _row(id="p2"), _row(name="Other")]))
    with pytest.raises(ImportRowsError) as exc:
        read_catalog(path)
    assert _problems(exc) == [(4, "id")]
    assert "first used on row 2" in exc.value.problems[0].message


def test_skip_invalid_returns_good_rows_and_every_problem(tmp_path):
    rows = [_row(id="a"), _row(id="b", duration_weeks="x"), _row(id="c"), _row(id="a")]
    result = read_catalog(_write(tmp_path, "c.csv", _csv_text(rows)), skip_invalid=True)
    assert [p.id for p in result.programs] == ["a", "c"]
    assert result.bad_rows == (3, 5)
    assert result.rows_read == 4 and not result.ok


def test_extra_cells_beyond_the_header_are_reported(tmp_path):
    text = _csv_text([_row()]) + "p2,x,y,ojt,construction,47-2031.00,day,40,4,97211,EXTRA\n"
    with pytest.raises(ImportRowsError) as exc:
        read_catalog(_write(tmp_path, "c.csv", text))
    assert _problems(exc) == [(3, "(row)")]


# --------------------------------------------------------------------------- CSV header problems


def test_unknown_column_is_named_with_a_suggestion(tmp_path):
    text = _csv_text([dict(_row(), duration_wekes="3")])
    with pytest.raises(InputFileError, match=r"unknown column 'duration_wekes' \(did you mean 'duration_weeks'\?\)"):
        read_catalog(_write(tmp_path, "c.csv", text))


def test_missing_required_columns_are_named_in_one_error(tmp_path):
    row = _row()
    del row["sector"], row["schedule_times"]
    with pytest.raises(InputFileError, match="missing required column.*sector, schedule_times"):
        read_catalog(_write(tmp_path, "c.csv", _csv_text([row])))


def test_duplicate_column_is_an_error(tmp_path):
    text = "id,id,name\n"
    with pytest.raises(InputFileError, match="'id' appears twice"):
        read_catalog(_write(tmp_path, "c.csv", text))


def test_header_without_rows_is_an_error(tmp_path):
    text = ",".join(cf.REQUIRED_COLUMNS) + "\n\n"
    with pytest.raises(InputFileError, match="header but no program rows"):
        read_catalog(_write(tmp_path, "c.csv", text))


# --------------------------------------------------------------------------- file-level problems


def test_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="file not found"):
        read_catalog(tmp_path / "nope.csv")


def test_directory(tmp_path):
    with pytest.raises(InputFileError, match="is a directory"):
        read_catalog(tmp_path)


@pytest.mark.parametrize("content", [b"", b"\n  \n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path, content):
    with pytest.raises(InputFileError, match="empty"):
        read_catalog(_write(tmp_path, "c.csv", content))


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    path = _write(tmp_path, "c.csv", _csv_text([_row(id=f"p{i}") for i in range(50)]))
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read a file over the limit"))
    with pytest.raises(InputFileError, match=r"too large: .* the limit is 1,000"):
        read_catalog(path, max_bytes=1000)


def test_too_many_rows(tmp_path):
    rows = [_row(id=f"p{i}") for i in range(11)]
    for name, text in [("c.csv", _csv_text(rows)),
                       ("c.json", json.dumps([{"id": f"p{i}"} for i in range(11)])),
                       ("c.jsonl", "\n".join(json.dumps({"id": f"p{i}"}) for i in range(11)))]:
        with pytest.raises(InputFileError, match="more than 10 records"):
            read_catalog(_write(tmp_path, name, text), max_rows=10)


def test_latin1_file_is_refused_with_position_and_advice(tmp_path):
    data = _csv_text([_row()]).encode() + "p2,Caf\u00e9,x\n".encode("latin-1")
    with pytest.raises(InputFileError) as exc:
        read_catalog(_write(tmp_path, "c.csv", data))
    message = exc.value.message
    assert "not UTF-8" in message and "line 3" in message and "byte offset" in message
    assert "CSV UTF-8" in message


def test_utf16_file_is_refused(tmp_path):
    data = _csv_text([_row()]).encode("utf-16")
    with pytest.raises(InputFileError, match="UTF-16"):
        read_catalog(_write(tmp_path, "c.csv", data))


def test_binary_junk_is_refused(tmp_path):
    with pytest.raises(InputFileError, match="binary"):
        read_catalog(_write(tmp_path, "c.csv", bytes(range(256)) * 4))


def test_xlsx_given_as_csv_is_recognised(tmp_path):
    with pytest.raises(InputFileError, match="Excel workbook"):
        read_catalog(_write(tmp_path, "c.csv", b"PK\x03\x04" + b"\x14\x00" * 50))


def test_spreadsheet_suffix_is_refused(tmp_path):
    with pytest.raises(InputFileError, match="spreadsheet"):
        read_catalog(_write(tmp_path, "c.xlsx", "id\n"))


def test_explicit_format_overrides_the_suffix(tmp_path, full_program):
    path = tmp_path / "catalog.data"
    write_json([full_program], path)
    assert len(read_catalog(path, format="json").catalog) == 1
    with pytest.raises(InputFileError, match="unknown format"):
        read_catalog(path, format="xml")


def test_progress_callback_counts_records(tmp_path):
    seen: list[int] = []
    read_catalog(_write(tmp_path, "c.csv", _csv_text([_row(id=f"p{i}") for i in range(3)])), progress=seen.append)
    assert seen == [1, 2, 3]


# --------------------------------------------------------------------------- the Catalog


def test_catalog_get_and_filter(make_program):
    catalog = Catalog((
        make_program(id="a", type="ojt", sector="construction", location={"zip": "97211", "county": "Multnomah"}),
        make_program(id="b", type="registered_apprenticeship", sector="construction",
                     location={"zip": "97401", "county": "Lane County"}),
        make_program(id="c", type="ojt", sector="healthcare", location={"delivery": "online"}),
    ), source="test")
    assert len(catalog) == 3 and "a" in catalog and [p.id for p in catalog] == ["a", "b", "c"]
    assert catalog.get("b").id == "b"
    assert [p.id for p in catalog.filter(type="ojt")] == ["a", "c"]
    assert [p.id for p in catalog.filter(type="apprenticeship", sector="construction")] == ["b"]
    assert [p.id for p in catalog.filter(county="lane")] == ["b"]
    assert [p.id for p in catalog.filter(county="Multnomah County", sector=Sector.CONSTRUCTION)] == ["a"]
    assert catalog.filter(sector="healthcare").source == "test"


def test_catalog_get_unknown_id_names_program_id(make_program):
    with pytest.raises(NotFoundError) as exc:
        Catalog((make_program(),)).get("missing")
    assert exc.value.field == "program_id"


def test_catalog_refuses_duplicate_ids(make_program):
    with pytest.raises(ValidationError):
        Catalog((make_program(), make_program()))


def test_catalog_filter_unknown_type_or_sector_is_a_validation_error(make_program):
    catalog = Catalog((make_program(),))
    with pytest.raises(ValidationError) as exc:
        catalog.filter(type="bootcamp")
    assert exc.value.field == "type"
    with pytest.raises(ValidationError) as exc:
        catalog.filter(sector="mining")
    assert exc.value.field == "sector"


@pytest.mark.parametrize("text, expected", [
    ("ojt", ProgramType.OJT), ("OJT", ProgramType.OJT), ("apprenticeship", ProgramType.REGISTERED_APPRENTICESHIP),
    ("pre-apprenticeship", ProgramType.PRE_APPRENTICESHIP), ("On-the-job training", ProgramType.OJT),
    ("occupational skills", ProgramType.OCCUPATIONAL_SKILLS),
])
def test_program_type_aliases(text, expected):
    assert parse_program_type(text) is expected


# --------------------------------------------------------------------------- the shipped sample


def test_default_catalog_reads_data_dir(tmp_path, monkeypatch, full_program):
    link_reference_data(tmp_path)
    write_json([full_program], tmp_path / "sample_catalog.json")
    monkeypatch.setenv("MATCHER_DATA_DIR", str(tmp_path))
    catalog = default_catalog()
    assert catalog.ids == (full_program.id,)
    assert "sample catalog" in catalog.source


def test_default_catalog_missing_or_corrupt_is_a_data_error(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHER_DATA_DIR", str(tmp_path))
    with pytest.raises(DataError, match="missing"):
        default_catalog()
    (tmp_path / "sample_catalog.json").write_text('{"programs": [{"id": "x"}]}')
    with pytest.raises(DataError, match="corrupt"):
        default_catalog()


def test_shipped_sample_catalog_is_valid_when_present():
    from matcher.paths import REPO_ROOT

    if not (REPO_ROOT / "training_data" / "sample_catalog.json").exists():
        pytest.skip("sample catalog not generated yet")
    assert len(load_catalog(REPO_ROOT / "training_data" / "sample_catalog.json")) > 0


def test_one_set_of_true_false_spellings_serves_catalogs_histories_and_sources():
    from matcher.csv_format import FALSE_WORDS, TRUE_WORDS, parse_bool
    from matcher.sources import convert

    assert [parse_bool(w) for w in ("True", " yes", "Y", "t", "1")] == [True] * 5
    assert [parse_bool(w) for w in ("FALSE", "no ", "n", "F", "0")] == [False] * 5
    with pytest.raises(ValueError, match="t/f"):
        parse_bool("maybe")
    assert convert.TRUE_WORDS is TRUE_WORDS and convert.FALSE_WORDS is FALSE_WORDS
