"""Run a command and sample the memory of its whole process tree: the peak of the summed PSS (each shared
page counted once, split between the processes sharing it: what forked workers really add) and of each
process's RSS, every ``--every`` seconds. Linux only (reads /proc).

    python bench/memwatch.py -- .venv/bin/matcher train --history DIR --no-promote --json

Prints one JSON line on stderr at the end; the command's own output passes through.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):  # the task ended between listing and reading
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children(p)
    return out


def kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--every", type=float, default=0.5)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    t0 = time.perf_counter()
    proc = subprocess.Popen(command)
    peak_pss = peak_rss = peak_procs = 0
    at = 0.0
    while proc.poll() is None:
        pids = tree(proc.pid)
        pss = sum(kb(p, "Pss") for p in pids)
        if pss > peak_pss:
            peak_pss, peak_procs, at = pss, len(pids), time.perf_counter() - t0
        peak_rss = max([peak_rss] + [kb(p, "Rss") for p in pids])
        time.sleep(args.every)
    print(json.dumps({"exit": proc.returncode, "wall_s": round(time.perf_counter() - t0, 1),
                      "peak_summed_pss_mb": round(peak_pss / 1024), "processes_at_peak": peak_procs,
                      "peak_at_s": round(at, 1), "peak_process_rss_mb": round(peak_rss / 1024)}), file=sys.stderr)
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
