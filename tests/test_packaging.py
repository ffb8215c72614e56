"""The package is whole: every subpackage is listed for the build, and the runtime data goes with it.

(.ci/run also builds a wheel, installs it into a fresh virtual environment and runs the
matcher from outside the repository, which is the real proof; this checks the cheap parts.)
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import matcher
from matcher.paths import REPO_ROOT, data_dir, models_dir


def _config() -> dict:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_python_package_in_the_tree_is_listed_for_the_build() -> None:
    listed = set(_config()["packages"])
    found = set()
    for top in ("matcher", "api"):
        for init in (REPO_ROOT / top).rglob("__init__.py") if (REPO_ROOT / top).is_dir() else []:
            found.add(".".join(init.parent.relative_to(REPO_ROOT).parts))
    assert found <= listed, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(found - listed)}"


def test_the_runtime_data_and_models_are_packaged_under_the_library() -> None:
    config = _config()
    assert config["package-dir"]["matcher._data"] == "training_data"
    assert config["package-dir"]["matcher._models"] == "models"
    assert {"matcher._data", "matcher._models"} <= set(config["packages"])


def test_a_checkout_reads_its_own_data_folders(monkeypatch) -> None:
    monkeypatch.delenv("MATCHER_DATA_DIR", raising=False)
    monkeypatch.delenv("MATCHER_MODELS_DIR", raising=False)
    monkeypatch.delenv("MATCHER_MODEL_DIR", raising=False)
    assert data_dir() == REPO_ROOT / "training_data"
    assert models_dir() == REPO_ROOT / "models"
    assert Path(matcher.__file__).resolve().parent.parent == REPO_ROOT


def test_the_data_folders_can_be_pointed_elsewhere(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("MATCHER_DATA_DIR", str(tmp_path))
    assert data_dir() == tmp_path
