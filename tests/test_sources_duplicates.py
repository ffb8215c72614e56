"""The same program from two sources: reported as a likely duplicate, merged only when asked, every field's
source kept."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from matcher.records import FieldStatus
from matcher.sources import import_file, parse_mapping
from matcher.sources.duplicates import find_duplicates, merge_programs, name_key, provider_key

IPEDS = "or_wa_public_college_programs_ipeds_2023-24.csv"

# A board's own list of Portland Community College programs, in a layout nobody here wrote.
BOARD_MAPPING = {
    "source": {"name": "pdx-board", "title": "Board list", "not_reported": ["n/a"]},
    "fields": {
        "id": {"template": "board-{Code}"},
        "name": {"column": "Program"},
        "provider": {"column": "College"},
        "type": {"default": "occupational_skills"},
        "cip_code": {"column": "CIP", "convert": "cip"},
        "target_occupations": {"derive": "occupations_from_cip"},
        "sector": {"derive": "sector_from_occupations", "default": "other"},
        "schedule.times": {"column": "When", "separator": "/", "convert": "lookup",
                           "values": {"day": "day", "eve": "evening", "sat": "weekend"}},
        "schedule.hours_per_week": {"column": "Hours a week", "convert": "number"},
        "duration_weeks": {"column": "Weeks", "convert": "number"},
        "cost.tuition_usd": {"column": "Cost", "convert": "money"},
        "location.zip": {"column": "Zip", "convert": "zip"},
        "outcomes.completion_rate": {"column": "Completion", "convert": "rate"},
    },
}


def _board_file(tmp_path: Path) -> Path:
    rows = [
        ["Code", "Program", "College", "CIP", "When", "Hours a week", "Weeks", "Cost", "Zip", "Completion"],
        # PCC's welding as IPEDS has it (48.0508, 'Welding Technology/Welder'), at the Swan Island campus
        ["w1", "Welding Technology / Welder Certificate", "Portland Community College", "48.0508", "eve/sat", "12",
         "22", "4200", "97217", "n/a"],
        # same college and CIP at a campus 120 miles away: not the same offering
        ["w2", "Welding Technology", "Portland Community College", "48.0508", "day", "20", "22", "4200", "97401",
         "0.7"],
        # another college entirely
        ["n1", "Welding Technology", "Clackamas Community College", "48.0508", "day", "20", "22", "3900", "97045",
         "0.8"],
    ]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path = tmp_path / "board.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def college(source_file):
    found = import_file(source_file(IPEDS), "ipeds", skip_invalid=True)
    return [p for p in found.programs if p.provider == "Portland Community College" and p.cip_code == "48.0508"]


def test_provider_and_name_keys_fold_what_does_not_matter():
    assert provider_key("Portland CC, Inc.") == provider_key("portland community college")
    assert name_key("Welding Technology Certificate") == name_key("welding technology")


def test_the_same_program_from_a_college_list_and_a_board_list_is_a_likely_duplicate(tmp_path, college):
    assert len(college) == 1 and college[0].name == "Welding Technology/Welder"
    found = import_file(_board_file(tmp_path), parse_mapping(BOARD_MAPPING), existing=college)
    assert [(d.program_id, d.other_id, d.merged) for d in found.report.duplicates] == [
        ("board-w1", college[0].id, False)]
    assert "same provider and CIP 48.0508" in found.report.duplicates[0].reason
    assert len(found.programs) == 3  # reported only: nothing merged without being asked


def test_merging_keeps_the_better_value_of_each_field_and_the_source_of_every_field(tmp_path, college):
    found = import_file(_board_file(tmp_path), parse_mapping(BOARD_MAPPING), existing=college,
                        merge_duplicates=True)
    ids = sorted(p.id for p in found.programs)
    assert ids == sorted(["board-w2", "board-n1", college[0].id])  # w1 folded into the college's record
    merged = next(p for p in found.programs if p.id == college[0].id)
    assert [s.key for s in merged.sources] == [college[0].sources[0].key, "pdx-board:board-w1"]
    # the board knows the cost and schedule IPEDS does not: they come from the board, and say so
    assert merged.cost.tuition_usd == 4200 and merged.cost.tuition_reported
    assert merged.field_source("cost.tuition_usd").source == "pdx-board:board-w1"
    assert [t.value for t in merged.schedule.times] == ["evening", "weekend"]
    assert merged.field_source("schedule.times").source == "pdx-board:board-w1"
    # IPEDS reported its completions; the college's place and name stay the primary's
    assert merged.outcomes.total_completed == college[0].outcomes.total_completed
    assert merged.field_source("outcomes.total_completed").source == college[0].sources[0].key
    assert merged.name == college[0].name
    assert "says 'Welding Technology / Welder Certificate'" in merged.field_source("name").note
    # a measure neither source reported stays unknown
    assert merged.outcomes.completion_rate is None
    assert merged.field_source("outcomes.completion_rate").status is FieldStatus.NOT_REPORTED
    # every field that has a value names its source
    for path in ("name", "provider", "cip_code", "target_occupations", "location.zip", "duration_weeks"):
        assert merged.field_source(path) is not None, path


def test_merging_is_symmetric_in_what_it_keeps_and_loses_nothing_known(college, tmp_path):
    board = import_file(_board_file(tmp_path), parse_mapping(BOARD_MAPPING)).programs[0]
    a, b = merge_programs(college[0], board), merge_programs(board, college[0])
    for path in ("cost.tuition_usd", "duration_weeks", "outcomes.total_completed"):
        assert _get(a, path) == _get(b, path), path


def _get(program, path):
    obj = program
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def test_two_offerings_from_one_source_are_not_duplicates_unless_everything_matches(make_program):
    from matcher.records import SourceRef

    def p(pid: str, **kw):
        return make_program(id=pid, cip_code="48.0508", provider="X College", name="Welding",
                            sources=[SourceRef(name="s", record_id=pid)], **kw)

    cert = p("a", duration_weeks=16, credential_type="college_certificate")
    degree = p("b", duration_weeks=64, credential_type="associate_degree")
    twin = p("c", duration_weeks=16, credential_type="college_certificate")
    pairs = find_duplicates([cert, degree, twin])
    assert [(d.id, o.id) for d, o, _, _ in pairs] == [("c", "a")]
