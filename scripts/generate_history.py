"""Generate the sample outcome history (fictional people, the sample catalog, real rules and wages).

    python scripts/generate_history.py                        # the shipped sample: training_data/history/
    python scripts/generate_history.py --participants 1000000 --out /tmp/big --seed 3 --no-ranks

Seeded and reproducible: the same arguments give the same files, byte for byte. The generative
story and the public figures its rates are set to match are in matcher/learning/generator.py and
docs/learning.md. Writes participants, enrollments and outcomes (CSV, gzip), oracle.csv.gz (the
hidden draws the evaluation's true NDCG needs) and generator.json (the settings).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from matcher.learning.generator import generate_history, write_generated
from matcher.paths import data_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--out", type=Path, default=data_dir() / "history")
    parser.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    parser.add_argument("--no-gzip", action="store_true", help="write plain files")
    parser.add_argument("--no-ranks", action="store_true",
                        help="do not record the hand-set matcher's rank of each referral (faster for big runs)")
    args = parser.parse_args(argv)
    with tqdm(total=args.participants, desc="participants", unit=" people", file=sys.stderr) as bar:
        generated = generate_history(args.participants, seed=args.seed, record_ranks=not args.no_ranks,
                                     progress=lambda done: bar.update(done - bar.n))
    files = write_generated(generated, args.out, compress=not args.no_gzip, format=args.format)
    counts = generated.history.counts()
    print(f"{counts['participants']:,} participants, {counts['enrollments']:,} enrollments, "
          f"{counts['outcomes']:,} outcomes ({counts['labelled']:,} labelled) in {args.out}")
    for name, path in files.items():
        print(f"  {name}: {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
