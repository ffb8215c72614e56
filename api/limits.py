"""The public rate limit (Flask-Limiter), on endpoints marked ``public(rate_limited=True)``.

Counted per client address (behind a proxy, set ``MATCHER_TRUSTED_PROXIES`` so
the address is the client's, not the proxy's) and per endpoint. Requests with
a valid token are not limited: a coach's office behind one address must not be
throttled by its own staff.

Storage:

- ``REDIS_URL`` set: the counters live in Redis, shared by every worker and
  every app machine, so the limit is the service's. If Redis stops answering,
  each worker falls back to counting in its own memory rather than failing
  requests.
- unset (the embedded default): each worker counts in its own memory, so the
  effective limit is the configured one times the number of workers on the
  machine. That is safe enough for one machine: the limit is there to blunt a
  runaway script or a scraper, not to meter usage, a few times the limit is
  still a small load (the public endpoints answer in milliseconds), and the
  protected endpoints need a token anyway. A deployment on several machines
  should set ``REDIS_URL``.
"""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from .access import is_rate_limited_now
from .config import Settings


def install(app: Flask, settings: Settings) -> Limiter:
    limiter = Limiter(
        key_func=get_remote_address,
        app=app,
        storage_uri=settings.redis_url or "memory://",
        key_prefix=settings.rate_limit_prefix,
        default_limits=[settings.public_rate_limit],
        default_limits_exempt_when=lambda: not is_rate_limited_now(),
        headers_enabled=True,
        strategy="fixed-window",
        in_memory_fallback_enabled=bool(settings.redis_url),
        swallow_errors=True,
    )
    # Requests the limit does not apply to (a token, or an endpoint not limited: nearly all of them) skip the
    # limiter at once, before it resolves and filters its limits for the endpoint (a third of the CPU of a
    # trivial request). The exemption above stays: it is what applies if the filter is ever taken away.
    limiter.request_filter(lambda: not is_rate_limited_now())
    app.extensions["matcher_limiter"] = limiter
    return limiter
