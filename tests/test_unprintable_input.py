"""Input that decodes but is not text (a lone UTF-16 surrogate from a JSON escape) is reported, not a crash."""

from __future__ import annotations

import json

from click.testing import CliRunner

from matcher.catalog import default_catalog
from matcher.cli import main
from matcher.errors import shown_value


def test_a_bad_value_with_a_lone_surrogate_is_shown_replaced():
    assert shown_value("\ud800 bad").encode("utf-8") == b"? bad"


def test_importing_a_catalog_with_a_lone_surrogate_reports_the_row(tmp_path):
    program = default_catalog().programs[0].model_dump(mode="json")
    program["name"] = "PLACEHOLDER"
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"programs": [program]}).replace("PLACEHOLDER", "\\ud800 bad"), encoding="utf-8")
    result = CliRunner().invoke(main, ["programs", "import", str(path), "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 2, result.output
    assert "Nothing was imported" in result.output
