"""The CLI: history validate/import/export, train, evaluate and models, as an evaluator runs them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from matcher.cli import main


def test_history_validate_reports_ok_and_bad_rows(small_history_dir: Path, tmp_path: Path) -> None:
    ok = CliRunner().invoke(main, ["history", "validate", str(small_history_dir)])
    assert ok.exit_code == 0, ok.output
    assert "OK:" in ok.output and "participants" in ok.output
    import shutil

    bad = tmp_path / "bad"
    shutil.copytree(small_history_dir, bad)
    import gzip

    with gzip.open(bad / "enrollments.csv.gz", "rt", encoding="utf-8") as fh:
        text = fh.read()
    first = text.splitlines()[1].split(",")
    text = text.replace(first[0] + "," + first[1], first[0] + ",NOBODY", 1)
    with gzip.open(bad / "enrollments.csv.gz", "wt", encoding="utf-8") as fh:
        fh.write(text)
    result = CliRunner().invoke(main, ["history", "validate", str(bad), "--json"])
    assert result.exit_code == 2
    data = json.loads(result.output)
    assert any(p["field"] == "enrollments.participant_id" and p["row"] == 2 for p in data["problems"])


def test_history_import_then_export_round_trips_through_the_store(small_history_dir: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    result = CliRunner().invoke(main, ["history", "import", str(small_history_dir), "--db", db])
    assert result.exit_code == 0, result.output
    assert re.search(r"Imported [\d,]+ participants", result.output)
    out = CliRunner().invoke(main, ["history", "export", str(tmp_path / "out"), "--db", db, "--format", "jsonl"])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "out" / "participants.jsonl").exists()


def test_models_commands_list_show_promote_and_roll_back(registry_copy) -> None:
    root = str(registry_copy.root)
    listed = CliRunner().invoke(main, ["models", "list", "--models-dir", root, "--json"])
    assert listed.exit_code == 0, listed.output
    versions = json.loads(listed.output)
    assert [v["promoted"] for v in versions] == [True]
    shown = CliRunner().invoke(main, ["models", "show", "--models-dir", root])
    assert "Model card" in shown.output and "How to contest" in shown.output
    nothing = CliRunner().invoke(main, ["models", "rollback", "--models-dir", root])
    assert nothing.exit_code == 2 and "no earlier promoted model" in nothing.output
    missing = CliRunner().invoke(main, ["models", "promote", "v-nope", "--models-dir", root])
    assert missing.exit_code == 2 and "no model version" in missing.output


def test_train_then_evaluate_writes_a_report(small_history_dir: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    result = CliRunner().invoke(main, ["train", "--history", str(small_history_dir), "--models-dir", str(models),
                                       "--no-participant-split", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output[result.output.index("{"):])
    assert out["promoted"] is True
    assert (models / out["version"] / "report.html").exists()
    report = tmp_path / "eval.html"
    ev = CliRunner().invoke(main, ["evaluate", "--history", str(small_history_dir), "--models-dir", str(models),
                                   "--out", str(report)])
    assert ev.exit_code == 0, ev.output
    assert "hand_set" in ev.output and "AUC" in ev.output
    html = report.read_text()
    assert html.count("data:image/png;base64,") == 4
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", html)  # self-contained
    assert json.loads(report.with_suffix(".json").read_text())["time_split"]["fairness"]["attributes"]
    again = CliRunner().invoke(main, ["train", "--history", str(small_history_dir), "--models-dir", str(models),
                                      "--no-participant-split"])
    assert again.exit_code == 0, again.output
    assert "Promoted" in again.output or "Not promoted" in again.output


def test_train_needs_exactly_one_source() -> None:
    result = CliRunner().invoke(main, ["train"])
    assert result.exit_code == 2 and "exactly one of --history DIR or --db URL" in result.output
