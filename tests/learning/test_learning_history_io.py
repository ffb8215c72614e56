"""The history import format: round trips, and every kind of bad row reported with table, row and field."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

from matcher.catalog import default_catalog
from matcher.errors import ImportRowsError, InputFileError
from matcher.learning.history import History, Outcome, success
from matcher.learning.history_io import participant_columns, read_history, write_history

CATALOG = default_catalog()
PROGRAM = CATALOG.programs[0]


def _write(folder: Path, participants: list[dict], enrollments: list[dict], outcomes: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows, cols in (("participants", participants, None), ("enrollments", enrollments, None),
                             ("outcomes", outcomes, None)):
        keys = cols or sorted({k for r in rows for k in r})
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, keys)
            w.writeheader()
            w.writerows(rows)
    return folder


def _good() -> tuple[list[dict], list[dict], list[dict]]:
    people = [{"id": "p1", "zip": "97217", "barriers": "childcare;no_car", "interests_sectors": "construction",
               "needs_income": "yes", "report_sex": "female", "report_race_ethnicity": "white;hispanic_latino",
               "report_disability": "no"},
              {"id": "p2", "zip": "97402", "availability_times": "day", "report_sex": "male"}]
    enrollments = [{"id": "e1", "participant_id": "p1", "program_id": PROGRAM.id,
                    "training_type": PROGRAM.type.pirl_1303 or "", "entry_date": "2023-01-09",
                    "exit_date": "2023-05-01", "considered_program_ids": f"{PROGRAM.id};{CATALOG.programs[1].id}"},
                   {"id": "e2", "participant_id": "p2", "program_id": CATALOG.programs[1].id,
                    "entry_date": "2023-02-01"}]
    outcomes = [{"enrollment_id": "e1", "completed": "true", "employed_q2": "true", "hourly_wage": "24.5"},
                {"enrollment_id": "e2", "completed": "false"}]
    return people, enrollments, outcomes


def test_a_valid_csv_folder_reads_into_typed_records(tmp_path: Path) -> None:
    result = read_history(_write(tmp_path / "h", *_good()), catalog=CATALOG)
    assert result.ok
    h = result.history
    p1 = h.participant("p1")
    assert [b.value for b in p1.profile.barriers] == ["childcare", "no_car"]
    assert p1.profile.needs_income is True
    assert [r.value for r in p1.demographics.race_ethnicity] == ["white", "hispanic_latino"]
    assert [(e.id, o.completed, label) for _, e, o, label in h.labelled()] == [("e1", True, True), ("e2", False, False)]


@pytest.mark.parametrize("fmt,compress", [("csv", False), ("csv", True), ("jsonl", False), ("jsonl", True)])
def test_write_then_read_loses_nothing(tmp_path: Path, small_generated, fmt: str, compress: bool) -> None:
    h = small_generated.history
    sample = History(h.participants[:300], tuple(e for e in h.enrollments if int(e.participant_id[1:]) < 300),
                     tuple(o for o in h.outcomes if o.enrollment_id in
                           {e.id for e in h.enrollments if int(e.participant_id[1:]) < 300}))
    write_history(sample, tmp_path / "out", format=fmt, compress=compress)
    back = read_history(tmp_path / "out", catalog=CATALOG).history
    assert back.participants == sample.participants
    assert back.enrollments == sample.enrollments
    assert back.outcomes == sample.outcomes


def test_every_profile_field_has_a_csv_column() -> None:
    from matcher.records import SeekerProfile

    paths = {c.path.split(".")[1] for c in participant_columns() if c.path.startswith("profile.")}
    assert paths == set(SeekerProfile.model_fields) - {"id"}


def _problems(tmp_path: Path, people: list[dict], enrollments: list[dict], outcomes: list[dict]) -> list:
    with pytest.raises(ImportRowsError) as info:
        read_history(_write(tmp_path / "bad", people, enrollments, outcomes), catalog=CATALOG)
    return info.value.problems


def _find(problems: list, field: str) -> list:
    return [p for p in problems if p.field == field]


def test_a_bad_value_names_the_table_row_and_column(tmp_path: Path) -> None:
    people, enrollments, outcomes = _good()
    people[1]["zip"] = "9740"
    [p] = _find(_problems(tmp_path, people, enrollments, outcomes), "participants.zip")
    assert p.row == 3 and "5-digit ZIP" in p.message and p.value == "9740"


def test_a_personal_answer_is_never_repeated_in_a_report(tmp_path: Path) -> None:
    people, enrollments, outcomes = _good()
    people[0]["barriers"] = "childcare;secret-thing"
    people[1]["report_sex"] = "confidential"
    problems = _problems(tmp_path, people, enrollments, outcomes)
    assert _find(problems, "participants.barriers item 2")
    assert _find(problems, "participants.report_sex")
    assert all(p.value is None for p in problems if p.field.startswith(("participants.barriers",
                                                                          "participants.report_")))
    assert not any("secret-thing" in str(p) or "confidential" in str(p) for p in problems)


def test_a_bad_boolean_cell_is_reported(tmp_path: Path) -> None:
    people, enrollments, outcomes = _good()
    outcomes[0]["completed"] = "maybe"
    [p] = _find(_problems(tmp_path, people, enrollments, outcomes), "outcomes.completed")
    assert p.row == 2 and "true/false" in p.message


def test_duplicate_ids_are_reported(tmp_path: Path) -> None:
    people, enrollments, outcomes = _good()
    people.append(dict(people[0]))
    enrollments.append(dict(enrollments[1]))
    outcomes.append(dict(outcomes[1]))
    problems = _problems(tmp_path, people, enrollments, outcomes)
    assert "duplicate id 'p1'" in _find(problems, "participants.id")[0].message
    assert "duplicate id 'e2'" in _find(problems, "enrollments.id")[0].message
    assert "second outcome" in _find(problems, "outcomes.enrollment_id")[0].message


def test_references_to_missing_rows_are_reported(tmp_path: Path) -> None:
    people, enrollments, outcomes = _good()
    enrollments[1]["participant_id"] = "nobody"
    outcomes.append({"enrollment_id": "e9", "completed": "true"})
    problems = _problems(tmp_path, people, enrollments, outcomes)
    assert _find(problems, "enrollments.participant_id")[0].row == 3
    assert {p.value for p in _find(problems, "outcomes.enrollment_id")} >= {"e9"}


def test_unknown_program_ids_are_reported_not_dropped(tmp_path: Path) -> None:
    people, enrollments, outcomes = _good()
    enrollments[0]["program_id"] = "no-such-program"
    enrollments[0]["considered_program_ids"] = "no-such-program;also-missing"
    problems = _problems(tmp_path, people, enrollments, outcomes)
    assert _find(problems, "enrollments.program_id")[0].message == "not a program in the catalog in force"
    assert _find(problems, "enrollments.considered_program_ids item 2")[0].value == "also-missing"


def test_a_training_type_contradicting_the_catalog_is_reported(tmp_path: Path) -> None:
    people, enrollments, outcomes = _good()
    enrollments[0]["training_type"] = "09" if PROGRAM.type.pirl_1303 != "09" else "01"
    [p] = _find(_problems(tmp_path, people, enrollments, outcomes), "enrollments.training_type")
    assert "PIRL 1303 type" in p.message


@pytest.mark.parametrize("change,field,words", [
    ({"exit_date": "2022-01-01"}, "enrollments.(record)", "exit_date is before entry_date"),
    ({"considered_program_ids": CATALOG.programs[5].id}, "enrollments.(record)", "must include program_id"),
    ({"training_type": "77"}, "enrollments.(record)", "PIRL 1303 code"),
    ({"recommended_rank": "1", "override_reason": "schedule"}, "enrollments.(record)", "other than the top"),
    ({"override_reason": "bored"}, "enrollments.override_reason", "participant_choice"),
    ({"entry_date": "2023-13-01"}, "enrollments.entry_date", "date"),
])
def test_inconsistent_enrollments_are_reported(tmp_path: Path, change: dict, field: str, words: str) -> None:
    people, enrollments, outcomes = _good()
    enrollments[0].update(change)
    problems = _problems(tmp_path, people, enrollments, outcomes)
    assert any(words in p.message for p in _find(problems, field)), problems


def test_a_wage_without_employment_is_reported(tmp_path: Path) -> None:
    people, enrollments, outcomes = _good()
    outcomes[1]["hourly_wage"] = "20"
    [p] = _find(_problems(tmp_path, people, enrollments, outcomes), "outcomes.(record)")
    assert "not recorded as employed" in p.message


def test_skip_invalid_keeps_good_rows_and_drops_the_rows_depending_on_bad_ones(tmp_path: Path) -> None:
    people, enrollments, outcomes = _good()
    people[1]["zip"] = "bad"
    result = read_history(_write(tmp_path / "h", people, enrollments, outcomes), catalog=CATALOG,
                          skip_invalid=True)
    assert [p.id for p in result.history.participants] == ["p1"]
    assert [e.id for e in result.history.enrollments] == ["e1"]
    assert [o.enrollment_id for o in result.history.outcomes] == ["e1"]
    assert {p.field for p in result.problems} == {"participants.zip", "enrollments.participant_id",
                                                  "outcomes.enrollment_id"}


def test_file_level_problems_name_the_file_or_column(tmp_path: Path) -> None:
    folder = _write(tmp_path / "h", *_good())
    (folder / "outcomes.csv").unlink()
    with pytest.raises(InputFileError, match="no outcomes.csv"):
        read_history(folder)
    _write(tmp_path / "h2", *_good())
    text = (tmp_path / "h2" / "participants.csv").read_text().replace("zip", "zipcode", 1)
    (tmp_path / "h2" / "participants.csv").write_text(text)
    with pytest.raises(InputFileError, match="unknown column.*zipcode"):
        read_history(tmp_path / "h2")
    _write(tmp_path / "h3", *_good())
    with gzip.open(tmp_path / "h3" / "outcomes.csv.gz", "wt") as fh:
        fh.write("x")
    with pytest.raises(InputFileError, match="several outcomes files"):
        read_history(tmp_path / "h3")


def test_success_is_completed_and_employed_in_q2_and_unknown_until_then() -> None:
    assert success(Outcome(enrollment_id="e", completed=True, employed_q2=True)) is True
    assert success(Outcome(enrollment_id="e", completed=True, employed_q2=False)) is False
    assert success(Outcome(enrollment_id="e", completed=False)) is False
    assert success(Outcome(enrollment_id="e", completed=True)) is None
