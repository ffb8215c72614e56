"""Load test of the HTTP service: `matcher serve` (gunicorn) on 127.0.0.1 with the sample catalog.

Measures, in one run against one server:

- requests per second and p50 / p99 latency of ``POST /api/v1/recommendations`` (a coach's token,
  varied profiles, full explained top 10) at 1, 4 and 16 concurrent clients, beside the trivial
  ``GET /api/v1/healthz`` of the same app (same middleware: request id, role check, rate-limit
  check, logging, metrics) at the same concurrency: the ratio is the cost of the engine;
- a soak run (default 60 s) of recommendations at 16 clients during which an admin imports a new
  catalog (at a quarter), promotes another model version (at half) and rolls it back (at three
  quarters): three hot swaps in every worker, and every response must be a 200;
- memory (RSS and PSS) of each gunicorn worker before the runs and after;
- the machine's load average at the start and the end (the machine may be shared).

The clients are one asyncio process holding keep-alive connections (raw HTTP/1.1, no library), so
on a 2-core machine the client competes with the server for CPU: both endpoints pay that alike.

    python bench/bench_api.py                      # the full run (about 3 minutes)
    python bench/bench_api.py --seconds 3 --soak 10   # a quick look

Writes bench/results/bench_api.json and prints a table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "bench_api.json"
ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def matcher_cli(*args: str, env: dict[str, str]) -> str:
    exe = Path(sys.executable).with_name("matcher")
    return subprocess.run([str(exe), *args], env=env, capture_output=True, text=True, check=True).stdout


def model_registry(folder: Path) -> tuple[Path, str, str]:
    """A copy of the shipped registry (its promoted model serves) with a second version registered beside it
    (the same files under another name), to promote and roll back during the soak."""
    import shutil

    from matcher.learning.registry import ModelRegistry
    from matcher.paths import models_dir

    root = folder / "models"
    shutil.copytree(models_dir(), root, ignore=shutil.ignore_patterns(".registry.lock", ".staging-*"))
    registry = ModelRegistry(root)
    shipped = registry.promoted()
    if shipped is None:
        raise SystemExit("the shipped registry has no promoted model")
    staging = registry.staging_dir()
    for item in (root / shipped).iterdir():
        if item.name != "SHA256SUMS":
            shutil.copy(item, staging / item.name)
    entry = next(v for v in registry.versions() if v["version"] == shipped)
    second = registry.register(staging, "v-bench-second", {"metrics": entry["metrics"]})
    return root, shipped, second


def start_server(folder: Path, port: int, workers: int | None, threads: int | None,
                 models: Path) -> tuple[Any, dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update({"MATCHER_DB": str(folder / "bench.db"), "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
                "MATCHER_LOG_LEVEL": "INFO",  # as in production: one JSON line per request
                "MATCHER_MODEL_DIR": str(models)})
    tokens = {role: json.loads(matcher_cli("tokens", "create", "--name", f"bench {role}", "--role", role, "--json",
                                           env=env))["token"] for role in ("coach", "admin")}
    args = [str(Path(sys.executable).with_name("matcher")), "serve", "--port", str(port)]
    if workers:
        args += ["--workers", str(workers)]
    if threads:
        args += ["--threads", str(threads)]
    process = subprocess.Popen(args, env=env, stdout=open(folder / "stdout.log", "w"),  # noqa: SIM115
                               stderr=open(folder / "stderr.log", "w"))  # noqa: SIM115
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/readyz", timeout=5) as response:
                if response.status == 200 and len(worker_pids(process.pid)) >= (workers or 1):
                    time.sleep(2.0)  # every worker has loaded its snapshot (post_worker_init)
                    return process, tokens
        except OSError:
            pass
        if process.poll() is not None:
            raise SystemExit(f"matcher serve exited: {(folder / 'stderr.log').read_text()[-2000:]}")
        time.sleep(0.5)
    raise SystemExit("the service did not become ready")


def worker_pids(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return sorted(int(c) for c in children)


def memory_mb(pid: int) -> dict[str, float]:
    out = {}
    for name, file, key in (("rss_mb", "status", "VmRSS:"), ("pss_mb", "smaps_rollup", "Pss:")):
        try:
            for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
                if line.startswith(key):
                    out[name] = round(int(line.split()[1]) / 1024, 1)
        except OSError:
            pass
    return out


# --------------------------------------------------------------------------- the clients


class Connection:
    """One keep-alive HTTP/1.1 connection; requests are sent one after another on it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, request: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = 0
        close = False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                close = True
        body = await self.reader.readexactly(length) if length else b""
        if close:
            await self.close()
        return status, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


def build_request(method: str, path: str, body: bytes | None = None, token: str | None = None) -> bytes:
    headers = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive"]
    if token:
        headers.append(f"Authorization: Bearer {token}")
    if body is not None:
        headers += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + (body or b"")


def profiles(n: int = 60, seed: int = 7) -> list[dict[str, Any]]:
    """Varied profiles, from a kiosk's two answers to a coach's full intake with barriers."""
    rng = random.Random(seed)
    zips = ["97217", "97206", "97030", "97401", "97220", "98660", "97123", "97402", "97211", "97266"]
    sectors = ["construction", "healthcare", "advanced_manufacturing", "clean_energy", "technology",
               "transportation_logistics", "early_learning"]
    barriers = ["no_drivers_license", "childcare", "justice_involved", "limited_english", "housing_instability",
                "no_income_while_training", "basic_skills"]
    skills = ["forklift", "customer service", "osha 10", "cna", "welding", "excel", "cash handling", "driving"]
    titles = ["warehouse associate", "line cook", "cashier", "home health aide", "laborer", "janitor"]
    out = []
    for i in range(n):
        profile: dict[str, Any] = {"zip": rng.choice(zips),
                                   "interests": {"sectors": rng.sample(sectors, rng.randint(1, 2))}}
        if i % 3:
            profile.update({"skills": rng.sample(skills, rng.randint(1, 3)),
                            "work_history": rng.sample(titles, rng.randint(0, 2)),
                            "barriers": rng.sample(barriers, rng.randint(0, 3)),
                            "needs_income": rng.random() < 0.5, "age": rng.randint(18, 60),
                            "household": {"adults": 1, "children": rng.randint(0, 3)}})
        out.append(profile)
    return out


async def run_cell(port: int, requests: list[bytes], clients: int, seconds: float,
                   during: Any = None) -> dict[str, Any]:
    """``clients`` connections, each sending the next request as soon as the last answered, for ``seconds``."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    stop_at = time.perf_counter() + seconds
    counter = iter(range(10**9))

    async def one_client() -> None:
        connection = Connection(port)
        try:
            while time.perf_counter() < stop_at:
                request = requests[next(counter) % len(requests)]
                started = time.perf_counter()
                try:
                    status, _body = await connection.send(request)
                except (OSError, asyncio.IncompleteReadError) as exc:
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                    await connection.close()
                    continue
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    errors[str(status)] = errors.get(str(status), 0) + 1
        finally:
            await connection.close()

    started = time.perf_counter()
    tasks = [asyncio.create_task(one_client()) for _ in range(clients)]
    if during is not None:
        tasks.append(asyncio.create_task(during()))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {"clients": clients, "seconds": round(elapsed, 2), "requests": len(latencies),
            "rps": round(len(latencies) / elapsed, 1),
            "p50_ms": round(1000 * statistics.median(latencies), 2) if latencies else None,
            "p99_ms": round(1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))], 2)
            if latencies else None,
            "errors": errors}


# --------------------------------------------------------------------------- where the time goes


def breakdown(repeat: int = 300) -> dict[str, float]:
    """CPU milliseconds (process time: little affected by other jobs) per request and per part, in process
    through Flask's test client: the engine, to_dict, the rest of the request, and the trivial endpoint."""
    from api import create_app
    from matcher.query import RecommendationFilters

    folder = Path(tempfile.mkdtemp(prefix="matcher-bench-breakdown-"))
    app = create_app({"sqlite_path": str(folder / "b.db"), "log_level": "WARNING"})  # the shipped model ranks
    client = app.test_client()
    _info, token = app.extensions["matcher"].tokens.create("bench", "coach")
    headers = {"Authorization": f"Bearer {token}"}
    sample = profiles()

    def cpu_ms(fn: Any) -> float:
        for i in range(20):
            fn(i)
        started = time.process_time()
        for i in range(repeat):
            fn(i)
        return round((time.process_time() - started) / repeat * 1000, 3)

    out = {"request_recommendations": cpu_ms(lambda i: client.post(
        "/api/v1/recommendations", json=sample[i % len(sample)], headers=headers))}
    engine = app.extensions["matcher"].runtime.snapshot().recommender
    filters = RecommendationFilters()
    out["engine_recommend"] = cpu_ms(lambda i: engine.recommend(sample[i % len(sample)], filters))
    results = [engine.recommend(p, filters).result for p in sample]
    out["to_dict"] = cpu_ms(lambda i: results[i % len(results)].to_dict())
    out["rest_of_request"] = round(out["request_recommendations"] - out["engine_recommend"] - out["to_dict"], 3)
    out["request_healthz"] = cpu_ms(lambda i: client.get("/api/v1/healthz"))
    out["request_whoami_with_token"] = cpu_ms(lambda i: client.get("/api/v1/token", headers=headers))
    out["request_skills_autocomplete"] = cpu_ms(lambda i: client.get("/api/v1/skills?q=fork"))
    app.extensions["matcher"].store.close()
    return out


# --------------------------------------------------------------------------- the run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="Length of each throughput cell.")
    parser.add_argument("--soak", type=float, default=60.0, help="Length of the soak run at 16 clients.")
    parser.add_argument("--concurrency", default="1,4,16")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: matcher serve's).")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--breakdown", action="store_true", help="Only the in-process CPU breakdown per request.")
    args = parser.parse_args()
    if args.breakdown:
        print(json.dumps({"load_average": os.getloadavg(), "cpu_ms": breakdown()}, indent=2))
        return

    load_start = os.getloadavg()
    folder = Path(tempfile.mkdtemp(prefix="matcher-bench-api-"))
    port = free_port()
    models, shipped, second = model_registry(folder)
    process, tokens = start_server(folder, port, args.workers, args.threads, models)
    result: dict[str, Any] = {"machine": describe(), "load_average_start": [round(x, 2) for x in load_start],
                              "model": shipped}
    try:
        pids = worker_pids(process.pid)
        result["workers"] = len(pids)
        result["memory_before"] = {str(pid): memory_mb(pid) for pid in pids}
        trivial = [build_request("GET", "/api/v1/healthz")]
        recommend = [build_request("POST", "/api/v1/recommendations", json.dumps(p).encode(), tokens["coach"])
                     for p in profiles()]
        cells = []
        for clients in [int(c) for c in args.concurrency.split(",")]:
            for name, requests in (("healthz (trivial)", trivial), ("recommendations", recommend)):
                asyncio.run(run_cell(port, requests, clients, 2.0))  # warm the connections and caches
                cell = asyncio.run(run_cell(port, requests, clients, args.seconds))
                cell["endpoint"] = name
                cells.append(cell)
                print(f"{name:20} {clients:3} clients: {cell['rps']:8.1f} req/s  p50 {cell['p50_ms']} ms  "
                      f"p99 {cell['p99_ms']} ms  errors {cell['errors']}", flush=True)
        result["cells"] = cells

        async def swaps() -> None:
            """A catalog import at a quarter of the soak, a promotion at half, a rollback at three quarters."""
            document = json.loads((ROOT / "training_data" / "sample_catalog.json").read_text())
            document["programs"] = document["programs"][:200]
            steps = [("import", "PUT", "/api/v1/programs", document),
                     ("promote", "POST", f"/api/v1/models/{second}/promote", {"reason": "bench"}),
                     ("rollback", "POST", "/api/v1/models/rollback", {"reason": "bench"})]
            started = time.perf_counter()
            result["soak_swaps"] = []
            for i, (name, method, path, payload) in enumerate(steps, start=1):
                await asyncio.sleep(max(0.0, started + args.soak * i / 4 - time.perf_counter()))
                connection = Connection(port)
                sent = time.perf_counter()
                status, reply = await connection.send(build_request(method, path, json.dumps(payload).encode(),
                                                                    tokens["admin"]))
                await connection.close()
                answer = json.loads(reply)
                result["soak_swaps"].append({
                    "step": name, "status": status, "after_seconds": round(sent - started, 1),
                    "answered_in_ms": round(1000 * (time.perf_counter() - sent), 1),
                    **({"catalog_version": answer.get("catalog_version")} if name == "import" else
                       {"serving": answer.get("serving")})})

        soak = asyncio.run(run_cell(port, recommend, 16, args.soak, during=swaps))
        soak["endpoint"] = "recommendations (soak: catalog import, model promote, model rollback)"
        result["soak"] = soak
        print(f"soak {args.soak:.0f} s at 16 clients: {soak['requests']} requests, {soak['rps']} req/s, "
              f"p99 {soak['p99_ms']} ms, errors {soak['errors']}, swaps {result.get('soak_swaps')}", flush=True)
        result["memory_after"] = {str(pid): memory_mb(pid) for pid in worker_pids(process.pid)}
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    result["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    by = {(c["endpoint"], c["clients"]): c for c in result["cells"]}
    result["ratios"] = {str(c): round(by[("recommendations", c)]["rps"] / by[("healthz (trivial)", c)]["rps"], 3)
                        for c in sorted({c for _e, c in by})}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"recommend / trivial throughput: {result['ratios']}")
    print(f"memory before {result['memory_before']}")
    print(f"memory after  {result['memory_after']}")
    print(f"load average start {result['load_average_start']} end {result['load_average_end']}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
