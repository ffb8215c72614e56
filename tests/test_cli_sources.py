"""`matcher programs validate|import --mapping ...`, `--format ctdl`, `--merge-duplicates`, `export --format ctdl`
and `programs mappings`, as a board sees them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from matcher.catalog import default_catalog
from matcher.cli import main
from matcher.store import CatalogStore

TX = "tx_twc_etpl_statewide_2024-03-20.csv"
EXAMPLES = Path(__file__).parent / "data" / "sources" / "ctdl_examples"


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("MATCHER_DB", str(tmp_path / "store.db"))
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, ["programs", *args], catch_exceptions=False)

    return run


@pytest.fixture
def tx_sample(source_file, tmp_path) -> Path:
    """The header and the first 60 rows of the Texas ETPL, plus row 1129 (an unplaceable row)."""
    with source_file(TX).open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    path = tmp_path / "tx_sample.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows[:61] + [rows[1128]])
    return path


def test_validate_with_a_mapping_prints_the_report_and_fails_on_bad_rows(cli, tx_sample):
    result = cli("validate", str(tx_sample), "--mapping", "tx-etpl")
    assert result.exit_code == 2
    out = result.output
    assert "rows read 61; valid 60; rejected 1" in out
    assert "Length: Weeks" in out and "ERROR" in out  # row 59's ERROR cell, listed
    assert "Fields (rows):" in out and "target_occupations" in out
    assert "1 of 61 rows have problems; 60 are valid." in out


def test_import_is_all_or_nothing_then_skip_invalid_imports_the_rest(cli, tx_sample, tmp_path):
    refused = cli("import", str(tx_sample), "--mapping", "tx-etpl")
    assert refused.exit_code == 2 and "Nothing was imported" in refused.output and "--skip-invalid" in refused.output
    assert CatalogStore(f"sqlite:///{tmp_path / 'store.db'}").count() == 0
    done = cli("import", str(tx_sample), "--mapping", "tx-etpl", "--skip-invalid")
    assert done.exit_code == 0
    assert "Imported 60 programs" in done.output and "1 invalid rows skipped" in done.output
    program = CatalogStore(f"sqlite:///{tmp_path / 'store.db'}").get("tx-32211")
    assert program.sources[0].name == "tx-etpl" and program.provenance  # kept in the store


def test_import_json_carries_the_whole_report(cli, tx_sample):
    result = cli("import", str(tx_sample), "--mapping", "tx-etpl", "--skip-invalid", "--json")
    data = json.loads(result.output)
    assert data["imported"] is True and data["added"] == 60
    report = data["report"]
    assert report["rows_read"] == 61 and report["rejected_rows"] == 1
    assert {"field": "Length: Weeks", "message": "not reported", "row": 59, "value": "ERROR"} in \
        report["not_reported_cells"]
    assert report["fields"]["duration_weeks"]["not_reported"] >= 1


def test_a_board_mapping_file_by_path(cli, tmp_path):
    mapping = tmp_path / "ours.toml"
    mapping.write_text('''
[source]
name = "ours"
title = "Our programs"

[fields.id]
template = "ours-{No}"
[fields.name]
column = "Title"
[fields.provider]
column = "Org"
[fields.type]
default = "ojt"
[fields.target_occupations]
column = "SOC"
convert = "onet"
[fields.sector]
derive = "sector_from_occupations"
[fields."schedule.times"]
default = ["day"]
[fields."schedule.hours_per_week"]
default = 40
[fields."location.zip"]
column = "ZIP"
convert = "zip"
''', encoding="utf-8")
    data = tmp_path / "ours.csv"
    data.write_text("No,Title,Org,SOC,ZIP\n1,Forklift OJT,Acme,53-7051.00,97220\n", encoding="utf-8")
    result = cli("import", str(data), "--mapping", str(mapping), "--json")
    assert json.loads(result.output)["added"] == 1
    bad = cli("validate", str(data), "--mapping", str(tmp_path / "missing.toml"))
    assert bad.exit_code == 2 and "no mapping" in bad.output


def test_ctdl_folder_is_recognised_and_merge_duplicates_needs_a_source(cli, tmp_path):
    result = cli("validate", str(EXAMPLES), "--json")
    data = json.loads(result.output)
    assert data["report"]["source"] == "ctdl" and data["report"]["valid"] == 3
    assert "ceterms:lifeCycleStatusType" in data["report"]["unsupported_properties"]
    catalog = tmp_path / "c.json"
    catalog.write_text('{"programs": []}')
    refused = cli("import", str(catalog), "--merge-duplicates")
    assert refused.exit_code == 2 and "--merge-duplicates needs --mapping" in refused.output


def test_export_ctdl_then_import_it_back(cli, tmp_path):
    out = tmp_path / "sample.jsonld"
    exported = cli("export", "--format", "ctdl", str(out))
    assert exported.exit_code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    size = len(default_catalog())
    assert doc["@context"] == "https://credreg.net/ctdl/schema/context/json" and len(doc["@graph"]) == size
    back = cli("import", str(out), "--format", "ctdl", "--json")
    assert json.loads(back.stdout)["added"] == size  # (a progress bar goes to stderr)


def test_mappings_lists_the_shipped_ones_and_shows_one(cli):
    listed = cli("mappings")
    for name in ("tx-etpl", "nj-etpl", "ipeds", "partner-finder", "eta-9171"):
        assert name in listed.output
    shown = cli("mappings", "tx-etpl")
    assert "Length: Weeks" in shown.output and "duration_weeks" in shown.output
