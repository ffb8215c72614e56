"""The learned model beats the hand-set engine on held-out NDCG@10 of a history made by a different generator."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from matcher.catalog import default_catalog
from matcher.learning.registry import ModelRegistry
from matcher.learning.training import run_training

_spec = importlib.util.spec_from_file_location("alt_generator", Path(__file__).with_name("alt_generator.py"))
assert _spec and _spec.loader
alt_generator = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(alt_generator)


@pytest.mark.slow
def test_the_model_learns_from_a_differently_generated_history(tmp_path: Path) -> None:
    history = alt_generator.alt_history(6000)
    out = run_training(history, default_catalog(), ModelRegistry(tmp_path), participant_split_check=False)
    m = out["metrics"]
    assert m["model"]["ndcg@10"] > m["hand_set"]["ndcg@10"], m
    assert m["hand_set"]["ndcg@10"] > m["random"]["ndcg@10"]
    assert out["probability"]["auc"] > 0.6
