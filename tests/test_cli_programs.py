"""`matcher programs ...` as a user sees it: output, --json, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from matcher.catalog import load_catalog, write_csv, write_json
from matcher.cli import main
from tests.conftest import link_reference_data


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """Run `matcher ...` with the store and sample catalog pointed into tmp_path."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("MATCHER_DB", str(tmp_path / "store.db"))
    monkeypatch.setenv("MATCHER_DATA_DIR", str(tmp_path / "data"))
    # The data folder has the shipped reference data (imports check IDs against the taxonomy) but its own
    # sample catalog.
    (tmp_path / "data").mkdir(exist_ok=True)
    link_reference_data(tmp_path / "data")
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, ["programs", *args], catch_exceptions=False)

    return run


@pytest.fixture
def sample_dir(tmp_path, make_program):
    """A fake shipped sample catalog with two programs."""
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    write_json([make_program(id="sample-ojt", type="ojt"),
                make_program(id="sample-ra", type="registered_apprenticeship", sector="construction",
                             location={"zip": "97401", "county": "Lane"})],
               data / "sample_catalog.json")
    return data


@pytest.fixture
def good_csv(tmp_path, full_program, make_program) -> Path:
    path = tmp_path / "good.csv"
    write_csv([full_program, make_program(id="warehouse", name="Warehouse OJT")], path)
    return path


@pytest.fixture
def bad_csv(tmp_path, good_csv) -> Path:
    lines = good_csv.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "bad.csv"
    # The last line is the second program (spreadsheet row 3: the first program's
    # address holds a newline, so it spans file lines 2-3): break its ZIP code.
    path.write_text("".join(lines[:-1]) + lines[-1].replace("97220", "9722"), encoding="utf-8")
    return path


def test_validate_ok(cli, good_csv):
    result = cli("validate", str(good_csv))
    assert result.exit_code == 0
    assert result.output.startswith("OK: 2 programs")


def test_validate_lists_every_problem_with_row_and_column(cli, bad_csv):
    result = cli("validate", str(bad_csv))
    assert result.exit_code == 2
    header = result.output.splitlines()[0].split()
    assert header == ["row", "field", "problem", "value"]
    assert any(line.split()[:2] == ["3", "location_zip"] for line in result.output.splitlines())
    assert "5-digit ZIP" in result.output


def test_validate_json(cli, bad_csv):
    result = cli("validate", str(bad_csv), "--json")
    assert result.exit_code == 2
    doc = json.loads(result.output)
    assert doc["ok"] is False and doc["valid_programs"] == 1
    assert doc["problems"] == [{"row": 3, "field": "location_zip", "message": "must be a 5-digit ZIP code like 97214",
                                "value": "9722"}]


def test_validate_file_level_error_is_a_clean_message(cli, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("id,name\nx,Caf\u00e9\n".encode("latin-1"))
    result = CliRunner().invoke(main, ["programs", "validate", str(path)])
    assert result.exit_code == 2
    assert "not UTF-8" in result.output and "Traceback" not in result.output
    as_json = CliRunner().invoke(main, ["programs", "validate", str(path), "--json"])
    assert json.loads(as_json.output)["error"] == "bad_input_file"


def test_import_refuses_a_file_with_bad_rows(cli, bad_csv, tmp_path):
    result = cli("import", str(bad_csv))
    assert result.exit_code == 2
    assert "Nothing was imported" in result.output and "location_zip" in result.output
    assert not (tmp_path / "store.db").exists()


def test_import_skip_invalid_imports_the_good_rows(cli, bad_csv, tmp_path):
    result = cli("import", str(bad_csv), "--skip-invalid")
    assert result.exit_code == 0
    assert "Skipped 1 invalid records" in result.output
    assert "1 added" in result.output
    listed = json.loads(cli("list", "--json").output)
    assert [p["id"] for p in listed["programs"]] == ["pcc-weld-01"]


def test_import_then_list_show_and_export(cli, good_csv, tmp_path):
    result = cli("import", str(good_csv), "--json")
    assert result.exit_code == 0
    assert json.loads(result.output)["added"] == 2

    listed = cli("list")
    assert listed.output.splitlines()[0].startswith("Programs from store sqlite:///")
    assert "pcc-weld-01" in listed.output and "warehouse" in listed.output

    assert cli("list", "--type", "ost", "--json").output.count('"id": "pcc-weld-01"') == 1
    assert json.loads(cli("list", "--county", "multnomah county", "--json").output)["total"] == 1
    assert json.loads(cli("list", "--limit", "1", "--json").output)["shown"] == 1

    shown = cli("show", "pcc-weld-01")
    assert "prerequisites.min_age: 18" in shown.output
    assert json.loads(cli("show", "warehouse", "--json").output)["name"] == "Warehouse OJT"

    out = tmp_path / "export.json"
    assert cli("export", "--format", "json", str(out)).exit_code == 0
    assert load_catalog(out).ids == ("pcc-weld-01", "warehouse")


def test_import_replace_reports_removed(cli, good_csv, tmp_path, make_program):
    cli("import", str(good_csv))
    one = tmp_path / "one.json"
    write_json([make_program(id="only")], one)
    result = cli("import", str(one), "--replace")
    assert "1 added, 0 updated, 2 removed" in result.output
    assert "now holds 1 programs" in result.output


def test_import_into_an_explicit_db(cli, good_csv, tmp_path):
    url = f"sqlite:///{tmp_path / 'other.db'}"
    assert cli("import", str(good_csv), "--db", url).exit_code == 0
    assert (tmp_path / "other.db").exists() and not (tmp_path / "store.db").exists()


def test_list_falls_back_to_the_sample_and_says_so(cli, sample_dir, tmp_path):
    result = cli("list")
    assert result.exit_code == 0
    assert "sample catalog" in result.output.splitlines()[0]
    assert not (tmp_path / "store.db").exists()  # listing does not create a database


def test_list_type_aliases_and_unknown_type(cli, sample_dir):
    doc = json.loads(cli("list", "--type", "apprenticeship", "--json").output)
    assert [p["id"] for p in doc["programs"]] == ["sample-ra"]
    result = CliRunner().invoke(main, ["programs", "list", "--type", "bootcamp"])
    assert result.exit_code == 2 and "unknown program type 'bootcamp'" in result.output


def test_list_from_a_file(cli, good_csv):
    result = cli("list", "--file", str(good_csv), "--sector", "advanced_manufacturing")
    assert "good.csv" in result.output.splitlines()[0] and "pcc-weld-01" in result.output


def test_show_unknown_id_names_the_field(cli, sample_dir):
    result = CliRunner().invoke(main, ["programs", "show", "nope", "--json"])
    assert result.exit_code == 2
    assert json.loads(result.output)["field"] == "program_id"


def test_export_csv_to_stdout(cli, sample_dir):
    result = cli("export", "--format", "csv", "-")
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("id,name,provider,type,sector")
    assert len(result.output.strip().splitlines()) == 3
