"""Which surviving mutants of a cosmic-ray run change a ranking?

A mutant the tests do not kill is either a gap in the tests or a change nobody can see
(``len(code) >= 5`` instead of ``>= 4`` where every code has 10 characters). This script
applies each survivor in turn to a scratch checkout, ranks the engine benchmark's 300
profiles on the sample catalog and on a 2,000-program synthetic catalog (top 10, with
scores), and compares with the unmutated code. A survivor whose rankings and scores are
identical does not change a ranking; the others are listed for a test to be written.

    cosmic-ray init cosmic-ray.toml session.sqlite && cosmic-ray exec cosmic-ray.toml session.sqlite
    python bench/mutation_rankings.py session.sqlite --checkout /tmp/scratch-checkout --out survivors.json

The checkout must be a clean git worktree of the code the session was made from.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

RANK = r"""
import json, sys
sys.path.insert(0, "bench")
from bench_engine import synthetic_catalog, varied_profiles
from matcher.catalog import default_catalog
from matcher.engine import Recommender
profiles = varied_profiles(300)
out = {}
for name, programs in (("sample", list(default_catalog().programs)), ("synthetic-2000", synthetic_catalog(2000))):
    engine = Recommender().fit(programs)
    out[name] = [[(pid, round(score, 6)) for pid, score in row] for row in engine.rank_ids(profiles, top=10)]
print(json.dumps(out))
"""


def rankings(checkout: Path, python: str) -> str | None:
    done = subprocess.run([python, "-c", RANK], cwd=checkout, capture_output=True, text=True, timeout=600,
                          env={"PYTHONPATH": str(checkout), "PATH": "/usr/bin:/bin"})
    return done.stdout if done.returncode == 0 else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("session", type=Path)
    ap.add_argument("--checkout", type=Path, required=True)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--out", type=Path, default=Path("bench/results/mutation_survivors.json"))
    args = ap.parse_args(argv)

    db = sqlite3.connect(args.session)
    survivors = db.execute(
        "select s.job_id, s.module_path, s.operator_name, s.occurrence, s.start_pos_row, r.diff "
        "from work_results r join mutation_specs s using(job_id) where r.test_outcome = 'SURVIVED' "
        "order by s.module_path, s.start_pos_row").fetchall()
    outcomes = dict(db.execute("select test_outcome, count(*) from work_results group by 1").fetchall())
    reference = rankings(args.checkout, args.python)
    if reference is None:
        raise SystemExit("the unmutated checkout does not rank: is it clean?")
    results = []
    started = time.perf_counter()
    for job, module, operator, _occurrence, row, diff in survivors:
        subprocess.run(["git", "checkout", "--", module], cwd=args.checkout, check=True)
        # cosmic-ray's diff starts with a "--- mutation diff ---" banner that git apply does not take
        body = diff[diff.index("--- a/"):] if "--- a/" in diff else diff
        body = body if body.endswith("\n") else body + "\n"  # git apply refuses a patch without its last newline
        patch = subprocess.run(["git", "apply", "-"], cwd=args.checkout, input=body, text=True, capture_output=True)
        if patch.returncode != 0:
            results.append({"job": job, "module": module, "line": row, "operator": operator, "ranking": "unapplied",
                            "error": patch.stderr.strip()})
            continue
        mutated = rankings(args.checkout, args.python)
        verdict = "error" if mutated is None else ("same" if mutated == reference else "changes")
        change = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
        results.append({"job": job, "module": module, "line": row, "operator": operator, "ranking": verdict,
                        "change": change})
        print(f"{verdict:8s} {module}:{row} {operator}", file=sys.stderr)
    subprocess.run(["git", "checkout", "--", "."], cwd=args.checkout, check=True)
    summary = {"outcomes": outcomes, "survivors": len(results),
               "changes_a_ranking": sum(r["ranking"] == "changes" for r in results),
               "seconds": round(time.perf_counter() - started, 1), "mutants": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in summary.items() if k != "mutants"}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
