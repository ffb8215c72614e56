"""Fixtures for the learning tests: a small generated history and one model trained on it, made once."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from matcher.catalog import default_catalog
from matcher.learning.generator import GeneratedHistory, generate_history, write_generated
from matcher.learning.registry import ModelRegistry
from matcher.learning.training import run_training

SMALL = 2500


@pytest.fixture(scope="session")
def small_generated() -> GeneratedHistory:
    return generate_history(SMALL, seed=5, record_ranks=True)


@pytest.fixture(scope="session")
def small_history_dir(small_generated: GeneratedHistory, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("history")
    write_generated(small_generated, folder)
    return folder


@pytest.fixture(scope="session")
def trained_registry(small_generated: GeneratedHistory, tmp_path_factory: pytest.TempPathFactory
                     ) -> tuple[ModelRegistry, dict[str, Any]]:
    """A registry with one promoted model trained on the small history (time split only)."""
    registry = ModelRegistry(tmp_path_factory.mktemp("models"))
    out = run_training(small_generated.history, default_catalog(), registry, hidden=small_generated.hidden,
                       participant_split_check=False)
    assert out["promoted"]
    return registry, out


@pytest.fixture
def registry_copy(trained_registry: tuple[ModelRegistry, dict[str, Any]], tmp_path: Path) -> ModelRegistry:
    """A private copy of the trained registry a test may damage."""
    import shutil

    shutil.copytree(trained_registry[0].root, tmp_path / "models")
    return ModelRegistry(tmp_path / "models")


PARTICIPANT = {"id": "p1", "profile": {"zip": "97217", "interests": {"sectors": ["construction"]},
                                       "barriers": ["childcare"], "needs_income": True},
               "demographics": {"sex": "female", "race_ethnicity": ["black_african_american"],
                                "disability": False}}


@pytest.fixture
def participant_data() -> dict[str, Any]:
    return copy.deepcopy(PARTICIPANT)
