"""Structured logs: one JSON object per line on stderr.

Each request gets one line (``"event": "request"``) with its request id
(``X-Request-ID`` when the caller sent a sane one, else a new one, and echoed
back), the route (the rule, e.g. ``/api/v1/programs/<program_id>``, not the
path), method, status, duration and the token id and role. Never a body, a
query string, a header value or a profile field: barrier answers, household
details and search terms stay out of the logs. Only the fields named in
:data:`FIELDS` are ever written, so a careless ``extra=`` cannot leak more.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import sys
import time
import uuid
from typing import Any

from flask import Flask, Response, g, request

#: The only extra fields a log line may carry.
FIELDS = ("event", "request_id", "method", "route", "status", "duration_ms", "token_id", "role", "error",
          "exception", "frames", "catalog_version", "programs", "pid", "address", "workers", "limit")

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_HANDLER_MARK = "_matcher_json_handler"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage() if record.name.startswith("matcher") else _plain(record),
        }
        for name in FIELDS:
            if name in record.__dict__:
                out[name] = record.__dict__[name]
        return json.dumps(out, ensure_ascii=False, default=str)


def _plain(record: logging.LogRecord) -> str:
    # Other libraries' messages (gunicorn, werkzeug) are kept but cut: they could quote a request line.
    text = record.getMessage()
    return text if len(text) <= 300 else text[:297] + "..."


def configure(level: str) -> None:
    """JSON lines on stderr for the ``matcher`` loggers (once per process, whatever create_app is called)."""
    logger = logging.getLogger("matcher")
    logger.setLevel(level.upper())
    if not any(getattr(h, _HANDLER_MARK, False) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(JsonFormatter())
        setattr(handler, _HANDLER_MARK, True)
        logger.addHandler(handler)
    logger.propagate = False
    # The development server's own request lines carry query strings: ours replace them.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is now (a test's capture, gunicorn's redirected stream)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


request_log = logging.getLogger("matcher.api.request")


def install(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _REQUEST_ID_RE.match(given) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers["X-Request-ID"] = getattr(g, "request_id", "")
        token = getattr(g, "token", None)
        started = getattr(g, "started", None)
        duration = (time.perf_counter() - started) * 1000 if started is not None else None
        request_log.info("request", extra={
            "event": "request", "request_id": getattr(g, "request_id", None), "method": request.method,
            "route": route(), "status": response.status_code,
            "duration_ms": round(duration, 2) if duration is not None else None,
            "token_id": token.id if token else None, "role": token.role.value if token else None,
            "pid": os.getpid(),
        })
        return response


def route() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else "(no route)"
