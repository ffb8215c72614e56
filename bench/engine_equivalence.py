"""Record the engine's rankings, to check that a speed-up changed no result.

    python bench/engine_equivalence.py dump before.json   # on the old code
    python bench/engine_equivalence.py dump after.json    # on the new code
    python bench/engine_equivalence.py compare before.json after.json

Ranks the benchmark's 300 profiles (bench_engine.varied_profiles) on 1,000- and
10,000-program catalogs (bench_engine.synthetic_catalog): ``rank_ids`` top 10 and
top 3 with the default chunk size and with chunks of 37, ``recommend_batch`` with
full explanations, and complete orderings (``top=None``) for a few profiles, under
three board configurations at 10,000 programs. Takes about two minutes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_engine import synthetic_catalog, varied_profiles

from matcher.engine import EngineConfig, Recommender
from matcher.records import Support

CONFIGS = {
    "default": EngineConfig(),
    "board": EngineConfig(board_supports=frozenset({Support.TRANSIT_PASS, Support.CHILDCARE,
                                                    Support.HOUSING_REFERRAL})),
    "no-diversity": EngineConfig(max_per_provider=None, max_per_type=None),
}


def dump() -> dict[str, Any]:
    profiles = varied_profiles(300)
    out: dict[str, Any] = {}
    for size in (1000, 10000):
        programs = synthetic_catalog(size)
        for name, config in CONFIGS.items():
            if name != "default" and size != 10000:
                continue
            engine = Recommender(config).fit(programs)
            key = f"{size}/{name}"
            out[f"{key}/rank_ids"] = list(engine.rank_ids(profiles, top=10))
            out[f"{key}/rank_ids_chunk37"] = list(engine.rank_ids(profiles, top=10, chunk_size=37))
            out[f"{key}/rank_ids_top3"] = list(engine.rank_ids(profiles, top=3))
            out[f"{key}/batch"] = [r.to_dict() for r in engine.recommend_batch(profiles, top=10)]
            out[f"{key}/all_orderings"] = [[(i.program_id, i.score) for i in engine.recommend(p, top=None).items]
                                           for p in profiles[:12]]
    return json.loads(json.dumps(out))  # tuples -> lists, as they will be read back


def compare(before: dict[str, Any], after: dict[str, Any]) -> int:
    differing = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    for key in differing:
        pairs = list(zip(before.get(key, []), after.get(key, [])))
        first = next((i for i, (a, b) in enumerate(pairs) if a != b), None)
        print(f"DIFFERS {key}: first at profile {first}")
    print(f"{len(before.keys() | after.keys()) - len(differing)} of {len(before.keys() | after.keys())} "
          "checks identical")
    return 1 if differing else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = ap.parse_args(argv)
    if args.command == "dump":
        args.out.write_text(json.dumps(dump()) + "\n", encoding="utf-8")
        return 0
    return compare(json.loads(args.before.read_text(encoding="utf-8")),
                   json.loads(args.after.read_text(encoding="utf-8")))


if __name__ == "__main__":
    raise SystemExit(main())
