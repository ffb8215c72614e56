"""gunicorn settings for the service: ``gunicorn -c python:api.gunicorn_conf 'api:create_app()'``.

``matcher serve`` runs exactly that. Settings come from the same environment
variables as the app (``MATCHER_HOST``, ``MATCHER_PORT``, ``MATCHER_WORKERS``,
``MATCHER_THREADS``: see docs/api.md).

- Workers are gthread workers: each holds one catalog snapshot and engine and
  answers several connections at once (keep-alive works); the engine's work
  is numpy and mostly releases nothing, so CPU parallelism comes from the
  processes and the threads cover waiting on the database and the network.
- No preload: each worker builds its own app after the fork (no connection
  pool is ever shared across a fork) and loads its snapshot right away, so
  the first request does not wait for it.
- Metrics: every worker writes to ``PROMETHEUS_MULTIPROC_DIR`` (made here when
  unset, emptied at start); a dead worker's live gauges are removed.
- Logs: gunicorn's own lines are JSON too; its access log is off (it would
  write query strings): the app logs every request itself without them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

# Before anything imports numpy: one BLAS thread per process. Parallelism comes from the workers;
# BLAS threads in each of them would only fight over the same cores.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

# Before anything imports prometheus_client: the multiprocess mode is chosen when it is imported.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="matcher-metrics-")

from api.config import Settings  # noqa: E402

_settings = Settings.from_env()

bind = f"{_settings.host}:{_settings.port}"
workers = _settings.workers or (os.cpu_count() or 1) + 1
threads = _settings.threads
worker_class = "gthread"
timeout = 60
graceful_timeout = 30
keepalive = 5
accesslog = None
control_socket_disable = True  # one fixed socket path per user: several servers on a machine would clash
errorlog = "-"
loglevel = _settings.log_level.lower()
logconfig_dict: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "api.logs.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"level": "WARNING", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": _settings.log_level.upper(), "propagate": False},
        "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
}


def on_starting(server: Any) -> None:
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.iterdir():  # left by a previous run: they would be added to this one's counts
        if stale.is_file():
            stale.unlink()
        else:
            shutil.rmtree(stale, ignore_errors=True)


def when_ready(server: Any) -> None:
    address = f"http://{_settings.host}:{_settings.port}"
    server.log.info(f"matcher API listening on {address}/api/v1 (docs: {address}/api/v1/swagger; "
                    f"{server.cfg.workers} workers x {server.cfg.threads} threads)")
    print(f"Matcher API listening on {address}/api/v1  -  docs: {address}/api/v1/swagger  -  "
          f"health: {address}/api/v1/readyz", flush=True)


def post_worker_init(worker: Any) -> None:
    """Load the catalog and fit the engine before the worker takes its first request, then watch its stamp."""
    services = worker.wsgi.extensions["matcher"]
    try:
        services.runtime.snapshot()
    except Exception as exc:  # noqa: BLE001 - /readyz reports it; the worker still answers /healthz
        worker.log.warning(f"worker {worker.pid} could not load the catalog yet: {type(exc).__name__}")
    services.runtime.watch()


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
