"""Kiosk page times through the app (in-process test client, no network): the results page (free-text
resolution, the engine's ranked and explained list, the cards, the template) and a step page, in English
and Spanish, for one person's answers.

    .venv/bin/python bench/bench_kiosk.py [--repeat 40]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "kiosk"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args(argv)
    from kiosk_helpers import answer_all

    from api import create_app

    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"sqlite_path": f"{tmp}/bench.db", "kiosk_secret_key": "bench", "log_level": "WARNING",
                          "public_rate_limit": "1000000/minute"})
        for lang in ("en", "es"):
            client = app.test_client()
            answer_all(client)
            if lang != "en":
                token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").get_data(as_text=True))
                assert token
                client.post("/language", data={"csrf_token": token.group(1), "set_lang": lang, "next": "results"})
            for path in ("/results", "/step/skills"):
                for _ in range(5):
                    client.get(path)
                times = []
                for _ in range(args.repeat):
                    started = time.perf_counter()
                    response = client.get(path)
                    times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200
                times.sort()
                p90 = times[int(len(times) * 0.9) - 1]
                print(f"{lang} GET {path:<14} p50 {statistics.median(times):6.1f} ms   p90 {p90:6.1f} ms")
        app.extensions["matcher"].store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
