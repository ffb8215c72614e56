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
