"""Fewer garbage collections while training (matcher/learning/collection.py), and the validation split that
no longer copies the dataset."""

from __future__ import annotations

import datetime as dt
import gc
import weakref
from pathlib import Path

import numpy as np
import pytest

from matcher.learning import collection
from matcher.learning import evaluation as ev
from matcher.learning.collection import THRESHOLD, fewer_collections
from matcher.learning.history_io import read_history


@pytest.fixture(autouse=True)
def _clean_collector():
    assert not collection.active()
    before = gc.get_threshold()
    yield
    assert gc.get_threshold() == before
    assert not collection.active()


def test_the_block_raises_the_young_threshold_and_restores_it() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        assert collection.active()
        assert gc.get_threshold() == (max(THRESHOLD, before[0]), before[1], before[2])
    assert gc.get_threshold() == before


def test_objects_alive_on_entry_are_frozen_then_given_back() -> None:
    gc.unfreeze()
    keep = [[i] for i in range(100)]
    with fewer_collections():
        assert gc.get_freeze_count() >= len(keep)
    assert gc.get_freeze_count() == 0
    assert keep


def test_nested_blocks_restore_only_when_the_outermost_ends() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        with fewer_collections(threshold=5):
            assert gc.get_threshold()[0] == max(THRESHOLD, before[0])
        assert collection.active()
        assert gc.get_threshold()[0] == max(THRESHOLD, before[0])
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_an_error_inside_still_restores_the_collector() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("boom")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_cycles_made_inside_are_still_collected() -> None:
    class Node:
        other: object = None

    with fewer_collections():
        a, b = Node(), Node()
        a.other, b.other = b, a
        gone = weakref.ref(a)
        del a, b
        gc.collect()
        assert gone() is None


def test_reading_a_history_runs_inside_the_block(small_history_dir: Path) -> None:
    seen: list[bool] = []
    read_history(small_history_dir, progress=lambda _table, _count: seen.append(collection.active()))
    assert seen and all(seen)


def _dataset(entry: list[dt.date], ids: list[str]) -> ev.Dataset:
    n = len(entry)
    return ev.Dataset(participant_ids=ids, program_ids=["p"] * n, columns=np.zeros(n, dtype=np.int64),
                      entry=np.array(entry, dtype="datetime64[D]"), label=np.zeros(n, dtype=bool),
                      wage=np.full(n, np.nan), excluded=np.zeros(n, dtype=bool), considered=[[] for _ in range(n)],
                      x=np.zeros((n, 3), dtype=np.float32), demographics=[None] * n, target=np.zeros(n))


def test_validation_part_by_time_takes_the_latest_training_rows() -> None:
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=d) for d in (9, 0, 5, 1, 8, 2, 7, 3, 6, 4)]
    ds = _dataset(days, [f"p{i}" for i in range(10)])
    split = ev.time_split(ds, test_share=0.2)  # days 8 and 9 held out
    assert sorted(split.test.tolist()) == [0, 4]
    fit, valid = ev.validation_part(ds, split, share=0.25)  # of the 8 training days, the latest 2 (6, 7)
    assert sorted(valid.tolist()) == [6, 8]
    assert sorted(fit.tolist()) == [1, 2, 3, 5, 7, 9]


def test_validation_part_matches_splitting_a_copy_of_the_training_rows() -> None:
    rng = np.random.default_rng(4)
    days = [dt.date(2023, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 400, 500)]
    ds = _dataset(days, [f"person-{int(i)}" for i in rng.integers(0, 200, 500)])
    for split in (ev.time_split(ds), ev.participant_split(ds)):
        sub = ds.subset(split.train)
        inner = ev.time_split(sub, 0.15) if split.name == "time" else ev.participant_split(sub, 0.15, "validation")
        fit, valid = ev.validation_part(ds, split)
        assert fit.tolist() == split.train[inner.train].tolist()
        assert valid.tolist() == split.train[inner.test].tolist()
        assert len(valid) and len(fit)
