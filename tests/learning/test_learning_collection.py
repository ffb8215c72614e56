"""Training's speed-ups, which must not change what it computes: fewer garbage collections
(matcher/learning/collection.py), the validation split that no longer copies the dataset, and the labelled
pairs read off the stored JSON."""

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


def test_labelled_pairs_read_off_the_json_agree_with_the_records(small_generated) -> None:
    h = small_generated.history
    pairs = list(h.labelled_pairs())
    records = list(h.labelled_enrollments())
    assert len(pairs) == len(records) > 1000
    for p, (e, o, y) in zip(pairs, records):
        assert (p.participant_id, p.program_id, p.considered_program_ids, p.success, p.wage) == \
            (e.participant_id, e.program_id, e.considered_program_ids, y, o.wage)
        assert p.entry == (e.entry_date or e.referred_on).isoformat()


def test_labelled_pairs_take_the_referral_date_and_quarterly_earnings_when_that_is_all_there_is() -> None:
    from matcher.learning.history import Enrollment, History, Outcome, participant_record

    people = [participant_record("p1", {"zip": "97217"})]
    enrollments = [Enrollment.model_validate({"id": "e1", "participant_id": "p1", "program_id": "x",
                                              "referred_on": "2025-03-04"}),
                   Enrollment.model_validate({"id": "e2", "participant_id": "p1", "program_id": "y"}),
                   Enrollment.model_validate({"id": "e3", "participant_id": "p1", "program_id": "z"})]
    outcomes = [Outcome.model_validate({"enrollment_id": "e1", "completed": True, "employed_q2": True,
                                        "median_quarterly_earnings": 10400}),
                Outcome.model_validate({"enrollment_id": "e2", "completed": True})]  # employed_q2 unknown
    pairs = list(History(people, enrollments, outcomes).labelled_pairs())
    assert [(p.program_id, p.entry, p.success, p.wage) for p in pairs] == [("x", "2025-03-04", True, 20.0)]


#: Run in a fresh interpreter: feature workers are forked only where no other thread runs, and a test session
#: has threads left by earlier tests (the service's), so in-process these tests would only ever skip.
EARLY_WORKERS = """
import sys
import numpy as np
from matcher.catalog import default_catalog
from matcher.engine import Recommender
from matcher.learning import evaluation as ev
from matcher.learning.history_io import read_history
from matcher.learning.pair_features import PairFeaturizer
from matcher.learning.training import training_workers

catalog = default_catalog()
with training_workers(catalog) as workers:
    assert workers is not None and workers.processes == 2, workers
    history = read_history(sys.argv[1], catalog=catalog, pool=workers.pool).history
    early = ev.build_dataset(history, workers.featurizer, chunk=256, early=workers)
    serial = ev.build_dataset(history, workers.featurizer, chunk=256, workers=1)
    assert workers.pool._state == "RUN"  # read_history does not close a pool it was given
    try:
        ev.build_dataset(history, PairFeaturizer(Recommender().fit(catalog)), early=workers)
        raise AssertionError("workers forked for one featurizer took another")
    except ValueError as exc:
        assert "another featurizer" in str(exc)
assert len(early) == len(serial) > 1000
for name in ("columns", "entry", "label", "wage", "excluded", "x", "target"):
    np.testing.assert_array_equal(getattr(early, name), getattr(serial, name), err_msg=name)
assert early.participant_ids == serial.participant_ids and list(early.demographics) == list(serial.demographics)
print("same features")
"""


def test_workers_forked_before_reading_build_the_serial_features_and_refuse_another_featurizer(
        small_history_dir: Path) -> None:
    import os
    import subprocess
    import sys

    if "fork" not in __import__("multiprocessing").get_all_start_methods() or len(os.sched_getaffinity(0)) < 2:
        pytest.skip("needs fork and two CPUs")
    run = subprocess.run([sys.executable, "-c", EARLY_WORKERS, str(small_history_dir)], capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "same features" in run.stdout
