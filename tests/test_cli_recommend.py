"""``matcher recommend``: one seeker as a table or JSON, a caseload to JSON Lines, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from test_engine_fixtures import program

from matcher.catalog import write_json
from matcher.cli import main

KIOSK = {"zip": "97214", "interests": {"sectors": ["healthcare", "technology"]}}


def _write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_one_profile_prints_a_ranked_table_with_reasons(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["recommend", "--profile", str(_write(tmp_path / "s.json", KIOSK)),
                                       "--top", "3"])
    assert result.exit_code == 0, result.output
    assert "score" in result.output and "program" in result.output
    assert "1. " in result.output and "Why:" in result.output
    assert "4. " not in result.output


def test_json_output_is_the_recommendation_list(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["recommend", "--profile", str(_write(tmp_path / "s.json", KIOSK)), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["items"]) == 10 and data["items"][0]["rank"] == 1


def test_a_given_catalog_file_is_used(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.json"
    write_json([program("only-one")], catalog)
    result = CliRunner().invoke(main, ["recommend", "--profile", str(_write(tmp_path / "s.json", KIOSK)),
                                       "--programs", str(catalog), "--json"])
    assert result.exit_code == 0, result.output
    assert [i["program_id"] for i in json.loads(result.output)["items"]] == ["only-one"]


def test_a_caseload_is_written_one_line_per_profile(tmp_path: Path) -> None:
    seekers = tmp_path / "caseload.jsonl"
    seekers.write_text("\n".join(json.dumps({**KIOSK, "id": f"s{i}"}) for i in range(5)) + "\n", encoding="utf-8")
    out = tmp_path / "recs.jsonl"
    result = CliRunner().invoke(main, ["recommend", "--profiles", str(seekers), "--out", str(out), "--top", "2"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["profile_id"] for line in lines] == [f"s{i}" for i in range(5)]
    assert [line["row"] for line in lines] == [1, 2, 3, 4, 5]
    assert all(len(line["items"]) == 2 for line in lines)


def test_a_bad_profile_is_a_clear_error_naming_the_field(tmp_path: Path) -> None:
    bad = _write(tmp_path / "bad.json", {"zip": "97214", "age": 7})
    result = CliRunner().invoke(main, ["recommend", "--profile", str(bad)])
    assert result.exit_code == 2
    assert "age" in result.output
    assert "Traceback" not in result.output


def test_a_bad_caseload_row_names_its_row_and_field(tmp_path: Path) -> None:
    seekers = tmp_path / "caseload.jsonl"
    seekers.write_text(json.dumps(KIOSK) + "\n" + json.dumps({"zip": "nope"}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["recommend", "--profiles", str(seekers), "--out", str(tmp_path / "o.jsonl"),
                                       "--json"])
    assert result.exit_code == 2
    error = json.loads(result.output[result.output.index("{"):])
    assert error["problems"][0]["row"] == 2 and error["problems"][0]["field"] == "zip"


def test_profile_and_profiles_are_exclusive_and_profiles_needs_out(tmp_path: Path) -> None:
    runner = CliRunner()
    assert "either --profile" in runner.invoke(main, ["recommend"]).output
    seekers = _write(tmp_path / "c.json", [KIOSK])
    result = runner.invoke(main, ["recommend", "--profiles", str(seekers)])
    assert result.exit_code == 2 and "--out" in result.output


def test_an_imported_catalog_in_the_store_is_what_recommend_ranks(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.json"
    write_json([program("board-a"), program("board-b")], catalog)
    db = f"sqlite:///{tmp_path / 'board.db'}"
    runner = CliRunner()
    imported = runner.invoke(main, ["programs", "import", str(catalog), "--db", db])
    assert imported.exit_code == 0, imported.output
    result = runner.invoke(main, ["recommend", "--profile", str(_write(tmp_path / "s.json", KIOSK)), "--db", db,
                                  "--json"])
    assert result.exit_code == 0, result.output
    assert sorted(i["program_id"] for i in json.loads(result.output)["items"]) == ["board-a", "board-b"]


def test_without_an_imported_catalog_recommend_ranks_the_sample_catalog(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["recommend", "--profile", str(_write(tmp_path / "s.json", KIOSK))])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Catalog: sample catalog")


def test_a_failed_caseload_run_leaves_an_existing_results_file_untouched(tmp_path: Path) -> None:
    out = tmp_path / "recs.jsonl"
    out.write_text("yesterday's results\n", encoding="utf-8")
    caseload = tmp_path / "caseload.jsonl"
    caseload.write_text(json.dumps(KIOSK) + "\n" + json.dumps({"zip": "not-a-zip"}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["recommend", "--profiles", str(caseload), "--out", str(out)])
    assert result.exit_code == 2
    assert "row 2" in result.output and "zip" in result.output
    assert out.read_text(encoding="utf-8") == "yesterday's results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["caseload.jsonl", "recs.jsonl"]  # no temporary left


def test_skip_invalid_ranks_the_good_profiles_and_reports_each_bad_line(tmp_path: Path) -> None:
    out = tmp_path / "recs.jsonl"
    caseload = tmp_path / "caseload.jsonl"
    lines = [KIOSK, {"zip": "nope"}, {**KIOSK, "id": "third"}, {"age": "old", "barriers": ["homeless", "x"]}]
    caseload.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    result = CliRunner().invoke(main, ["recommend", "--profiles", str(caseload), "--out", str(out),
                                       "--skip-invalid", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["profiles"] == 2
    assert {(p["row"], p["field"]) for p in summary["skipped"]} >= {(2, "zip"), (4, "age"), (4, "barriers.1")}
    assert all("value" not in p for p in summary["skipped"] if p["field"].startswith("barriers"))  # never echoed
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [w["row"] for w in written] == [1, 3]
