"""A board's engine settings load from TOML, and every mistake names its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.errors import InputFileError, ValidationError
from matcher.records import Support, TravelMode
from matcher.scoring import EngineConfig
from matcher.settings import load_settings, parse_settings

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "board.toml"


def test_the_documented_example_loads_into_the_engine_config_it_describes() -> None:
    config = load_settings(EXAMPLE)
    assert config.board_supports == {Support.TRANSIT_PASS, Support.CHILDCARE, Support.GED_PREP}
    assert config.weights["wage"] == 0.14
    assert config.default_target_wage == 26.50
    assert config.transit_line_factor == 1.5
    assert config.mode_miles[TravelMode.BIKE] == 8
    assert config.max_per_provider == 2


def test_an_empty_file_means_every_default() -> None:
    assert parse_settings({}) == EngineConfig()


def test_mode_miles_given_for_one_mode_keep_the_others() -> None:
    config = parse_settings({"travel": {"mode_miles": {"transit": 20}}})
    assert config.mode_miles[TravelMode.TRANSIT] == 20
    assert config.mode_miles[TravelMode.CAR] == EngineConfig().mode_miles[TravelMode.CAR]


def test_diversity_can_be_turned_off() -> None:
    config = parse_settings({"diversity": {"off": True}})
    assert config.max_per_provider is None and config.max_per_type is None


@pytest.mark.parametrize(("data", "field"), [
    ({"weights": {"skils": 0.2}}, "weights.skils"),
    ({"weights": {"wage": -1}}, "weights.wage"),
    ({"weights": {"wage": "high"}}, "weights.wage"),
    ({"board_supports": ["limo"]}, "board_supports.0"),
    ({"travel": {"mode_miles": {"jetpack": 3}}}, "travel.mode_miles.jetpack.[key]"),
    ({"travel": {"transit_line_factor": 0.5}}, "travel.transit_line_factor"),
    ({"diversity": {"max_per_provider": 0}}, "diversity.max_per_provider"),
    ({"colour": "blue"}, "colour"),
])
def test_a_bad_setting_is_an_error_naming_its_key(data: dict, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_settings(data)
    assert err.value.field == field


def test_a_file_that_is_not_toml_says_so(tmp_path: Path) -> None:
    bad = tmp_path / "board.toml"
    bad.write_text("weights = [\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="not valid TOML"):
        load_settings(bad)


def test_recommend_takes_the_boards_settings(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from matcher.cli import main

    profile = tmp_path / "p.json"
    profile.write_text('{"zip": "97214", "barriers": ["no_car"]}', encoding="utf-8")
    board = tmp_path / "board.toml"
    board.write_text('board_supports = ["transit_pass"]\n', encoding="utf-8")
    with_board = CliRunner().invoke(main, ["recommend", "--profile", str(profile), "--config", str(board), "--json"])
    assert with_board.exit_code == 0, with_board.output
    assert "The board provides a transit pass" in with_board.output
    board.write_text('[weights]\nskils = 1\n', encoding="utf-8")
    bad = CliRunner().invoke(main, ["recommend", "--profile", str(profile), "--config", str(board)])
    assert bad.exit_code == 2 and "weights.skils" in bad.output
