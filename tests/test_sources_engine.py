"""The mapping machinery itself: the model's errors, each converter's known answers, rules, derivations,
markers, and the report - on small files written here."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from matcher.errors import InputFileError, ValidationError
from matcher.records import FieldStatus
from matcher.sources import import_file, parse_mapping
from matcher.sources.convert import CONVERTERS, Context, ConvertError
from matcher.sources.mapping import FieldMapping

BASE: dict[str, Any] = {
    "source": {"name": "board-x", "title": "Board X programs", "not_reported": ["N/A"], "suppressed": ["*"]},
    "fields": {
        "id": {"template": "bx-{Code}"},
        "name": {"column": "Title"},
        "provider": {"column": "School"},
        "type": {"default": "occupational_skills"},
        "target_occupations": {"column": "SOC", "convert": "onet"},
        "sector": {"derive": "sector_from_occupations", "default": "other"},
        "schedule.times": {"default": ["day"]},
        "schedule.hours_per_week": {"default": 20},
        "location.zip": {"column": "Zip", "convert": "zip"},
    },
}
HEADER = ["Code", "Title", "School", "SOC", "Zip"]
ROW = ["1", "Welding I", "Example College", "51-4121.00", "97217"]


def mapping(**fields: Any) -> Any:
    data = {"source": dict(BASE["source"]), "fields": {**BASE["fields"], **fields}}
    return parse_mapping(data)


def write(tmp_path: Path, header: list[str], rows: list[list[str]], name: str = "f.csv") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path = tmp_path / name
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def one(tmp_path: Path, extra_columns: dict[str, str] | None = None, **fields: Any) -> Any:
    header = HEADER + list(extra_columns or {})
    row = ROW + list((extra_columns or {}).values())
    return import_file(write(tmp_path, header, [row]), mapping(**fields), skip_invalid=True)


# --------------------------------------------------------------------------- the mapping model


@pytest.mark.parametrize("change, key, message", [
    ({"fields": {"nmae": {"column": "x"}}}, "fields", "'nmae' is not a program field (did you mean 'name'?)"),
    ({"fields": {"cost": {"tuition_usd": {"column": "x"}}}}, "fields",
     'map its parts, e.g. [fields."cost.tuition_usd"]'),
    ({"fields": {"sources": {"column": "x"}}}, "fields", "filled by the importer"),
    ({"fields": {"name": {"column": "a", "template": "{b}"}}}, "fields.name", "not column and template"),
    ({"fields": {"name": {}}}, "fields.name", "says nowhere to get a value"),
    ({"fields": {"name": {"column": "a", "convert": "money_typo"}}}, "", "unknown converter 'money_typo'"),
    ({"fields": {"name": {"column": "a", "format": "%Y"}}}, "", "option(s) format do not apply to converter 'text'"),
    ({"fields": {"name": {"column": "a", "convert": "lookup"}}}, "", "needs a values table"),
    ({"fields": {"sector": {"derive": "sector_from_cip"}}}, "", "unknown derivation 'sector_from_cip'"),
    ({"fields": {"sector": {"derive": "state_from_zip"}}}, "", "fills location.state, not this field"),
    ({"fields": {"name": {"rules": [{"when": {"column": "a", "matches": "("}, "value": "x"}]}}}, "",
     "not a valid regular expression"),
    ({"fields": {"name": {"rules": [{"when": {"column": "a"}, "value": "x"}]}}}, "", "exactly one of equals"),
    ({"fields": {"name": {"rules": [{"when": {"field": "seats", "equals": "1"}, "value": "x"}]}}}, "",
     "tests field 'seats', which this mapping does not fill"),
    ({"source": {"name": "Bad Name!", "title": "x"}}, "source.name", "should match pattern"),
])
def test_a_bad_mapping_names_the_key_at_fault(change, key, message):
    data = {"source": dict(BASE["source"]), "fields": dict(BASE["fields"])}
    for part, value in change.items():
        data[part] = {**data[part], **value}
    with pytest.raises(ValidationError) as caught:
        parse_mapping(data, name="board.toml")
    assert message in str(caught.value.message) + " ".join(p.message for p in caught.value.problems)
    assert caught.value.message.startswith("board.toml: invalid mapping")
    if key:
        assert caught.value.field.startswith(key)


def test_a_mapping_must_fill_every_field_a_program_needs():
    data = {"source": BASE["source"], "fields": {k: v for k, v in BASE["fields"].items() if k != "schedule.times"}}
    with pytest.raises(ValidationError, match="missing: schedule.times"):
        parse_mapping(data)


def test_fields_depending_on_each_other_in_a_circle_are_refused():
    with pytest.raises(ValidationError, match="in a circle"):
        mapping(contact_hours={"rules": [{"when": {"field": "duration_weeks", "empty": False}, "value": 1}]},
                duration_weeks={"rules": [{"when": {"field": "contact_hours", "empty": False}, "value": 1}]})


def test_a_toml_file_that_does_not_parse_names_the_line(tmp_path):
    from matcher.sources import load_mapping

    bad = tmp_path / "m.toml"
    bad.write_text("[source]\nname = 'x\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="m.toml is not valid TOML"):
        load_mapping(bad)
    with pytest.raises(InputFileError, match="no mapping 'nope'"):
        load_mapping("nope")


# --------------------------------------------------------------------------- converters: known answers


def convert(name: str, cell: str, **options: Any) -> Any:
    fm = FieldMapping(column="c", convert=name, **options)
    return CONVERTERS[name](cell, fm, CONTEXT)


CONTEXT = Context()


@pytest.mark.parametrize("cell, expected", [("513902", "51.3902"), ("51.3902", "51.3902"), ("10000", "01.0000"),
                                            ("1.0000", "01.0000"), (" 460000 ", "46.0000")])
def test_cip_codes(cell, expected):
    assert convert("cip", cell).value == expected


@pytest.mark.parametrize("cell", ["51.39", "5139020", "ABCDEF", "51-3902"])
def test_cip_refuses_what_is_not_a_cip_code(cell):
    with pytest.raises(ConvertError, match="CIP code"):
        convert("cip", cell)


@pytest.mark.parametrize("cell, expected, status", [
    ("31113100", "31-1131.00", FieldStatus.REPORTED), ("47-2111.00", "47-2111.00", FieldStatus.REPORTED),
    ("472111", "47-2111.00", FieldStatus.REPORTED), ("15-125200", "15-1252.00", FieldStatus.REPORTED),
    ("47-2061.07", "47-2061.00", FieldStatus.DERIVED),  # not an O*NET 29.2 code; its SOC 2018 occupation is
])
def test_onet_codes(cell, expected, status):
    got = convert("onet", cell)
    assert (got.value, got.status) == (expected, status)


def test_an_older_soc_2010_code_is_dropped_with_a_warning_never_guessed():
    got = convert("onet", "31101400")  # SOC 2010 Nursing Assistants (SOC 2018: 31-1131)
    assert got.value is None and "older SOC 2010" in got.warning


@pytest.mark.parametrize("cell, expected", [("$1,983", 1983.0), ("1983", 1983.0), ("1,983.50", 1983.5),
                                            ("0", 0.0), (" $ 12 ", 12.0)])
def test_money(cell, expected):
    assert convert("money", cell).value == expected


@pytest.mark.parametrize("cell", ["twelve", "1.983,50", "12e3", "-5", "inf", "nan", "1,98,3"])
def test_money_refuses(cell):
    with pytest.raises(ConvertError):
        convert("money", cell)


def test_number_bounds_and_integers():
    assert convert("number", "80", max=80).value == 80
    with pytest.raises(ConvertError, match="above the largest value the mapping accepts"):
        convert("number", "81", max=80)
    assert convert("integer", "1,200").value == 1200
    with pytest.raises(ConvertError, match="whole number"):
        convert("integer", "12.5")


@pytest.mark.parametrize("cell, options, expected", [("0.85", {}, 0.85), ("85%", {}, 0.85),
                                                     ("85", {"scale": 100}, 0.85),
                                                     ("85 %", {}, 0.85), ("0", {}, 0.0), ("1", {}, 1.0)])
def test_rates(cell, options, expected):
    assert convert("rate", cell, **options).value == pytest.approx(expected)


def test_a_rate_above_one_says_how_to_read_percentages():
    with pytest.raises(ConvertError, match="set scale = 100"):
        convert("rate", "85")


@pytest.mark.parametrize("cell, expected", [("Yes", True), ("no", False), ("Y", True), ("0", False),
                                            ("Pending", None)])
def test_yes_no_unknown(cell, expected):
    got = convert("bool", cell, unknown=["Pending"])
    assert got.value is expected
    if expected is None:
        assert got.status is FieldStatus.NOT_REPORTED


def test_bool_refuses_other_words_and_lists_the_ones_it_knows():
    with pytest.raises(ConvertError, match="expected one of Si, No"):
        convert("bool", "Maybe", true=["Si"], false=["No"])


@pytest.mark.parametrize("cell, fmt, expected", [("February 21, 2023 9:02 AM", "%B %d, %Y %I:%M %p",
                                                  dt.date(2023, 2, 21)),
                                                 ("2023-02-21", None, dt.date(2023, 2, 21)),
                                                 ("2021-02-23 12:19:54", None, dt.date(2021, 2, 23))])
def test_dates(cell, fmt, expected):
    assert convert("date", cell, **({"format": fmt} if fmt else {})).value == expected


def test_a_date_in_another_format_shows_an_example_of_the_expected_one():
    with pytest.raises(ConvertError, match="February 21, 2023"):
        convert("date", "21/02/2023", format="%B %d, %Y")


@pytest.mark.parametrize("cell, expected", [("97217", "97217"), ("97217-1234", "97217"), ("8330", "08330"),
                                            ("8330.0", "08330")])
def test_zip_codes(cell, expected):
    assert convert("zip", cell).value == expected


@pytest.mark.parametrize("cell", ["9721", "ABCDE", "97217-12", "972170"])
def test_zip_refuses(cell):
    if cell == "9721":  # four digits: a spreadsheet dropped a leading zero (09721 is a NJ-style ZIP)
        assert convert("zip", cell).value == "09721"
        return
    with pytest.raises(ConvertError, match="ZIP"):
        convert("zip", cell)


@pytest.mark.parametrize("cell, expected", [("www.pcc.edu/x", "https://www.pcc.edu/x"), ("https://a.org", "https://a.org"),
                                            ("'https://www.rangercollege.edu/emt/", "https://www.rangercollege.edu/emt/"),
                                            ("pcc.edu", "https://pcc.edu")])
def test_urls(cell, expected):
    assert convert("url", cell).value == expected


@pytest.mark.parametrize("cell", ["javascript:alert(1)", "In Progress", "0", "www.houston;aunchpad.com",
                                  "=HYPERLINK(\"http://x\")"])
def test_urls_refuse_what_is_not_a_web_address(cell):
    with pytest.raises(ConvertError, match="not a web address"):
        convert("url", cell)


@pytest.mark.parametrize("cell, expected", [("TX", "TX"), ("Tx", "TX"), ("Texas", "TX"), ("nebraska", "NE")])
def test_states(cell, expected):
    assert convert("state", cell).value == expected


@pytest.mark.parametrize("cell, expected", [("Spanish", "es"), ("en-US", "en"), ("vi", "vi"), ("Tagalog", "tl")])
def test_languages(cell, expected):
    assert convert("language", cell).value == expected


def test_lookup_ignores_case_and_spaces_and_refuses_the_unknown():
    values = {"In-person": "in_person", "Distance  Education": "online"}
    assert convert("lookup", "distance education", values=values).value == "online"
    with pytest.raises(ConvertError, match="not one of the values this mapping knows"):
        convert("lookup", "Correspondence", values=values)


def test_quarterly_earnings_become_an_hourly_estimate_that_says_so():
    got = convert("quarterly_to_hourly", "$10,400")
    assert got.value == 20.0 and got.status is FieldStatus.ESTIMATE and "520 hours" in got.note


def test_onet_titles_exact_or_a_unique_alternate_title_only():
    assert convert("onet_title", "Electricians").value == "47-2111.00"
    assert convert("onet_title", "cooks, restaurant").value == "35-2014.00"
    assert convert("onet_title", "Plating Machine Setters, Operators, and Ten").value is None


# --------------------------------------------------------------------------- the import engine


def test_markers_leave_a_field_unknown_and_are_listed(tmp_path):
    found = one(tmp_path, {"Rate": "N/A", "Served": "*"},
                **{"outcomes.completion_rate": {"column": "Rate", "convert": "rate"},
                   "outcomes.total_served": {"column": "Served", "convert": "integer"}})
    program = found.programs[0]
    assert program.outcomes.completion_rate is None and program.outcomes.total_served is None
    assert program.field_status("outcomes.completion_rate") is FieldStatus.NOT_REPORTED
    assert program.field_status("outcomes.total_served") is FieldStatus.SUPPRESSED
    cells = {(c.field, c.value, c.message) for c in found.report.marked_cells}
    assert cells == {("Rate", "N/A", "not reported"), ("Served", "*", "suppressed by the source")}
    assert found.report.count("outcomes.total_served", "suppressed") == 1


def test_a_blank_cell_is_empty_not_a_marker(tmp_path):
    found = one(tmp_path, {"Rate": ""}, **{"outcomes.completion_rate": {"column": "Rate", "convert": "rate"}})
    assert found.programs[0].outcomes.completion_rate is None
    assert found.report.count("outcomes.completion_rate", "empty") == 1 and not found.report.marked_cells


def test_rules_first_match_wins_for_a_value_and_every_match_adds_to_a_list(tmp_path):
    found = one(tmp_path, {"Kind": "Pre-Apprenticeship", "Childcare": "Yes", "Bus": "Y"},
                type={"rules": [{"when": {"column": "Kind", "matches": "pre-?apprentic"},
                                 "value": "pre_apprenticeship"},
                                {"when": {"column": "Kind", "matches": "apprentic"},
                                 "value": "registered_apprenticeship"}],
                      "default": "occupational_skills"},
                supports={"rules": [{"when": {"column": "Childcare", "equals": "yes"}, "value": "childcare"},
                                    {"when": {"column": "Bus", "equals": ["y", "yes"]}, "value": ["transit_pass"]}]})
    program = found.programs[0]
    assert program.type.value == "pre_apprenticeship"
    assert [s.value for s in program.supports] == ["childcare", "transit_pass"]
    assert program.field_status("supports") is FieldStatus.DERIVED


def test_a_rule_can_read_a_field_made_by_another_rule_and_can_override_a_column(tmp_path):
    found = one(tmp_path, {"Kind": "Apprenticeship", "Format": "Online"},
                type={"rules": [{"when": {"column": "Kind", "equals": "apprenticeship"},
                                 "value": "registered_apprenticeship"}], "default": "occupational_skills"},
                **{"location.delivery": {"column": "Format", "convert": "lookup",
                                         "values": {"Online": "online", "Classroom": "in_person"},
                                         "rules": [{"when": [{"field": "type", "equals": "registered_apprenticeship"},
                                                             {"column": "Format", "equals": "online"}],
                                                    "value": "hybrid", "override": True}]}})
    assert found.programs[0].location.delivery.value == "hybrid"


def test_only_when_skips_a_column_that_does_not_apply(tmp_path):
    found = one(tmp_path, {"Apprentices": "0"},
                **{"outcomes.total_served": {"column": "Apprentices", "convert": "integer",
                                             "only_when": {"field": "type", "equals": "registered_apprenticeship"}}})
    assert found.programs[0].outcomes.total_served is None
    assert found.report.count("outcomes.total_served", "empty") == 1 and not found.report.marked_cells


def test_columns_combine_by_sum_join_first_and_list(tmp_path):
    found = one(tmp_path, {"Tuition": "$1,000", "Books": "250", "Street": "1 Main St", "Suite": "Ste 2",
                           "SOC2": "47-2031.00"},
                **{"cost.tuition_usd": {"columns": ["Tuition", "Books"], "convert": "money", "combine": "sum"},
                   "location.address": {"columns": ["Street", "Suite"], "combine": "join", "join_with": ", "},
                   "target_occupations": {"columns": ["SOC", "SOC2"], "convert": "onet"}})
    p = found.programs[0]
    assert p.cost.tuition_usd == 1250 and p.location.address == "1 Main St, Ste 2"
    assert p.target_occupations == ["51-4121.00", "47-2031.00"]


def test_a_separator_splits_one_cell_into_items(tmp_path):
    found = one(tmp_path, {"Langs": "English; Spanish ;; Vietnamese"},
                languages={"column": "Langs", "separator": ";", "convert": "language"})
    assert found.programs[0].languages == ["en", "es", "vi"]


def test_a_default_is_marked_assumed_with_its_reason(tmp_path):
    found = one(tmp_path, **{"schedule.hours_per_week": {"default": 12, "default_note": "evening classes"}})
    entry = found.programs[0].field_source("schedule.hours_per_week")
    assert (entry.status, entry.note, entry.source) == (FieldStatus.ASSUMED, "evening classes", "board-x:bx-1")


def test_an_unreported_cost_is_never_zero_and_never_free(tmp_path):
    found = one(tmp_path, {"Cost": "N/A"}, **{"cost.tuition_usd": {"column": "Cost", "convert": "money"}})
    cost = found.programs[0].cost
    assert not cost.tuition_reported and not cost.is_free
    assert found.programs[0].field_status("cost.tuition_usd") is FieldStatus.NOT_REPORTED


def test_a_mapping_without_any_cost_column_also_leaves_the_cost_unknown(tmp_path):
    assert not one(tmp_path).programs[0].cost.is_free


def test_an_aliased_column_is_found_under_its_other_name(tmp_path):
    header = ["Code", "Title", "School", "SOC", "ZIP Code"]
    found = import_file(write(tmp_path, header, [ROW]),
                        mapping(**{"location.zip": {"column": "Zip", "aliases": ["ZIP Code"], "convert": "zip"}}))
    assert found.programs[0].location.zip == "97217" and not found.report.missing_columns


def test_a_repeated_column_the_mapping_reads_refuses_the_file(tmp_path):
    with pytest.raises(InputFileError, match="'Title' appear more than once"):
        import_file(write(tmp_path, [*HEADER, "Title"], [[*ROW, "Other"]]), mapping())


def test_a_row_with_more_cells_than_columns_is_rejected(tmp_path):
    found = import_file(write(tmp_path, HEADER, [[*ROW, "spill", "over"]]), mapping(), skip_invalid=True)
    problem = found.report.rejected[0]
    assert problem.field == "(row)" and "7 cells but the header has 5" in problem.message


def test_a_header_row_below_title_lines_is_found(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("Board X export\nGenerated 2026-01-01\n" + ",".join(HEADER) + "\n" + ",".join(ROW) + "\n",
                    encoding="utf-8")
    data = {"source": {**BASE["source"], "header_row": 3}, "fields": BASE["fields"]}
    found = import_file(path, parse_mapping(data))
    assert found.programs[0].sources[0].row == 4  # spreadsheet row numbers, counted from the top


def test_an_unknown_zip_is_rejected_unless_the_mapping_asks_for_the_nearest(tmp_path):
    path = write(tmp_path, HEADER, [["1", "Welding I", "Example College", "51-4121.00", "75902"],
                                    ["2", "Welding II", "Example College", "51-4121.00", "00000"]])
    strict = import_file(path, mapping(), skip_invalid=True)
    assert strict.report.rejected_rows == (2, 3)
    assert strict.report.rejected[0].field == "Zip" and "not a known ZIP code" in strict.report.rejected[0].message
    data = {"source": {**BASE["source"], "unknown_zip": "nearest"}, "fields": BASE["fields"]}
    near = import_file(path, parse_mapping(data), skip_invalid=True)
    assert near.report.rejected_rows == (3,)  # 00000 has no ZIP anywhere near it
    assert near.programs[0].location.latitude is not None


def test_duplicate_ids_in_one_file_reject_the_later_row(tmp_path):
    found = import_file(write(tmp_path, HEADER, [ROW, ROW]), mapping(), skip_invalid=True)
    assert found.report.rejected_rows == (3,) and "first made from row 2" in found.report.rejected[0].message


def test_the_report_reads_as_a_person_would_want(tmp_path):
    path = write(tmp_path, [*HEADER, "Rate", "Notes"], [[*ROW, "N/A", "x"],
                                                        ["2", "Welding II", "Example College", "bad", "97217", "", ""]])
    found = import_file(path, mapping(**{"outcomes.completion_rate": {"column": "Rate", "convert": "rate"}}),
                        skip_invalid=True)
    text = "\n".join(found.report.lines())
    for expected in ("rows read 2; valid 1; rejected 1", "Rejected rows", "expected an O*NET-SOC code",
                     "Cells the source marks as not reported", "Rate", "N/A", "Fields (rows):",
                     "Columns the mapping does not use (unrecognised): Notes"):
        assert expected in text, expected
    data = found.report.to_dict()
    assert data["rejected"][0] == {"field": "SOC", "message": data["rejected"][0]["message"], "row": 3,
                                   "value": "bad"}
    assert data["fields"]["outcomes.completion_rate"]["not_reported"] == 1
    assert data["unrecognised_columns"] == ["Notes"]
