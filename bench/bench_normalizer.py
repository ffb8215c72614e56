#!/usr/bin/env python
"""Quality and speed of the free-text normalizer on the labelled set.

    python bench/bench_normalizer.py [--labelled tests/data/normalizer_labelled.csv]
                                     [--repeat 20] [--out results.json] [--errors]

Quality at the default threshold and over a sweep of thresholds:
- precision: of the phrases the normalizer matched, the share matched to an expected ID
- recall: of the phrases that have an expected ID, the share matched to one of them
- correct-unmatched: of the phrases labelled UNMATCHED, the share left unmatched
Speed: phrases per second on one core, warm (taxonomy loaded and index built
before timing), the labelled set repeated ``--repeat`` times. No result cache
exists, so repeats cost the same as first passes.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from machine import describe  # noqa: E402 - bench/machine.py (the script's own folder)

from matcher.normalize import DEFAULT_THRESHOLD, Match, Normalizer  # noqa: E402
from matcher.taxonomy import load_taxonomy  # noqa: E402

UNMATCHED = "UNMATCHED"


def read_labelled(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def score(rows: list[dict[str, str]], matches: list[Match]) -> dict[str, float | int]:
    matched = correct = expected_ids = recalled = expected_unmatched = correct_unmatched = 0
    for row, m in zip(rows, matches):
        expected = set(row["expected_id"].split("|"))
        if UNMATCHED in expected:
            expected_unmatched += 1
            correct_unmatched += not m.matched
        else:
            expected_ids += 1
            recalled += m.matched and m.id in expected
        if m.matched:
            matched += 1
            correct += m.id in expected
    return {
        "phrases": len(rows),
        "matched": matched,
        "precision": round(correct / matched, 4) if matched else 1.0,
        "recall": round(recalled / expected_ids, 4) if expected_ids else 1.0,
        "correct_unmatched_rate": round(correct_unmatched / expected_unmatched, 4) if expected_unmatched else 1.0,
    }


def run(normalizer: Normalizer, rows: list[dict[str, str]]) -> list[Match]:
    return [normalizer.normalize(r["phrase"], kind=r["kind"]) for r in rows]  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labelled", type=Path, default=REPO / "tests" / "data" / "normalizer_labelled.csv")
    parser.add_argument("--repeat", type=int, default=20, help="passes over the set for the timing")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    parser.add_argument("--errors", action="store_true", help="list the phrases the default threshold gets wrong")
    args = parser.parse_args(argv)

    rows = read_labelled(args.labelled)
    t0 = time.perf_counter()
    taxonomy = load_taxonomy()
    t1 = time.perf_counter()
    normalizer = Normalizer(taxonomy)
    t2 = time.perf_counter()

    matches = run(normalizer, rows)  # warm-up pass, also the quality figures
    quality = score(rows, matches)

    start = time.perf_counter()
    for _ in range(args.repeat):
        run(normalizer, rows)
    elapsed = time.perf_counter() - start
    per_second = len(rows) * args.repeat / elapsed

    # Sweep: a normalizer at threshold 0 keeps every best candidate's confidence; re-apply each cut.
    sweep = []
    for threshold in (0.70, 0.75, 0.80, 0.82, 0.84, 0.86, 0.88, 0.90, 0.92, 0.95):
        swept = run(Normalizer(taxonomy, threshold=threshold), rows)
        sweep.append({"threshold": threshold, **score(rows, swept)})

    print(f"labelled set: {args.labelled} ({len(rows)} phrases)")
    print(f"taxonomy load {t1 - t0:.3f}s, index build {t2 - t1:.3f}s (not timed below)")
    print(f"default threshold {DEFAULT_THRESHOLD}: precision {quality['precision']:.3f}  recall {quality['recall']:.3f}"
          f"  correct-unmatched {quality['correct_unmatched_rate']:.3f}")
    print(f"speed: {per_second:,.0f} phrases/s on one core ({args.repeat} passes, {elapsed:.2f}s)")
    print()
    print(f"{'threshold':>9}  {'precision':>9}  {'recall':>6}  {'corr-unm':>8}  {'matched':>7}")
    for s in sweep:
        print(f"{s['threshold']:>9.2f}  {s['precision']:>9.3f}  {s['recall']:>6.3f}  "
              f"{s['correct_unmatched_rate']:>8.3f}  {s['matched']:>7}")

    if args.errors:
        print("\nwrong at the default threshold:")
        for row, m in zip(rows, matches):
            expected = set(row["expected_id"].split("|"))
            ok = (not m.matched) if UNMATCHED in expected else (m.matched and m.id in expected)
            if not ok:
                got = f"{m.id} ({m.method} {m.confidence})" if m.matched else f"unmatched {m.suggestions[:2]}"
                print(f"  {row['kind']:<10} {row['phrase']!r:<40} expected {row['expected_id']:<25} got {got}")

    if args.out:
        result = {
            "labelled": str(args.labelled), "default_threshold": DEFAULT_THRESHOLD, **quality,
            "phrases_per_second": round(per_second), "repeat": args.repeat,
            "taxonomy_load_seconds": round(t1 - t0, 3), "index_build_seconds": round(t2 - t1, 3),
            "sweep": sweep, "machine": describe(), "taxonomy_version": taxonomy.version,
        }
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
