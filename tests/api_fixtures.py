"""Fixtures for the API tests (a plugin loaded by tests/conftest.py, so tests/api has no conftest.py of its own
that could shadow the root one): an app on a throw-away database and tokens of each role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from api import create_app
from matcher.auth import Role


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Factory: an app on a fresh SQLite file (or the database given), limiter in memory, and an empty model
    registry (the hand-set engine; tests of the model routes give a copy of the shipped one: ``models_copy``)."""
    made: list[Any] = []

    def make(**overrides: Any) -> Any:
        settings: dict[str, Any] = {"sqlite_path": str(tmp_path / "api.db"), "reload_check_seconds": 0.0,
                                    "log_level": "INFO", "model_dir": str(tmp_path / "no-models")}
        settings.update(overrides)
        app = create_app(settings)
        app.config["TESTING"] = True
        made.append(app)
        return app

    yield make
    from api import jobs

    jobs.wait_all()  # a training job started by a test ends before its database is removed
    for app in made:
        runtime = app.extensions["matcher"].runtime
        runtime.wait_for_reload()
        app.extensions["matcher"].store.close()


@pytest.fixture
def models_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped model registry (one promoted model) that a test may change."""
    import shutil

    from matcher.paths import models_dir

    target = tmp_path / "models"
    shutil.copytree(models_dir(), target, ignore=shutil.ignore_patterns(".registry.lock", ".staging-*"))
    return target


@pytest.fixture
def app(make_app: Callable[..., Any]) -> Any:
    return make_app()


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def tokens(app: Any) -> dict[str, str]:
    """A token of each role (and one revoked): name -> 'Authorization' header value."""
    store = app.extensions["matcher"].tokens
    out = {}
    for role in Role:
        _info, token = store.create(f"test {role.value}", role)
        out[role.value] = f"Bearer {token}"
    info, token = store.create("revoked one", Role.ADMIN)
    store.revoke(info.id)
    out["revoked"] = f"Bearer {token}"
    return out
