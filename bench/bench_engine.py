"""Benchmark the matching engine: single-profile latency, batch throughput, memory, and a naive loop.

    python bench/bench_engine.py                      # 1,000 / 10,000 / 100,000 programs
    python bench/bench_engine.py --sizes 1000 --quick  # a quick run

Catalogs are made by replicating the shipped sample catalog with perturbed ids,
providers, places, wages and outcomes. "Single" times the full explained
top-10 result for one profile (resolution, eligibility, scoring, re-rank,
explanations). "Batch" scores a caseload in chunks, top 10 per profile, with
and without explanations. The naive baseline is a per-program Python loop
over the same programs and profiles, run on a subset and extrapolated per
pair (said so in the output). Results go to bench/results/bench_engine.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import random
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

from machine import describe  # bench/machine.py (the script's own folder)

from matcher.catalog import default_catalog
from matcher.engine import Recommender
from matcher.records import Program, SeekerProfile, Support, parse_profile

RESULTS = Path(__file__).resolve().parent / "results"

SECTOR_OCCUPATIONS = {
    "construction": ["47-2111.00", "47-2031.00", "47-2061.00"],
    "healthcare": ["31-1131.00", "29-2061.00", "31-9092.00"],
    "advanced_manufacturing": ["51-4121.00", "51-2092.00", "51-4041.00"],
    "technology": ["15-1232.00", "15-1211.00"],
    "transportation_logistics": ["53-7062.00", "53-3032.00"],
    "hospitality": ["35-2014.00", "35-1012.00"],
}
ZIPS = ["97214", "97266", "97402", "98660", "97124", "97005", "97030", "97217", "97477", "97045"]
SKILLS = ["forklift", "customer service", "cna", "hand tools", "osha 10", "cash handling", "welding",
          "microsoft office", "first aid", "pallet jack", "data entry", "caregiving"]


#: The supports the synthetic catalogs draw from: the 17 the benchmark was first run with, so that a
#: support added to the enum later does not change the catalogs (and before/after runs stay comparable).
SYNTHETIC_SUPPORTS = list(Support)[:17]


def synthetic_catalog(size: int, seed: int = 7) -> list[Program]:
    """``size`` programs made by copying sample programs with perturbed fields (deterministic)."""
    base = list(default_catalog().programs)
    rng = random.Random(seed)
    out: list[Program] = []
    for i in range(size):
        p = base[i % len(base)]
        copy_no = i // len(base)
        if copy_no == 0:
            out.append(p)
            continue
        loc = p.location
        if loc.latitude is not None and loc.longitude is not None:
            loc = loc.model_copy(update={"latitude": min(90.0, max(-90.0, loc.latitude + rng.uniform(-0.08, 0.08))),
                                         "longitude": loc.longitude + rng.uniform(-0.08, 0.08)})
        outcomes = p.outcomes
        if outcomes.completion_rate is not None:
            outcomes = outcomes.model_copy(update={"completion_rate": min(1.0, max(0.0, outcomes.completion_rate
                                                                              + rng.uniform(-0.1, 0.1)))})
        supports = list(p.supports)
        extra = rng.choice(SYNTHETIC_SUPPORTS)
        if rng.random() < 0.3 and extra not in supports:
            supports.append(extra)
        out.append(p.model_copy(update={
            "id": f"{p.id}-x{copy_no}",
            "provider": f"{p.provider} #{copy_no % 50}",
            "location": loc,
            "outcomes": outcomes,
            "supports": supports,
        }))
    return out


def varied_profiles(n: int, seed: int = 11) -> list[SeekerProfile]:
    """Kiosk users (a ZIP and two interests), partial and full coach intakes."""
    rng = random.Random(seed)
    sectors = list(SECTOR_OCCUPATIONS)
    out: list[SeekerProfile] = []
    for i in range(n):
        kind = i % 3
        picked = rng.sample(sectors, 2)
        p: dict[str, Any] = {"id": f"bench-{i}", "zip": rng.choice(ZIPS), "interests": {"sectors": picked}}
        if kind >= 1:
            p["skills"] = rng.sample(SKILLS, rng.randint(1, 4))
            p["interests"]["occupations"] = [rng.choice(SECTOR_OCCUPATIONS[picked[0]])]
            p["availability"] = {"times": rng.sample(["day", "evening", "weekend"], rng.randint(1, 3))}
            p["travel"] = {"modes": rng.sample(["car", "transit", "bike"], rng.randint(1, 2))}
            p["barriers"] = rng.sample(["childcare", "no_car", "basic_skills", "housing_instability"],
                                       rng.randint(0, 2))
        if kind == 2:
            p.update({"age": rng.randint(18, 60), "education": rng.choice(["some_high_school", "hs_diploma_or_ged",
                                                                           "some_college"]),
                      "reading_grade": rng.randint(5, 12), "math_grade": rng.randint(5, 12),
                      "needs_income": rng.random() < 0.5, "max_cost_usd": rng.choice([0, 500, 5000]),
                      "work_history": [rng.choice(SECTOR_OCCUPATIONS[picked[1]])],
                      "languages": rng.choice([["en"], ["es", "en"], ["vi"]]),
                      "household": {"adults": 1, "children": rng.randint(0, 3)},
                      "work_authorized": True, "can_pass_drug_test": rng.random() < 0.9})
        out.append(parse_profile(p))
    return out


# --------------------------------------------------------------------------- naive baseline


def naive_score(engine: Recommender, profile: SeekerProfile, programs: list[Program]) -> list[tuple[str, float]]:
    """The same kind of work, one program at a time in plain Python (the thing vectorization replaces)."""
    r = engine.resolver_.resolve(profile)
    lat0, lon0 = r.point if r.point else (math.nan, math.nan)
    out: list[tuple[str, float]] = []
    for p in programs:
        pre = p.prerequisites
        if profile.age is not None and pre.min_age and profile.age < pre.min_age:
            continue
        if not set(profile.languages) & set(p.languages) and Support.LANGUAGE_SUPPORT not in p.supports:
            continue
        if not p.schedule.self_paced and not set(profile.availability.times) & set(p.schedule.times):
            continue
        if profile.education is not None and profile.education.rank < pre.min_education.rank:
            continue
        req = set(pre.skills)
        coverage = len(req & r.skill_ids) / len(req) if req else 1.0
        interest = 1.0 if set(p.target_occupations) & set(r.interest_occupations) else (
            0.8 if p.sector in r.sectors else 0.0)
        if p.location.latitude is not None and not math.isnan(lat0):
            phi1, phi2 = math.radians(lat0), math.radians(p.location.latitude)
            dphi = phi2 - phi1
            dlam = math.radians(p.location.longitude - lon0)
            a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
            miles = 2 * 3958.8 * math.asin(math.sqrt(min(1.0, a)))
            distance = max(0.0, 1 - miles / 30)
        else:
            distance = 0.5
        met = sum(1 for b in r.barriers if b.value in {s.value for s in p.supports})
        supports = 1 - 0.5 ** met
        wage = p.outcomes.median_starting_wage or 0.0
        wage_fit = min(1.0, wage / (r.target_wage or 25.0))
        score = 0.22 * coverage + 0.24 * interest + 0.2 * distance + 0.08 * supports + 0.12 * wage_fit
        out.append((p.id, score))
    out.sort(key=lambda x: (-x[1], x[0]))
    return out[:10]


# --------------------------------------------------------------------------- measuring


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def bench_size(size: int, profiles: list[SeekerProfile], *, runs: int, batch_profiles: int,
               naive_programs: int, naive_profiles: int, workers: int | None = None) -> dict[str, Any]:
    programs = synthetic_catalog(size)
    t0 = time.perf_counter()
    # workers=None leaves the engine's default (and lets this script time engines that predate the setting).
    engine = (Recommender() if workers is None else Recommender(workers=workers)).fit(programs)
    fit_s = time.perf_counter() - t0

    # Warm-up: resolve every profile once, so free-text look-ups (benchmarked with the normalizer)
    # are cached and the timings measure the engine itself.
    for p in profiles:
        engine.resolver_.resolve(p)
    for p in profiles[:5]:
        engine.recommend(p)
    latencies = []
    for i in range(runs):
        p = profiles[i % len(profiles)]
        t = time.perf_counter()
        engine.recommend(p, top=10)
        latencies.append((time.perf_counter() - t) * 1000)

    caseload = [profiles[i % len(profiles)] for i in range(batch_profiles)]
    for p in caseload:  # resolve once so batch timing measures scoring, as for a re-scored caseload
        engine.resolver_.resolve(p)
    t = time.perf_counter()
    n_ranked = sum(1 for _ in engine.rank_ids(caseload, top=10))
    ranked_s = time.perf_counter() - t
    t = time.perf_counter()
    n_explained = sum(1 for _ in engine.recommend_batch(caseload, top=10))
    explained_s = time.perf_counter() - t
    assert n_ranked == n_explained == len(caseload)

    # memory: peak traced allocations while scoring the caseload in chunks
    gc.collect()
    tracemalloc.start()
    for _ in engine.rank_ids(caseload[: min(len(caseload), 200)], top=10):
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    # naive loop on a subset, extrapolated per pair
    subset = programs[:naive_programs]
    t = time.perf_counter()
    for p in profiles[:naive_profiles]:
        naive_score(engine, p, subset)
    naive_s = time.perf_counter() - t
    naive_pair_ns = naive_s / (naive_programs * naive_profiles) * 1e9
    batch_pair_ns = ranked_s / (len(caseload) * size) * 1e9
    single_pair_ns = statistics.median(latencies) * 1e6 / size

    return {
        "programs": size,
        "workers": getattr(engine, "workers", 1),
        "fit_seconds": round(fit_s, 2),
        "single_runs": runs,
        "single_p50_ms": round(percentile(latencies, 0.5), 2),
        "single_p99_ms": round(percentile(latencies, 0.99), 2),
        "batch_profiles": len(caseload),
        "batch_pairs_per_s": round(len(caseload) * size / ranked_s),
        "batch_explained_pairs_per_s": round(len(caseload) * size / explained_s),
        "batch_profiles_per_s": round(len(caseload) / ranked_s, 1),
        "batch_explained_profiles_per_s": round(len(caseload) / explained_s, 1),
        "peak_traced_mb": round(peak / 2**20, 1),
        "naive_subset": f"{naive_profiles} profiles x {naive_programs} programs, extrapolated per pair",
        "naive_ns_per_pair": round(naive_pair_ns, 1),
        "batch_ns_per_pair": round(batch_pair_ns, 2),
        "speedup_batch_vs_naive": round(naive_pair_ns / batch_pair_ns, 1),
        "speedup_single_vs_naive": round(naive_pair_ns / single_pair_ns, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000", help="Catalog sizes, comma-separated.")
    ap.add_argument("--runs", type=int, default=300, help="Single-profile runs per size.")
    ap.add_argument("--batch-profiles", type=int, default=2000, help="Profiles in the batch caseload.")
    ap.add_argument("--naive-programs", type=int, default=2000, help="Programs in the naive-loop subset.")
    ap.add_argument("--naive-profiles", type=int, default=20, help="Profiles in the naive-loop subset.")
    ap.add_argument("--workers", type=int, default=None,
                    help="Threads scoring batch chunks (default: the engine's own default).")
    ap.add_argument("--quick", action="store_true", help="Few runs: a smoke test of the benchmark itself.")
    ap.add_argument("--out", type=Path, default=RESULTS / "bench_engine.json")
    args = ap.parse_args(argv)
    if args.quick:
        args.runs, args.batch_profiles, args.naive_programs, args.naive_profiles = 30, 100, 500, 5
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    profiles = varied_profiles(300)
    rows = []
    for size in sizes:
        # Fewer batch profiles at the largest size keeps the run to minutes; throughput is per pair anyway.
        batch = args.batch_profiles if size <= 10_000 else max(100, args.batch_profiles // 5)
        row = bench_size(size, profiles, runs=args.runs if size <= 10_000 else max(30, args.runs // 3),
                         batch_profiles=batch, naive_programs=min(args.naive_programs, size),
                         naive_profiles=args.naive_profiles, workers=args.workers)
        rows.append(row)
        print(f"  {size:>7,} programs done", file=sys.stderr)
    result = {"machine": describe(), "command": "python bench/bench_engine.py " + " ".join(argv or sys.argv[1:]),
              "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1), "sizes": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")

    headers = ["programs", "workers", "p50 ms", "p99 ms", "batch pairs/s", "batch+explain pairs/s", "peak MB",
               "naive ns/pair",
               "speed-up (batch)"]
    print("  ".join(headers))
    for r in rows:
        print("  ".join(str(x) for x in [f"{r['programs']:,}", r["workers"], r["single_p50_ms"], r["single_p99_ms"],
                                          f"{r['batch_pairs_per_s']:,}", f"{r['batch_explained_pairs_per_s']:,}",
                                          r["peak_traced_mb"], r["naive_ns_per_pair"],
                                          f"{r['speedup_batch_vs_naive']}x"]))
    print(f"machine: {result['machine']}; max RSS {result['max_rss_mb']} MB; results: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
