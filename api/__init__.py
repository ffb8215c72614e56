"""The matcher's HTTP service: a Flask JSON API for coaches, evaluators and admins.

``create_app(config=None)`` builds the app, as Flask's tutorial does: settings
from the environment (:mod:`api.config`, overridden by ``config``), one
blueprint per area under ``/api/v1`` (:mod:`api.routes`), and nothing that
touches a database until a request needs it. Run it with ``matcher serve``
(gunicorn) or, for development, ``flask --app api run``.

Every request passes, in order: request id and timers, the role check
(:mod:`api.access`: 401/403 before anything else), the public rate limit,
the body checks (:mod:`api.bodies`: 413, 415, strict JSON), then the view's
validation by its pydantic models and the view itself, a thin layer over the
library. Errors of every kind leave as ``MatcherError.to_dict()``
(:mod:`api.errors`).

``/`` is the job-seeker kiosk (:mod:`api.kiosk`, HTML pages), registered last.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_openapi3 import Info

from .config import Settings
from .services import Services

__all__ = ["create_app"]


def create_app(config: Mapping[str, Any] | None = None) -> Any:
    """The Flask app. ``config`` overrides settings by name (see :data:`api.config.SETTINGS`)."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    import matcher

    from . import access, bodies, errors, kiosk, limits, logs, metrics, routes
    from .jsonout import OrjsonProvider
    from .openapi import MatcherOpenAPI
    from .routes import PREFIX

    settings = Settings.from_env(**dict(config or {}))
    logs.configure(settings.log_level)
    app = MatcherOpenAPI(
        __name__,
        info=Info(title="Training-program matcher API", version=matcher.__version__,
                  description="Ranked, explained training-program recommendations for job seekers and the "
                              "coaches beside them. See docs/api.md."),
        doc_prefix=PREFIX,
        doc_url="/openapi.json",
        validation_error_status=422,
        validation_error_callback=errors.validation_error_response,
        static_folder=None,
    )
    app.request_class = bodies.ApiRequest
    app.json = OrjsonProvider(app)  # Flask's output, written faster (api/jsonout.py)
    app.json.sort_keys = False
    app.config["MAX_CONTENT_LENGTH"] = max(settings.max_body_bytes, settings.max_import_bytes)
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies,
            x_host=settings.trusted_proxies)
    app.extensions["matcher"] = Services.build(settings, on_swap=metrics.snapshot_swapped)

    # Order matters: before_request hooks run as registered.
    logs.install(app)
    metrics.install(app)
    app.before_request(access.check_access)
    limits.install(app, settings)
    app.before_request(bodies.check_body)
    errors.register_error_handlers(app)
    routes.register(app)
    kiosk.install(app, settings)
    return app
