"""The model registry: load, promote, roll back, refuse damaged or incompatible artifacts, promote at once."""

from __future__ import annotations

import json
import multiprocessing
import shutil
from pathlib import Path

import numpy as np
import pytest

from matcher.errors import ModelCompatibilityError, ModelIntegrityError, NotFoundError
from matcher.learning.registry import CARD, SERVED, ModelRegistry, sha256_of
from matcher.learning.training import promotion_decision


def test_the_promoted_model_loads_with_its_card(registry_copy: ModelRegistry) -> None:
    loaded = registry_copy.load()
    assert loaded.version == registry_copy.promoted()
    assert loaded.card["success_definition"].startswith("completed the program")
    assert 0 <= loaded.blend_weight <= 10
    for key in ("data", "features", "parameters", "metrics", "fairness", "libraries", "intended_use", "limits",
                "contest"):
        assert loaded.card[key]


def _second_version(registry: ModelRegistry) -> str:
    """Register a copy of the promoted version under a new id (a stand-in for a second training run)."""
    current = registry.promoted()
    staging = registry.staging_dir()
    for f in (registry.root / current).iterdir():
        if f.name != "SHA256SUMS":
            shutil.copy(f, staging / f.name)
    return registry.register(staging, registry.new_version_id("feedface" * 8), {"metrics": {}})


def test_promote_then_rollback_returns_to_the_previous_version(registry_copy: ModelRegistry) -> None:
    first = registry_copy.promoted()
    second = _second_version(registry_copy)
    assert registry_copy.promoted() == first  # registering does not promote
    assert registry_copy.promote(second) == first
    assert registry_copy.promoted() == second
    assert registry_copy.rollback() == first
    assert registry_copy.promoted() == first
    with pytest.raises(NotFoundError, match="no earlier promoted model"):
        registry_copy.rollback()
    actions = [e["action"] for e in registry_copy.index()["events"]]
    assert [a for a in actions if a != "register"][-3:] == ["promote", "promote", "rollback"]


def test_a_corrupted_artifact_is_refused_before_it_is_opened(registry_copy: ModelRegistry) -> None:
    version = registry_copy.promoted()
    path = registry_copy.root / version / SERVED
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match="SHA-256"):
        registry_copy.load()
    with pytest.raises(ModelIntegrityError):
        registry_copy.promote(version)


def test_a_swapped_estimator_is_refused_before_joblib_opens_it(registry_copy: ModelRegistry, tmp_path: Path) -> None:
    import joblib

    version = registry_copy.promoted()
    joblib.dump({"not": "the model"}, registry_copy.root / version / "estimator.joblib")
    with pytest.raises(ModelIntegrityError, match="SHA-256"):
        registry_copy.load_estimator()


def test_sums_file_and_registry_must_agree(registry_copy: ModelRegistry) -> None:
    version = registry_copy.promoted()
    sums = registry_copy.root / version / "SHA256SUMS"
    sums.write_text(sums.read_text().replace(sha256_of(registry_copy.root / version / SERVED), "0" * 64))
    with pytest.raises(ModelIntegrityError, match="SHA256SUMS does not agree"):
        registry_copy.load()


def _reregister_with_card(registry: ModelRegistry, change: dict) -> str:
    version = registry.promoted()
    staging = registry.staging_dir()
    for f in (registry.root / version).iterdir():
        if f.name != "SHA256SUMS":
            shutil.copy(f, staging / f.name)
    card = json.loads((staging / CARD).read_text())
    for key, value in change.items():
        if "." in key:
            outer, inner = key.split(".")
            card[outer][inner] = value
        else:
            card[key] = value
    (staging / CARD).write_text(json.dumps(card))
    return registry.register(staging, registry.new_version_id("abad1dea" * 8), {"metrics": {}})


def test_an_estimator_from_another_scikit_learn_version_is_refused(registry_copy: ModelRegistry) -> None:
    registry_copy.load_estimator()  # the real one loads
    old = _reregister_with_card(registry_copy, {"libraries.scikit-learn": "0.24.2"})
    with pytest.raises(ModelCompatibilityError, match="scikit-learn 0.24.2"):
        registry_copy.load_estimator(old)


def test_an_artifact_of_another_format_version_is_refused(registry_copy: ModelRegistry) -> None:
    future = _reregister_with_card(registry_copy, {"format_version": 99})
    with pytest.raises(ModelCompatibilityError, match="format 99"):
        registry_copy.load(future)


def test_the_served_artifact_holds_no_pickles(registry_copy: ModelRegistry) -> None:
    path = registry_copy.root / registry_copy.promoted() / SERVED
    with np.load(path, allow_pickle=False) as npz:
        assert all(npz[k].dtype != object for k in npz.files)


def _promote_many(root: str, versions: list[str], start: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    registry = ModelRegistry(root)
    start.wait()
    for v in versions:
        registry.promote(v, reason="race")


def test_concurrent_promotions_from_real_processes_lose_no_update(registry_copy: ModelRegistry) -> None:
    versions = [_second_version(registry_copy) for _ in range(3)]
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    workers = [ctx.Process(target=_promote_many, args=(str(registry_copy.root), versions * 4, start))
               for _ in range(4)]
    for w in workers:
        w.start()
    start.set()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    data = registry_copy.index()  # a whole, valid file
    promotes = [e for e in data["events"] if e["action"] == "promote" and e.get("reason") == "race"]
    assert len(promotes) == 4 * 12  # every promotion recorded: none lost to a race
    assert len({e["pid"] for e in promotes}) == 4
    assert data["promoted"] in versions
    assert registry_copy.load().version == data["promoted"]
    assert not list(registry_copy.root.glob(".registry-*.tmp"))


def test_the_gate_keeps_the_promoted_model_when_the_candidate_is_worse() -> None:
    better, worse = {"ndcg@10": 0.5}, {"ndcg@10": 0.4}
    assert promotion_decision(better, worse)[0] is True
    allowed, why = promotion_decision(worse, better)
    assert not allowed and "--force" in why
    assert promotion_decision(worse, better, force=True)[0] is True
    assert promotion_decision(worse, None)[0] is True


def test_a_worse_training_run_is_registered_but_not_promoted(registry_copy: ModelRegistry, small_generated,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from matcher.catalog import default_catalog
    from matcher.learning import training

    before = registry_copy.promoted()
    real = training.promotion_decision
    monkeypatch.setattr(training, "promotion_decision",
                        lambda c, p, force=False: real({"ndcg@10": 0.0}, p, force=force))
    out = training.run_training(small_generated.history, default_catalog(), registry_copy,
                                participant_split_check=False)
    assert not out["promoted"] and "not promoted" in out["decision"]
    assert registry_copy.promoted() == before
    assert out["version"] in {v["version"] for v in registry_copy.versions()}
    assert out["report"]["time_split"]["ranking"]["promoted"]["ndcg@10"] is not None  # measured in the same run


def test_a_failed_training_run_leaves_the_registry_as_it_was(registry_copy: ModelRegistry) -> None:
    from matcher.catalog import default_catalog
    from matcher.learning.history import History
    from matcher.learning.training import run_training

    before = json.dumps(registry_copy.index(), sort_keys=True)
    with pytest.raises(ValueError, match="at least 200"):
        run_training(History((), (), ()), default_catalog(), registry_copy)
    assert json.dumps(registry_copy.index(), sort_keys=True) == before
    assert not list(registry_copy.root.glob(".staging-*"))


def test_loading_from_an_empty_registry_says_nothing_is_promoted(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no model is promoted"):
        ModelRegistry(tmp_path).load()


def test_the_registry_defaults_to_the_models_dir_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MATCHER_MODEL_DIR", raising=False)
    monkeypatch.setenv("MATCHER_MODELS_DIR", str(tmp_path))  # the older spelling
    assert ModelRegistry().root == tmp_path
    # the service's setting wins, so the CLI and the service act on the same registry
    monkeypatch.setenv("MATCHER_MODEL_DIR", str(tmp_path / "service"))
    assert ModelRegistry().root == tmp_path / "service"
