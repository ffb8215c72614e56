"""The title coder's speed in this checkout against another one, measured in the same run.

    git worktree add /tmp/coder_base <commit>       # the baseline, e.g. main before a change
    python bench/coder_speed_pair.py --base /tmp/coder_base [--pairs 3]

A shared machine's speed drifts by tens of percent from minute to minute, so a figure
measured an hour apart from its baseline says little. This runs the two checkouts in
turn, each in a fresh process on the same held-out titles (``code_many`` over all of
them, then ``code()`` one at a time over the first 1,500), ``--pairs`` times, and
reports CPU time (``time.process_time``: one core) as medians, ranges and the ratio.
Each checkout codes with its own ``matcher`` package and its own shipped coder.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "scripts"))

# Run inside each checkout: the titles file is argv[1]; prints {"many": [...], "one": [...]} in titles/CPU-s.
PROBE = r"""
import json, sys, time
from matcher.coder import load_coder
coder = load_coder()
titles = json.load(open(sys.argv[1]))
coder.code_many(titles[:50])
many, one = [], []
for _ in range(2):
    start = time.process_time(); coder.code_many(titles); many.append(len(titles) / (time.process_time() - start))
few = titles[:1500]
start = time.process_time()
for t in few:
    coder.code(t)
one.append(len(few) / (time.process_time() - start))
print(json.dumps({"many": many, "one": one}))
"""


def run(checkout: Path, titles_file: Path) -> dict[str, list[float]]:
    done = subprocess.run([sys.executable, "-c", PROBE, str(titles_file)], cwd=checkout, capture_output=True,
                          text=True, env={"PYTHONPATH": str(checkout), "PATH": "/usr/bin:/bin"})
    if done.returncode:
        raise SystemExit(f"{checkout}: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    import bench_normalizer
    import build_coder

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=Path, required=True, help="the other checkout (a git worktree)")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--source", type=Path, default=build_coder.default_source())
    args = parser.parse_args(argv)
    detailed, _ = bench_normalizer.held_out_sets(args.source)
    checkouts = {"base": args.base.resolve(), "this": REPO}
    found: dict[str, dict[str, list[float]]] = {name: {"many": [], "one": []} for name in checkouts}
    with tempfile.TemporaryDirectory() as tmp:
        titles_file = Path(tmp) / "titles.json"
        titles_file.write_text(json.dumps([t for t, _, _ in detailed]))
        for _ in range(args.pairs):
            for name, checkout in checkouts.items():
                for key, values in run(checkout, titles_file).items():
                    found[name][key].extend(values)
    print(f"{len(detailed)} held-out titles, {args.pairs} pairs of runs, titles per CPU-second:")
    for key, label in (("many", "code_many"), ("one", "code() one at a time")):
        base, this = (statistics.median(found[n][key]) for n in ("base", "this"))
        ranges = {n: f"{min(found[n][key]):,.0f}-{max(found[n][key]):,.0f}" for n in checkouts}
        print(f"  {label}: base {base:,.0f} ({ranges['base']}), this {this:,.0f} ({ranges['this']}), "
              f"ratio {this / base:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
