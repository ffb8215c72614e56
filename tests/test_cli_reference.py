"""`matcher target`, `matcher wages` and a board's own self-sufficiency table in `recommend`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from matcher.cli import main

HEADER = ("county_fips,county,state,adults,children,hourly_wage,annual,measure,edition,is_estimate,"
          "method,reliability,source_url,note\n")


def _board_table(tmp_path: Path, wage: str = "44.00") -> Path:
    path = tmp_path / "board_sss.csv"
    path.write_text(HEADER + f"41051,Multnomah,OR,1,2,{wage},,Board standard,2026,false,,high,,\n", encoding="utf-8")
    return path


def test_target_shows_the_household_wage_and_says_when_it_is_an_estimate() -> None:
    result = CliRunner().invoke(main, ["target", "--county", "Lane County", "--adults", "1", "--children", "2"])
    assert result.exit_code == 0, result.output
    assert "Lane County" in result.output and "/hour" in result.output and "ESTIMATE" in result.output


def test_target_reports_the_published_multnomah_figure_as_published() -> None:
    result = CliRunner().invoke(main, ["target", "--county", "Multnomah", "--children", "2", "--json"])
    data = json.loads(result.output)
    assert data["hourly_wage"] == 36.42 and data["is_estimate"] is False


def test_target_for_an_unknown_county_names_the_known_ones() -> None:
    result = CliRunner().invoke(main, ["target", "--county", "Nowhere"])
    assert result.exit_code == 2
    assert "Multnomah" in result.output


def test_target_reads_a_boards_own_table(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["target", "--county", "Multnomah", "--children", "2", "--table",
                                       str(_board_table(tmp_path)), "--json"])
    assert json.loads(result.output)["hourly_wage"] == 44.0


def test_wages_lists_local_percentiles_for_an_occupation() -> None:
    result = CliRunner().invoke(main, ["wages", "47-2061", "--area", "eugene"])
    assert result.exit_code == 0, result.output
    assert "Construction Laborers" in result.output and "Eugene" in result.output and "median" in result.output


def test_recommend_uses_a_boards_self_sufficiency_table_when_given(tmp_path: Path) -> None:
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({"zip": "97217", "household": {"adults": 1, "children": 2, "county": "Multnomah"},
                                   "interests": {"sectors": ["construction"]}}), encoding="utf-8")
    runner = CliRunner()
    shipped = json.loads(runner.invoke(main, ["recommend", "--profile", str(profile), "--json"]).output)
    board = json.loads(runner.invoke(main, ["recommend", "--profile", str(profile), "--json",
                                            "--self-sufficiency", str(_board_table(tmp_path))]).output)
    assert shipped["target_wage"] == 36.42
    assert board["target_wage"] == 44.0


def test_recommend_with_a_broken_board_table_reports_row_and_column(tmp_path: Path) -> None:
    profile = tmp_path / "p.json"
    profile.write_text('{"zip": "97217"}', encoding="utf-8")
    result = CliRunner().invoke(main, ["recommend", "--profile", str(profile), "--self-sufficiency",
                                       str(_board_table(tmp_path, wage="lots"))])
    assert result.exit_code == 2
    assert "hourly_wage" in result.output and "2" in result.output


def test_wages_for_an_unknown_occupation_code_is_an_error_like_occupations_show() -> None:
    from click.testing import CliRunner

    from matcher.cli import main

    result = CliRunner().invoke(main, ["wages", "99-9999.00"])
    assert result.exit_code == 2
    assert "no O*NET-SOC occupation with code '99-9999.00'" in result.output
