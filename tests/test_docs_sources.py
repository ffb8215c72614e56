"""docs/sources.md's worked example is real: its file and mapping import as the page says, and the report it
shows is the one the importer prints."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from matcher.cli import main
from matcher.records import FieldStatus
from matcher.sources import import_file, load_mapping

DOC = Path(__file__).resolve().parent.parent / "docs" / "sources.md"


def examples() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    found = re.findall(r"<!-- example: (\S+) -->\n```[a-z]*\n(.*?)```", text, flags=re.DOTALL)
    return dict(found)


@pytest.fixture
def example_files(tmp_path):
    blocks = examples()
    (tmp_path / "board_programs.csv").write_text(blocks["board_programs.csv"], encoding="utf-8")
    (tmp_path / "mid-valley.toml").write_text(blocks["mid-valley.toml"], encoding="utf-8")
    return tmp_path


def test_the_page_has_the_example_file_mapping_and_report():
    assert {"board_programs.csv", "mid-valley.toml", "report"} <= set(examples())


def test_the_worked_example_imports_as_the_page_says(example_files):
    found = import_file(example_files / "board_programs.csv", load_mapping(example_files / "mid-valley.toml"),
                        skip_invalid=True)
    assert (found.report.rows_read, found.report.valid, found.report.rejected_rows) == (5, 4, (8,))
    by_id = {p.id: p for p in found.programs}
    pre = by_id["mv-MV-101"]
    assert pre.type.value == "pre_apprenticeship" and pre.sector.value == "construction"
    assert [t.value for t in pre.schedule.times] == ["evening", "weekend"] and pre.languages == ["en", "es"]
    assert pre.paid.kind.value == "stipend" and pre.field_status("paid.stipend_usd") is FieldStatus.ASSUMED
    assert (pre.outcomes.completion_rate, pre.outcomes.placement_rate, pre.outcomes.cohort_size) == (0.82, 0.71, 34)
    ra = by_id["mv-MV-102"]
    assert ra.location.zip == "97321" and ra.cost.tuition_usd == 1350
    assert ra.outcomes.completion_rate is None and ra.field_status("outcomes.completion_rate").is_unknown
    assert ra.field_status("outcomes.cohort_size") is FieldStatus.SUPPRESSED
    ojt = by_id["mv-MV-104"]
    assert ojt.cip_code is None and ojt.languages == ["en", "ru"] and ojt.next_start is None


def test_the_report_on_the_page_is_what_validate_prints(example_files, monkeypatch):
    monkeypatch.chdir(example_files)
    result = CliRunner().invoke(main, ["programs", "validate", "board_programs.csv", "--mapping", "mid-valley.toml"])
    assert result.exit_code == 2
    shown = examples()["report"].strip().splitlines()
    printed = result.stdout.strip().splitlines()
    assert printed == shown


def test_the_reference_snippets_on_the_page_are_valid_toml():
    text = DOC.read_text(encoding="utf-8")
    for block in re.findall(r"```toml\n(.*?)```", text, flags=re.DOTALL):
        tomllib.loads(block)
