"""Benchmark the ingest side of training: reading a history folder and the look-ups training makes of it.

    python bench/bench_history_read.py /tmp/matcher-bench-learning/history-1000000

Steps, each with wall time, this process's CPU time and its worker processes' CPU time: ``read_history``
(parse, validate, cross-check), one ``History.participant(pid).profile`` per participant,
``labelled_enrollments()`` over all, ``counts()`` and ``history_hash``. Then the peak RSS of this process
and of the largest worker. The machine's load average is printed at the start and the end: on a shared
machine compare CPU times, not wall times.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable
from typing import Any


def _cpu() -> tuple[float, float]:
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, children.ru_utime + children.ru_stime


def main(folder: str) -> dict[str, Any]:
    from matcher.learning.history_io import read_history
    from matcher.learning.training import history_hash

    out: dict[str, Any] = {"folder": folder, "load_start": [round(x, 2) for x in os.getloadavg()]}

    def step(name: str, f: Callable[[], Any]) -> Any:
        wall = time.perf_counter()
        me, children = _cpu()
        result = f()
        me2, children2 = _cpu()
        out[name] = {"wall_s": round(time.perf_counter() - wall, 1), "cpu_s": round(me2 - me, 1),
                     "workers_cpu_s": round(children2 - children, 1)}
        print(name, out[name], flush=True)
        return result

    history = step("read", lambda: read_history(folder).history)
    step("participants", lambda: sum(1 for pid in history.participants.keys
                                     if history.participant(pid).profile is not None))
    step("labelled_enrollments", lambda: sum(1 for _ in history.labelled_enrollments()))
    out["counts"] = step("counts", history.counts)
    out["sha256"] = step("history_hash", lambda: history_hash(history))
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    out["worker_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    out["load_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "training_data/history")
