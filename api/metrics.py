"""Prometheus metrics at ``/metrics``, correct across gunicorn workers.

Under ``matcher serve`` every worker writes its samples to files in
``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's multiprocess mode) and
``/metrics`` adds up all the workers' files, so whichever worker answers the
scrape, the counts are the service's. Without that variable (tests, ``flask
run``) the process's own registry is served.

- ``matcher_http_requests_total{route, method, status}``
- ``matcher_http_request_duration_seconds{route, status}`` (histogram)
- ``matcher_catalog_version`` and ``matcher_catalog_programs``: per worker
  (``pid`` label), so a scrape shows every worker has taken a new catalog
  (-1 until a worker has loaded its first).
- ``matcher_model_info{version}``: 1 for the model each worker serves (per
  ``pid``), 0 for one it served before; ``version="none"``: the hand-set engine.

Metric objects are made once per process at import (prometheus_client's
rule); importing this module touches no database.
"""

from __future__ import annotations

import os
import time
from typing import Any

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from .logs import route

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter("matcher_http_requests_total", "HTTP requests answered.", ["route", "method", "status"])
LATENCY = Histogram("matcher_http_request_duration_seconds", "Time to answer a request.", ["route", "status"],
                    buckets=BUCKETS)
CATALOG_VERSION = Gauge("matcher_catalog_version", "Catalog version stamp this worker serves.",
                        multiprocess_mode="liveall")
CATALOG_PROGRAMS = Gauge("matcher_catalog_programs", "Programs in the catalog this worker serves.",
                         multiprocess_mode="liveall")
MODEL_INFO = Gauge("matcher_model_info", "The model in use (1 for the version served).", ["version"],
                   multiprocess_mode="liveall")


def install(app: Flask) -> None:
    CATALOG_VERSION.set(-1)  # until the first catalog is loaded (versions start at 0)

    @app.before_request
    def _start_timer() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _count(response: Response) -> Response:
        started = getattr(g, "metrics_started", None)
        status = str(response.status_code)
        rule = route()
        REQUESTS.labels(route=rule, method=request.method, status=status).inc()
        if started is not None:
            LATENCY.labels(route=rule, status=status).observe(time.perf_counter() - started)
        return response


_serving: list[str] = []


def catalog_swapped(version: int, programs: int) -> None:
    CATALOG_VERSION.set(version)
    CATALOG_PROGRAMS.set(programs)


def snapshot_swapped(snapshot: Any) -> None:
    """on_swap of the runtime: the catalog's version and size, and which model this worker now serves."""
    catalog_swapped(snapshot.catalog_version, len(snapshot.catalog))
    model = snapshot.model_version or "none"
    for old in _serving:
        if old != model:
            MODEL_INFO.labels(version=old).set(0)
    MODEL_INFO.labels(version=model).set(1)
    _serving[:] = [model]


def exposition() -> Response:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        data = generate_latest(registry)
    else:
        data = generate_latest()
    return Response(data, mimetype=CONTENT_TYPE_LATEST.split(";")[0], headers={"Content-Type": CONTENT_TYPE_LATEST})
