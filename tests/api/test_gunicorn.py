"""The service as it runs: `matcher serve` (gunicorn, two workers) on 127.0.0.1.

- it prints where it listens and becomes ready;
- a catalog imported through one worker is served by every worker without a restart, and no request
  in flight fails while the workers swap (clients keep calling throughout);
- a model promoted and rolled back through one worker is served by every worker, with no failed request;
- /metrics adds up every worker's counts, and shows each worker's catalog version;
- no log line, from any process, carries a barrier answer.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from api_helpers import register_copy, small_catalog_document

from matcher.learning.registry import ModelRegistry
from matcher.paths import models_dir

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
    models = folder / "models"
    shutil.copytree(models_dir(), models, ignore=shutil.ignore_patterns(".registry.lock", ".staging-*"))
    second = register_copy(models, "v-second")
    env.update({"MATCHER_DB": str(folder / "service.db"), "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
                "MATCHER_RELOAD_CHECK_SECONDS": "0.5", "MATCHER_LOG_LEVEL": "INFO", "MATCHER_MODEL_DIR": str(models)})
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
        yield {"port": port, "admin": admin["token"], "coach": coach["token"], "folder": folder,
               "shipped": ModelRegistry(models).promoted(), "second": second}
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
        before_import = _wait_for_results(results, lock, at_least=3)  # answered before the import, however slow
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
        with lock:
            swapped_at = len(results)
        _wait_for_results(results, lock, at_least=swapped_at + 30)  # and enough after it to see the swap
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
    assert 'matcher_model_info{pid="' in text and f'version="{server["shipped"]}"' in text


def _wait_for_results(results: list, lock: threading.Lock, *, at_least: int, timeout: float = 60.0) -> int:
    """How many requests have been answered, once at least ``at_least`` have (a loaded machine is slower)."""
    deadline = time.monotonic() + timeout
    while True:
        with lock:
            count = len(results)
        if count >= at_least or time.monotonic() > deadline:
            return count
        time.sleep(0.1)


def _models_served(text: str) -> dict[str, str]:
    """pid -> the model version each worker serves (its matcher_model_info gauge at 1)."""
    return {pid: version for pid, version, value in
            re.findall(r'^matcher_model_info\{pid="(\d+)",version="([^"]+)"\} (\S+)$', text, re.M)
            if float(value) == 1.0}


def test_a_promotion_and_a_rollback_reach_every_worker_and_no_request_fails(server):
    port, coach = server["port"], server["coach"]
    shipped, second = server["shipped"], server["second"]
    results: list[tuple[int, str | None]] = []
    stop = threading.Event()
    lock = threading.Lock()

    def load() -> None:
        client = Client(port)
        try:
            while not stop.is_set():
                status, body = client.request("POST", "/api/v1/recommendations?top=3", PROFILE, coach)
                version = json.loads(body)["model_version"] if status == 200 else None
                with lock:
                    results.append((status, version))
        finally:
            client.close()

    def wait_for(version: str) -> None:
        deadline = time.monotonic() + 30
        while True:
            served = _models_served(_metrics(port))
            if len(served) == 2 and set(served.values()) == {version}:
                return
            assert time.monotonic() < deadline, f"workers serve {served}"
            time.sleep(0.2)

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.0)
        admin = Client(port)
        status, body = admin.request("POST", f"/api/v1/models/{second}/promote", {"reason": "load test"},
                                     server["admin"])
        assert status == 200 and json.loads(body)["serving"] == second, body
        wait_for(second)
        time.sleep(0.5)
        status, body = admin.request("POST", "/api/v1/models/rollback", {}, server["admin"])
        assert status == 200 and json.loads(body)["promoted"] == shipped, body
        wait_for(shipped)
        admin.close()
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert [r for r in results if r[0] != 200] == []
    assert {v for _s, v in results} == {shipped, second}
    assert results[-1][1] == shipped


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


def test_the_kiosk_keeps_its_answers_whichever_worker_answers(server):
    """The answers cookie and its forms work across workers (one key for all, made by the master)."""
    port = server["port"]
    cookie = ""

    def call(method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        nonlocal cookie
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)  # a new connection: any worker
        headers = {"Cookie": cookie} if cookie else {}
        body = None
        if form is not None:
            from urllib.parse import urlencode

            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("kiosk="):
                cookie = value.split(";", 1)[0]
        conn.close()
        return response.status, text

    status, page = call("GET", "/")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    steps = {"interests": {"sectors": ["construction"]}, "skills": {"skills": "forklift", "languages": ["en"]},
             "place": {"zip": "97217", "travel": ["transit"]}, "time": {"times": ["day"], "needs_income": "yes"},
             "private": {"barriers": ["childcare"]}}
    for _round in range(3):  # several rounds of new connections: both workers see the cookie
        for step, data in steps.items():
            status, _ = call("POST", f"/step/{step}", {"csrf_token": token, "confirmed": "1", **data})
            assert status == 303, step
    status, page = call("GET", "/results")
    assert status == 200 and page.count('<article class="card"') == 5
