"""The service as it runs: `matcher serve` (gunicorn, two workers) on 127.0.0.1.

- it prints where it listens and becomes ready;
- a catalog imported through one worker is served by every worker without a restart, and no request
  in flight fails while the workers swap (clients keep calling throughout);
- /metrics adds up every worker's counts, and shows each worker's catalog version;
- no log line, from any process, carries a barrier answer.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from api_helpers import small_catalog_document

pytestmark = pytest.mark.slow

MARKER = "ZQXGUNICORN"
PROFILE = {"id": f"{MARKER}-id", "zip": "97217", "interests": {"sectors": ["construction"]},
           "barriers": ["justice_involved", "homeless", "childcare"], "record_categories": ["violent_felony"],
           "skills": [f"{MARKER}-skill", "forklift"]}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _matcher(*args: str, env: dict[str, str]) -> str:
    exe = Path(sys.executable).with_name("matcher")
    out = subprocess.run([str(exe), *args], env=env, capture_output=True, text=True, check=True, timeout=120)
    return out.stdout


class Client:
    """One keep-alive connection, as a case-management system would hold."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, body: object = None, token: str | None = None) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        self.conn.request(method, path, body=data, headers=headers)
        response = self.conn.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        self.conn.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("served")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update({"MATCHER_DB": str(folder / "service.db"), "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
                "MATCHER_RELOAD_CHECK_SECONDS": "0.5", "MATCHER_LOG_LEVEL": "INFO"})
    admin = json.loads(_matcher("tokens", "create", "--name", "test admin", "--role", "admin", "--json", env=env))
    coach = json.loads(_matcher("tokens", "create", "--name", "test coach", "--role", "coach", "--json", env=env))
    stdout, stderr = open(folder / "stdout.log", "w"), open(folder / "stderr.log", "w")  # noqa: SIM115
    exe = Path(sys.executable).with_name("matcher")
    process = subprocess.Popen([str(exe), "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
                               env=env, stdout=stdout, stderr=stderr)
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise AssertionError(f"matcher serve exited: {(folder / 'stderr.log').read_text()[-3000:]}")
            try:
                client = Client(port)
                status, _ = client.request("GET", "/api/v1/readyz")
                client.close()
                if status == 200 and _worker_count(port) == 2:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("the service did not become ready in 90 s")
            time.sleep(0.3)
        yield {"port": port, "admin": admin["token"], "coach": coach["token"], "folder": folder}
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        stdout.close()
        stderr.close()


def _metrics(port: int) -> str:
    client = Client(port)
    status, body = client.request("GET", "/api/v1/metrics")
    client.close()
    assert status == 200
    return body.decode()


def _catalog_versions(text: str) -> dict[str, float]:
    return {pid: float(v) for pid, v in re.findall(r'^matcher_catalog_version\{pid="(\d+)"\} (\S+)$', text, re.M)}


def _worker_count(port: int) -> int:
    """Workers that have loaded a catalog (a worker still loading shows -1)."""
    return sum(1 for v in _catalog_versions(_metrics(port)).values() if v >= 0)


def test_it_prints_where_it_listens(server):
    printed = (server["folder"] / "stdout.log").read_text()
    assert f"listening on http://127.0.0.1:{server['port']}/api/v1" in printed


def test_an_import_reaches_every_worker_and_no_request_fails_meanwhile(server):
    port, coach = server["port"], server["coach"]
    results: list[tuple[int, int | None]] = []
    stop = threading.Event()
    lock = threading.Lock()

    def load() -> None:
        client = Client(port)
        try:
            while not stop.is_set():
                status, body = client.request("POST", "/api/v1/recommendations?top=3", PROFILE, coach)
                version = json.loads(body)["catalog"]["version"] if status == 200 else None
                with lock:
                    results.append((status, version))
        finally:
            client.close()

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.0)
        with lock:
            before_import = len(results)
        admin = Client(port)
        status, body = admin.request("PUT", "/api/v1/programs", small_catalog_document(15, rename="Swapped"),
                                     server["admin"])
        admin.close()
        assert status == 200, body
        new_version = json.loads(body)["catalog_version"]
        deadline = time.monotonic() + 30
        while True:
            versions = _catalog_versions(_metrics(port))
            if len(versions) == 2 and set(versions.values()) == {float(new_version)}:
                break
            assert time.monotonic() < deadline, f"workers still on {versions}"
            time.sleep(0.2)
        swapped_at = len(results)
        time.sleep(1.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert before_import > 0 and len(results) > before_import + 20
    failures = [r for r in results if r[0] != 200]
    assert failures == []
    assert {v for _s, v in results[:before_import]} == {0}
    assert {v for _s, v in results[swapped_at + 8:]} == {new_version}  # a few were already in flight

    # Every worker's requests are in one count, whichever worker answers the scrape.
    text = _metrics(port)
    counted = re.search(r'^matcher_http_requests_total\{method="POST",route="/api/v1/recommendations",'
                        r'status="200"\} (\S+)$', text, re.M)
    assert counted is not None and float(counted.group(1)) == len(results)
    assert 'matcher_model_info{pid="' in text and 'version="none"' in text


def test_every_worker_logs_json_lines_and_none_carries_a_barrier_answer(server):
    client = Client(server["port"])
    for _ in range(6):
        client.request("POST", "/api/v1/recommendations", {**PROFILE, "age": f"{MARKER}-bad"}, server["coach"])
        client.request("POST", "/api/v1/recommendations", PROFILE, server["coach"])
    client.close()
    time.sleep(0.5)
    lines = [line for line in (server["folder"] / "stderr.log").read_text().splitlines() if line.strip()]
    parsed = [json.loads(line) for line in lines]  # every line is JSON, gunicorn's own included
    request_pids = {p["pid"] for p in parsed if p.get("event") == "request"}
    assert len(request_pids) == 2
    for word in (MARKER, "justice_involved", "homeless", "violent_felony", "childcare"):
        assert [line for line in lines if word in line] == [], word
