"""Settings come from the environment, are converted and checked, and docs/api.md's table is the code's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api import create_app
from api.config import SETTINGS, Settings
from matcher.errors import ValidationError


def test_every_setting_is_read_from_its_variable():
    env = {"DATABASE_URL": "postgresql://u@h/db", "MATCHER_BATCH_MAX": "7", "MATCHER_RELOAD_CHECK_SECONDS": "0.5",
           "MATCHER_ANONYMOUS_RECOMMENDATIONS": "yes", "REDIS_URL": "redis://127.0.0.1:6379/1", "MATCHER_PORT": "9000"}
    settings = Settings.from_env(env)
    assert (settings.database_url, settings.batch_max, settings.reload_check_seconds) == ("postgresql://u@h/db", 7, 0.5)
    assert settings.anonymous_recommendations is True and settings.port == 9000
    assert settings.redis_url == "redis://127.0.0.1:6379/1"
    assert Settings.from_env({}) == Settings()


def test_bad_values_and_unknown_overrides_name_the_variable():
    with pytest.raises(ValidationError) as exc:
        Settings.from_env({"MATCHER_BATCH_MAX": "lots"})
    assert exc.value.field == "MATCHER_BATCH_MAX"
    with pytest.raises(ValidationError) as exc:
        Settings.from_env({"MATCHER_ANONYMOUS_RECOMMENDATIONS": "maybe"})
    assert exc.value.field == "MATCHER_ANONYMOUS_RECOMMENDATIONS"
    with pytest.raises(ValidationError) as exc:
        Settings.from_env({}, no_such_setting=1)
    assert exc.value.field == "no_such_setting"


def test_the_docs_table_lists_every_setting_with_its_default():
    doc = Path("docs/api.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([A-Z_]+)` \| ([^|]+) \|", doc, flags=re.M))
    assert {s.env: s.default for s in SETTINGS.values()} == {k: v.strip() for k, v in rows.items()
                                                            if k != "MATCHER_DATA_DIR"}


def test_making_the_app_touches_no_database(tmp_path):
    path = tmp_path / "never.db"
    app = create_app({"sqlite_path": str(path)})
    assert app.url_map is not None and not path.exists()
    app.test_client().get("/api/v1/healthz")
    assert not path.exists()  # liveness does not need it either
    app.test_client().get("/api/v1/openapi.json")
    assert not path.exists()


def test_importing_the_package_touches_no_database(tmp_path):
    import subprocess
    import sys

    code = "import api, api.routes.recommendations, api.routes.programs, api.gunicorn_conf"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120,
                   env={"PATH": "", "MATCHER_DB": str(tmp_path / "x.db"),
                        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "m")})
    assert not (tmp_path / "x.db").exists()


def test_a_boards_engine_settings_are_what_the_service_ranks_with(make_app, tokens):
    from api_helpers import SMALL_PROFILE

    from matcher.catalog import default_catalog
    from matcher.engine import Recommender
    from matcher.settings import load_settings

    app = make_app(board_settings="docs/examples/board.toml")
    _info, token = app.extensions["matcher"].tokens.create("coach", "coach")
    body = app.test_client().post("/api/v1/recommendations?top=5", json=SMALL_PROFILE,
                                  headers={"Authorization": f"Bearer {token}"}).get_json()
    board_engine = Recommender(load_settings("docs/examples/board.toml")).fit(default_catalog())
    board = board_engine.recommend(SMALL_PROFILE, top=5)
    default = Recommender().fit(default_catalog()).recommend(SMALL_PROFILE, top=5)
    import json

    assert body["recommendations"] == json.loads(json.dumps(board.to_dict()))
    assert board.to_dict() != default.to_dict()  # the settings change something, so the check above means it


def test_a_bad_board_file_stops_the_app_at_start_naming_it(tmp_path):
    bad = tmp_path / "board.toml"
    bad.write_text("[weights]\nskills = 'lots'\n")
    with pytest.raises(ValidationError) as exc:
        create_app({"sqlite_path": str(tmp_path / "x.db"), "board_settings": str(bad)})
    assert "weights.skills" in (exc.value.field or "") + exc.value.message


def _board_table(tmp_path):
    """The shipped self-sufficiency table with every wage set to $99.99, as a board's own file."""
    import csv
    import io

    from matcher.paths import data_dir

    rows = list(csv.DictReader(io.StringIO((data_dir() / "self_sufficiency" / "self_sufficiency.csv")
                                           .read_text(encoding="utf-8-sig"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows({**row, "hourly_wage": "99.99"} for row in rows)
    table = tmp_path / "board_sss.csv"
    table.write_text(out.getvalue(), encoding="utf-8")
    return table


def test_a_boards_own_self_sufficiency_table_answers_target(make_app, tmp_path):
    client = make_app(self_sufficiency_table=str(_board_table(tmp_path))).test_client()
    assert client.get("/api/v1/target?county=Lane").get_json()["target"]["hourly_wage"] == 99.99


def test_a_boards_own_self_sufficiency_table_is_used_when_the_learned_model_ranks(make_app, tmp_path, models_copy):
    from matcher.auth import Role

    app = make_app(self_sufficiency_table=str(_board_table(tmp_path)), model_dir=str(models_copy))
    _, token = app.extensions["matcher"].tokens.create("coach", Role.COACH)
    answer = app.test_client().post("/api/v1/recommendations", json={"zip": "97402"},
                                    headers={"Authorization": f"Bearer {token}"}).get_json()
    assert answer["model_version"] is not None
    assert answer["recommendations"]["target_wage"] == 99.99


def test_a_short_audit_key_stops_the_service_at_start_naming_its_variable():
    with pytest.raises(ValidationError) as exc:
        create_app({"audit_key": "too short"})
    assert exc.value.field == "MATCHER_AUDIT_KEY" and "16 characters" in exc.value.message
