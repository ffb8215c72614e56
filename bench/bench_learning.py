"""Benchmark the learned model: training time and peak memory, and its scoring cost per recommendation.

    python bench/bench_learning.py                         # scoring at 10,000 programs + training at 100k and 1M
    python bench/bench_learning.py --train-sizes 100000    # one training size
    python bench/bench_learning.py --skip-training         # scoring only
    python bench/bench_learning.py --quick                 # small sizes, a smoke run

Scoring: the full explained top 10 for one profile at 10,000 programs (the sample catalog replicated, as in
bench_engine.py), p50/p99 over 300 varied profiles: the hand-set engine and the engine with the shipped model
on (``ModelRecommender.recommend``: the answer a person sees, with relative scores and the model's
reasons, which the engine itself makes when a model is on), measured in the same run.

Training: a history of N enrollments is generated once (seeded, cached under --cache) in its own process;
then, each in a fresh process (peak RSS is that process's own; its workers come on top), (a) the fit: read
the folder, build the pair features, fit and calibrate the model; (b) the full ``matcher train`` run without
the participant-split check (fit + blend weight + evaluation on at most 6,000 held-out queries + audit + artifact).
Results go to bench/results/bench_learning.json; the machine's load average is recorded with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from machine import describe  # bench/machine.py

RESULTS = Path(__file__).resolve().parent / "results"
HERE = Path(__file__).resolve().parent


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


# --------------------------------------------------------------------------- scoring


def bench_scoring(n_programs: int, n_profiles: int) -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    from bench_engine import synthetic_catalog, varied_profiles

    from matcher.catalog import Catalog
    from matcher.engine import Recommender
    from matcher.learning.registry import ModelRegistry
    from matcher.learning.serving import ModelRecommender

    catalog = Catalog(tuple(synthetic_catalog(n_programs)))
    profiles = varied_profiles(n_profiles)
    plain = Recommender().fit(catalog)
    backed = ModelRecommender(catalog, registry=ModelRegistry())
    with_model = backed.engine
    out: dict[str, Any] = {"programs": n_programs, "profiles": n_profiles, "model": backed.version}
    for name, call in (("hand_set", lambda p: plain.recommend(p, top=10)),
                       ("engine_with_model", lambda p: with_model.recommend(p, top=10))):
        for p in profiles[:20]:
            call(p)  # warm caches (normalizer look-ups, interest cache)
        times = []
        for p in profiles:
            t = time.perf_counter()
            call(p)
            times.append((time.perf_counter() - t) * 1e3)
        out[name] = {"p50_ms": round(statistics.median(times), 2), "p99_ms": round(percentile(times, 99), 2),
                     "mean_ms": round(statistics.fmean(times), 2), "load": load()}
        print(f"{n_programs:,} programs, {name}: p50 {out[name]['p50_ms']} ms, p99 {out[name]['p99_ms']} ms "
              f"(load {out[name]['load']})", flush=True)
    return out


# --------------------------------------------------------------------------- training

FIT = """
import json, resource, sys, time
t0 = time.perf_counter()
from matcher.catalog import default_catalog
from matcher.engine import Recommender
from matcher.learning import evaluation as ev
from matcher.learning.history_io import read_history
from matcher.learning.model import SuccessModel
from matcher.learning.pair_features import PairFeaturizer
from matcher.learning.training import training_workers
folder = sys.argv[1]
catalog = default_catalog()
with training_workers(catalog) as workers:  # as matcher train does: forked before the history is read
    h = read_history(folder, catalog=catalog, pool=workers.pool if workers else None).history
    t1 = time.perf_counter()
    fz = workers.featurizer if workers else PairFeaturizer(Recommender().fit(catalog))
    ds = ev.build_dataset(h, fz, early=workers)
t2 = time.perf_counter()
split = ev.time_split(ds)
fit, _ = ev.validation_part(ds, split)
from matcher.learning.training import encode_program_rates
import numpy as np
encode_program_rates(ds, fit, np.setdiff1d(np.arange(len(ds)), fit))
model = SuccessModel().fit(ds.x[fit], ds.label[fit])
t3 = time.perf_counter()
print(json.dumps({"read_s": t1 - t0, "features_s": t2 - t1, "fit_s": t3 - t2, "total_s": t3 - t0,
                  "rows": len(ds), "fit_rows": int(len(fit)), "n_iter": model.n_iter_,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


#: Histories above this many enrollments are made by replicating a generated one (new ids per copy), streamed
#: file to file: the generator holds its whole history in memory, which a benchmark of the trainer should not
#: be limited by. The copies have the same people and outcomes under new ids: fine for timing.
GENERATE_MAX = 200_000


def replicated(n_enrollments: int, cache: Path) -> Path:
    import csv
    import gzip

    base_size = 100_000
    base = generated(base_size, cache)
    folder = cache / f"history-{n_enrollments}"
    if (folder / "generator.json").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    copies = max(1, round(n_enrollments / base_size))
    print(f"replicating {base} x{copies} into {folder} ...", flush=True)
    keys = {"participants": ("id",), "enrollments": ("id", "participant_id"), "outcomes": ("enrollment_id",)}
    for table, cols in keys.items():
        with gzip.open(base / f"{table}.csv.gz", "rt", encoding="utf-8", newline="") as src, \
                gzip.open(folder / f"{table}.csv.gz", "wt", encoding="utf-8", newline="") as dst:
            reader = csv.reader(src)
            header = next(reader)
            where = [header.index(c) for c in cols]
            rows = list(reader)
            writer = csv.writer(dst, lineterminator="\n")
            writer.writerow(header)
            for k in range(copies):
                for row in rows:
                    out = list(row)
                    for i in where:
                        out[i] = f"{row[i]}r{k}"
                    writer.writerow(out)
    (folder / "generator.json").write_text(json.dumps({"replicated_from": str(base), "copies": copies}) + "\n")
    return folder


def generated(n_enrollments: int, cache: Path) -> Path:
    if n_enrollments > GENERATE_MAX:
        return replicated(n_enrollments, cache)
    folder = cache / f"history-{n_enrollments}"
    if (folder / "generator.json").exists():
        return folder
    people = int(n_enrollments / 1.06)
    print(f"generating {people:,} participants (about {n_enrollments:,} enrollments) into {folder} ...", flush=True)
    subprocess.run([sys.executable, str(HERE.parent / "scripts" / "generate_history.py"), "--participants",
                    str(people), "--seed", "3", "--out", str(folder), "--no-ranks"], check=True)
    return folder


def phases(stderr: str) -> list[dict[str, Any]]:
    """``matcher train``'s progress lines (``[train   12.3 s] what it starts``) as phases with their seconds."""
    import re

    marks = [(float(m.group(1)), m.group(2)) for m in re.finditer(r"^\[train\s+([\d.]+) s\] (.*)$", stderr, re.M)]
    return [{"phase": what, "started_s": at, "seconds": round(marks[i + 1][0] - at, 1) if i + 1 < len(marks) else None}
            for i, (at, what) in enumerate(marks)]


def bench_training(n_enrollments: int, cache: Path) -> dict[str, Any]:
    folder = generated(n_enrollments, cache)
    before = load()
    fit = subprocess.run([sys.executable, "-c", FIT, str(folder)], check=True, capture_output=True, text=True)
    result: dict[str, Any] = {"enrollments_target": n_enrollments, "fit": json.loads(fit.stdout.splitlines()[-1]),
                              "fit_load_before": before, "fit_load_after": load()}
    print(f"{n_enrollments:,} enrollments, fit: {result['fit']}", flush=True)
    models = cache / f"models-{n_enrollments}-{int(time.time())}"
    before = load()
    t = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    run = subprocess.run([str(Path(sys.executable).with_name("matcher")), "train", "--history", str(folder),
                          "--models-dir", str(models), "--no-participant-split", "--no-promote", "--json"],
                         check=True, capture_output=True, text=True)
    after_usage = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result["train_run"] = {"wall_s": round(time.perf_counter() - t, 1), "load_before": before, "load_after": load(),
                           "peak_rss_mb_children_max": max(usage, after_usage) / 1024,
                           "phases": phases(run.stderr)}
    print(f"{n_enrollments:,} enrollments, full train run: {result['train_run']}", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--programs", type=int, default=10_000)
    parser.add_argument("--profiles", type=int, default=300)
    parser.add_argument("--train-sizes", default="100000,1000000")
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--skip-scoring", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/matcher-bench-learning"))
    args = parser.parse_args(argv)
    if args.quick:
        args.programs, args.profiles, args.train_sizes = 1000, 50, "5000"
    args.cache.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {"machine": describe(), "load_at_start": load()}
    if not args.skip_scoring:
        out["scoring"] = bench_scoring(args.programs, args.profiles)
    if not args.skip_training:
        out["training"] = [bench_training(int(n), args.cache) for n in args.train_sizes.split(",") if n]
    out["load_at_end"] = load()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_learning.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS / 'bench_learning.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
