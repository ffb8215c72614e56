"""`matcher demo` is the README's main job: it must rank the sample catalog for
the shipped demo seekers and show what a coach would read."""

from __future__ import annotations

import json

from click.testing import CliRunner

from matcher.cli import main


def test_demo_prints_ranked_explained_programs_for_each_demo_seeker() -> None:
    result = CliRunner().invoke(main, ["demo", "--top", "2"])
    assert result.exit_code == 0, result.output
    for seeker in ("demo-dana", "demo-marco", "demo-lucia", "demo-kiosk"):
        assert f"Seeker {seeker}" in result.output
    assert "Why:" in result.output
    assert "fictional sample data" in result.output


def test_demo_json_lists_one_result_per_seeker_with_top_items() -> None:
    result = CliRunner().invoke(main, ["demo", "--top", "2", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [r["profile_id"] for r in data] == ["demo-dana", "demo-marco", "demo-lucia", "demo-kiosk"]
    assert all(1 <= len(r["items"]) <= 2 for r in data)


def test_demo_with_a_bad_seekers_file_names_the_row_and_field(tmp_path) -> None:
    bad = tmp_path / "seekers.jsonl"
    bad.write_text('{"zip": "97217"}\n{"zip": "nope"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["demo", "--seekers", str(bad)])
    assert result.exit_code == 2
    assert "zip" in result.output and "row 2" in result.output
