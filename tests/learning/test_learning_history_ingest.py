"""Reading a large history fast without changing what is read: parts in worker processes, records made
again from their stored JSON without re-validating, the hash read off the stored bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import matcher.learning.history_io as history_io
from matcher.catalog import default_catalog
from matcher.errors import ImportRowsError
from matcher.learning.history import Enrollment, History, Outcome, Participant, success
from matcher.learning.history_io import read_history, write_history
from matcher.learning.training import history_hash

CATALOG = default_catalog()


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cut every table into many small parts, so a small history goes through the worker processes."""
    monkeypatch.setattr(history_io, "PARALLEL_MIN_CHARS", 1_000)
    monkeypatch.setattr(history_io, "PART_CHARS", 20_000)


def _csv_with_bad_rows(small_history_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "bad"
    folder.mkdir()
    for table in ("participants", "enrollments", "outcomes"):
        src = next(small_history_dir.glob(f"{table}.*"))
        text = history_io._read_file_text(src, history_io.DEFAULT_MAX_BYTES)
        lines = text.splitlines(keepends=True)
        if table == "participants":  # a bad ZIP far into the file, in a late part
            header = lines[0].rstrip("\n").split(",")
            cells = lines[-5].rstrip("\n").split(",")
            cells[header.index("zip")] = "9740"
            lines[-5] = ",".join(cells) + "\n"
        if table == "outcomes":  # a bad true/false cell
            header = lines[0].rstrip("\n").split(",")
            cells = lines[-3].rstrip("\n").split(",")
            cells[header.index("completed")] = "maybe"
            lines[-3] = ",".join(cells) + "\n"
        (folder / f"{table}.csv").write_text("".join(lines), encoding="utf-8")
    return folder


def test_reading_in_worker_processes_gives_the_same_history_as_reading_in_one(
        small_history_dir: Path, small_parts: None) -> None:
    one = read_history(small_history_dir, catalog=CATALOG, workers=1).history
    many = read_history(small_history_dir, catalog=CATALOG, workers=2).history
    for a, b in ((one.participants, many.participants), (one.enrollments, many.enrollments),
                 (one.outcomes, many.outcomes)):
        assert a.blobs == b.blobs and a.keys == b.keys
    assert history_hash(one) == history_hash(many)


def test_bad_rows_in_a_late_part_are_reported_with_the_files_line_numbers(
        small_history_dir: Path, tmp_path: Path, small_parts: None) -> None:
    folder = _csv_with_bad_rows(small_history_dir, tmp_path)
    n_people = len((folder / "participants.csv").read_text().splitlines())
    n_outcomes = len((folder / "outcomes.csv").read_text().splitlines())
    reports = []
    for workers in (1, 2):
        with pytest.raises(ImportRowsError) as info:
            read_history(folder, catalog=CATALOG, workers=workers)
        reports.append(info.value.problems)
    assert reports[0] == reports[1]
    by_field = {p.field: p for p in reports[0]}
    assert by_field["participants.zip"].row == n_people - 4 and by_field["participants.zip"].value == "9740"
    assert by_field["outcomes.completed"].row == n_outcomes - 2


def test_a_quoted_cell_holding_a_line_break_keeps_the_line_numbers(tmp_path: Path, small_parts: None) -> None:
    folder = tmp_path / "h"
    folder.mkdir()
    people = ["id,work_history,zip"] + [f"p{i},cook,97217" for i in range(400)]
    people[10] = 'p9,"line cook\nand baker",97217'
    people[300] = "p299,cook,9740"
    (folder / "participants.csv").write_text("\n".join(people) + "\n")
    program = CATALOG.programs[0].id
    (folder / "enrollments.csv").write_text("id,participant_id,program_id\ne1,p1," + program + "\n")
    (folder / "outcomes.csv").write_text("enrollment_id,completed\ne1,true\n")
    assert not history_io._splittable((folder / "participants.csv").read_text())
    with pytest.raises(ImportRowsError) as info:
        read_history(folder, catalog=CATALOG, workers=2)
    [problem] = info.value.problems
    assert problem.field == "participants.zip" and problem.row == 302  # the quoted break is a line of the file


def test_records_made_again_from_their_json_equal_validated_records(small_generated) -> None:
    h = small_generated.history
    for table, model in ((h.participants, Participant), (h.enrollments, Enrollment), (h.outcomes, Outcome)):
        for blob, record in zip(table.blobs[:500], table):
            validated = model.model_validate_json(blob)
            assert record == validated
            assert type(record) is model and repr(record) == repr(validated)
            assert record.model_fields_set == validated.model_fields_set
            assert record.model_dump_json() == validated.model_dump_json()
    person = h.participant(h.participants.keys[0])
    assert person.profile.model_copy(update={"zip": "97217"}).zip == "97217"  # a usable, frozen record
    with pytest.raises(Exception, match="frozen"):
        person.profile.zip = "97217"  # type: ignore[misc]


def test_the_hash_is_the_same_whether_the_history_was_read_or_built(small_generated, tmp_path: Path) -> None:
    h = small_generated.history
    sample = History(h.participants[:200], tuple(e for e in h.enrollments if int(e.participant_id[1:]) < 200),
                     tuple(o for o in h.outcomes if o.enrollment_id in
                           {e.id for e in h.enrollments if int(e.participant_id[1:]) < 200}))
    built = History(tuple(sample.participants), tuple(sample.enrollments), tuple(sample.outcomes))
    write_history(sample, tmp_path / "out", format="jsonl")
    read = read_history(tmp_path / "out", catalog=CATALOG).history
    assert history_hash(read) == history_hash(built) == history_hash(sample)
    first = sample.outcomes[0]
    changed = History(tuple(sample.participants), tuple(sample.enrollments),
                      (first.model_copy(update={"completed": not first.completed}), *tuple(sample.outcomes)[1:]))
    assert history_hash(changed) != history_hash(sample)


def test_labels_and_counts_follow_the_success_definition(small_generated) -> None:
    h = small_generated.history
    outcome = {o.enrollment_id: o for o in h.outcomes}
    expected = [(e.id, success(outcome[e.id])) for e in h.enrollments
                if e.id in outcome and success(outcome[e.id]) is not None]
    assert [(e.id, label) for e, _, label in h.labelled_enrollments()] == expected
    assert h.counts()["labelled"] == sum(1 for o in h.outcomes if success(o) is not None)


def test_true_or_false_for_a_number_is_still_refused_in_json_lines(tmp_path: Path) -> None:
    folder = tmp_path / "h"
    folder.mkdir()
    (folder / "participants.jsonl").write_text(json.dumps({"id": "p1", "profile": {"age": True}}) + "\n")
    (folder / "enrollments.jsonl").write_text(json.dumps({"id": "e1", "participant_id": "p1",
                                                          "program_id": CATALOG.programs[0].id}) + "\n")
    (folder / "outcomes.jsonl").write_text(json.dumps({"enrollment_id": "e1", "completed": True}) + "\n")
    with pytest.raises(ImportRowsError) as info:
        read_history(folder, catalog=CATALOG)
    [problem] = [p for p in info.value.problems if p.field.startswith("participants.")]
    assert problem.field == "participants.profile.age" and "not true/false" in problem.message
