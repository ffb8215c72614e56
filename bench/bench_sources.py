"""Benchmark importing real published catalogs, and the engine ranking the imported Texas ETPL.

    python bench/bench_sources.py              # 3 runs of each import, engine on the Texas catalog
    python bench/bench_sources.py --runs 1     # a quick run

What is timed, each run in a fresh process where it says so:

- ``cli``: ``matcher programs import <Texas ETPL> --mapping tx-etpl --skip-invalid`` into a new SQLite
  store, as a board runs it: a subprocess, wall clock, start-up to exit (reading, mapping, validating
  6,245 rows, the store write). The target is under 10 seconds.
- ``read``: :func:`matcher.sources.import_file` in this process (file checks, mapping, validation,
  duplicate detection), and ``store``: writing the programs to a new SQLite store. The first run of
  ``read`` includes loading the taxonomy and building the normalizer's index (once per process).
- the other shipped sources (NJ, IPEDS, Partner Finder, CTDL examples): ``read`` only.
- the engine on the imported Texas catalog: fit, and single-profile latency of the full explained top
  10 for 300 Texas profiles (kiosk, partial and full intakes, ZIPs across the state), as
  ``bench/bench_engine.py`` times the synthetic catalogs; and batch pairs/s.

The files come from ``tests/data/sources`` (the repository's copies of the published files). The
machine and its load average before and after are written beside every figure, in
``bench/results/bench_sources.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_engine import percentile, varied_profiles  # bench/bench_engine.py (the script's own folder)
from machine import describe

from matcher.ctdl import read_ctdl
from matcher.engine import Recommender
from matcher.sources import import_file
from matcher.store import CatalogStore

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data" / "sources"
RESULTS = Path(__file__).resolve().parent / "results"
TX = "tx_twc_etpl_statewide_2024-03-20.csv"
OTHERS = [("nj_etpl_standardized_extract_2023-04-28.csv", "nj-etpl"),
          ("or_wa_public_college_programs_ipeds_2023-24.csv", "ipeds"),
          ("or_wa_apprenticeship_sponsors_partner_finder_2026-08-10.csv", "partner-finder")]
TX_ZIPS = ["78210", "78207", "77002", "77036", "75201", "75217", "78701", "78744", "79901", "79401", "76102",
           "78401", "77701", "75701", "79701"]


def unpack(name: str, folder: Path) -> Path:
    target = folder / name
    target.write_bytes(gzip.decompress((DATA / f"{name}.gz").read_bytes()))
    return target


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def timed(fn: Any) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def bench_cli(path: Path, folder: Path, runs: int) -> dict[str, Any]:
    matcher = Path(sys.executable).parent / "matcher"
    seconds, cpu = [], []
    for i in range(runs):
        db = folder / f"cli-{i}.db"
        before = os.times()
        t = time.perf_counter()
        subprocess.run([str(matcher), "programs", "import", str(path), "--mapping", "tx-etpl", "--skip-invalid",
                        "--db", f"sqlite:///{db}", "--json"], check=True, capture_output=True)
        seconds.append(time.perf_counter() - t)
        after = os.times()
        cpu.append(after.children_user + after.children_system - before.children_user - before.children_system)
    count = CatalogStore(f"sqlite:///{folder / 'cli-0.db'}").count()
    # CPU seconds (user + system) say what a quiet machine's wall clock would be when others share this one.
    return {"runs": runs, "seconds": [round(s, 2) for s in seconds],
            "median_seconds": round(statistics.median(seconds), 2),
            "cpu_seconds": [round(c, 2) for c in cpu], "programs_stored": count}


def bench_read(path: Path, mapping: str, runs: int) -> tuple[dict[str, Any], Any]:
    seconds, found = [], None
    for _ in range(runs):
        s, found = timed(lambda: import_file(path, mapping, skip_invalid=True))
        seconds.append(s)
    assert found is not None
    return ({"rows": found.report.rows_read, "valid": found.report.valid, "seconds": [round(s, 2) for s in seconds],
             "rows_per_second_best": round(found.report.rows_read / min(seconds))}, found)


def bench_engine(programs: Any, runs: int, batch: int) -> dict[str, Any]:
    fit_s, engine = timed(lambda: Recommender().fit(programs))
    profiles = [p.model_copy(update={"zip": TX_ZIPS[i % len(TX_ZIPS)]}) for i, p in enumerate(varied_profiles(300))]
    for p in profiles:
        engine.resolver_.resolve(p)
    for p in profiles[:5]:
        engine.recommend(p)
    latencies = []
    for i in range(runs):
        t = time.perf_counter()
        engine.recommend(profiles[i % len(profiles)], top=10)
        latencies.append((time.perf_counter() - t) * 1000)
    caseload = [profiles[i % len(profiles)] for i in range(batch)]
    ranked_s, n = timed(lambda: sum(1 for _ in engine.rank_ids(caseload, top=10)))
    assert n == len(caseload)
    return {"programs": len(programs), "fit_seconds": round(fit_s, 2), "single_runs": runs,
            "single_p50_ms": round(percentile(latencies, 0.5), 2),
            "single_p99_ms": round(percentile(latencies, 0.99), 2),
            "batch_profiles": batch, "batch_pairs_per_s": round(batch * len(programs) / ranked_s)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs of each import (default 3)")
    parser.add_argument("--single", type=int, default=1000, help="single-profile recommendations to time")
    parser.add_argument("--batch", type=int, default=2000, help="profiles in the batch run")
    parser.add_argument("--out", type=Path, default=RESULTS / "bench_sources.json")
    args = parser.parse_args(argv)

    result: dict[str, Any] = {"machine": describe(), "load_average_before": load()}
    with tempfile.TemporaryDirectory(prefix="bench-sources-") as tmp:
        folder = Path(tmp)
        tx = unpack(TX, folder)
        result["tx_cli_import"] = bench_cli(tx, folder, args.runs)
        result["tx_read"], found = bench_read(tx, "tx-etpl", args.runs)
        store_s = []
        for i in range(args.runs):
            store = CatalogStore(f"sqlite:///{folder / f'store-{i}.db'}")
            s, _ = timed(lambda store=store: store.import_programs(found.programs, source=TX))
            store_s.append(s)
        result["tx_store_write"] = {"programs": len(found.programs), "seconds": [round(s, 2) for s in store_s]}
        result["others"] = {}
        for name, mapping in OTHERS:
            result["others"][mapping], _ = bench_read(unpack(name, folder), mapping, args.runs)
        s, ctdl = timed(lambda: read_ctdl(DATA / "ctdl_examples", skip_invalid=True))
        result["others"]["ctdl"] = {"records": ctdl.report.rows_read, "valid": ctdl.report.valid,
                                    "seconds": [round(s, 3)]}
        result["engine_on_tx"] = bench_engine(list(found.programs), args.single, args.batch)
    result["load_average_after"] = load()

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    cli = result["tx_cli_import"]
    print(f"machine: {result['machine']['nproc']} cores, {result['machine']['cpu']}, Python "
          f"{result['machine']['python']}; load average before {result['load_average_before']}, "
          f"after {result['load_average_after']}")
    print(f"Texas ETPL, CLI import end to end: median {cli['median_seconds']} s over {cli['runs']} runs "
          f"{cli['seconds']}, CPU {cli['cpu_seconds']} s ({cli['programs_stored']:,} programs stored)")
    print(f"Texas ETPL, read+map+validate in process: {result['tx_read']['seconds']} s; store write: "
          f"{result['tx_store_write']['seconds']} s")
    for name, r in result["others"].items():
        print(f"{name}: {r['seconds']} s")
    e = result["engine_on_tx"]
    print(f"engine on {e['programs']:,} Texas programs: fit {e['fit_seconds']} s, single p50 {e['single_p50_ms']} ms, "
          f"p99 {e['single_p99_ms']} ms, batch {e['batch_pairs_per_s']:,} pairs/s")
    print(f"results: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
