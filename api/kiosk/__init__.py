"""The job-seeker kiosk: an accessible, bilingual web form at ``/`` that gives ranked matches and a next step.

Served by the same app as the API (which lives under ``/api/v1``), as the
``kiosk`` blueprint: server-rendered Jinja templates that work without
JavaScript (``static/kiosk.js`` only improves them: skill autocomplete and the
inactivity reset). It calls the library directly (the worker's snapshot of
catalog and fitted engine, :mod:`api.runtime`), never the HTTP API.

What :func:`install` adds to the app:

- Flask-Babel with the kiosk's own catalog (``translations/<lang>/LC_MESSAGES/
  kiosk.po``); the library's sentences come from the library's catalog, the
  language set per request (:mod:`matcher.i18n`).
- The encrypted, expiring answers cookie (:mod:`.session`) and CSRF protection
  (Flask-WTF) on every kiosk POST.
- Security headers on every page that is not the API: a content security
  policy with no ``unsafe-inline``, ``Cache-Control: no-store``, no referrer,
  no framing.
- HTML error pages for kiosk paths (404, 405, 429, CSRF...), while the API keeps
  its JSON errors.

Every view declares ``@public(rate_limited=True)`` (:mod:`api.access`), so the
API's rate limit (Flask-Limiter, shared storage) covers the kiosk too.
See docs/kiosk.md.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, render_template, request
from flask_babel import Babel
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import HTTPException

from matcher import i18n
from matcher.errors import ValidationError
from matcher.kiosk_store import KioskStore

from ..config import Settings

API_PREFIX = "/api/"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"

#: No inline script or style anywhere (no 'unsafe-inline'); only this origin's files; no framing.
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                           "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                           "base-uri 'none'; manifest-src 'self'")


@dataclass(frozen=True)
class KioskConfig:
    languages: tuple[str, ...]
    reset_seconds: float
    top: int
    store: KioskStore


def languages_of(settings: Settings) -> tuple[str, ...]:
    wanted = tuple(x.strip() for x in settings.kiosk_languages.split(",") if x.strip())
    if not wanted:
        raise ValidationError("MATCHER_KIOSK_LANGUAGES names no language", field="MATCHER_KIOSK_LANGUAGES")
    have = set(i18n.available_languages())
    kiosk_have = {"en"} | {p.name for p in TRANSLATIONS.iterdir() if (p / "LC_MESSAGES" / "kiosk.mo").is_file()}
    missing = [x for x in wanted if x not in have or x not in kiosk_have]
    if missing:
        raise ValidationError(f"MATCHER_KIOSK_LANGUAGES: no message catalogs for {', '.join(missing)} "
                              "(see docs/kiosk.md, 'Adding a language')", field="MATCHER_KIOSK_LANGUAGES")
    return wanted


def install(app: Flask, settings: Settings) -> None:
    """Register the kiosk on ``app`` (the API's app), unless ``MATCHER_KIOSK=false``."""
    if not settings.kiosk_enabled:
        return
    from ..services import Services
    from .session import EncryptedCookieSessionInterface
    from .views import bp

    if not 1 <= settings.kiosk_top <= 10:
        raise ValidationError("MATCHER_KIOSK_TOP must be from 1 to 10", field="MATCHER_KIOSK_TOP")
    if settings.kiosk_reset_minutes <= 0:
        raise ValidationError("MATCHER_KIOSK_RESET_MINUTES must be more than 0", field="MATCHER_KIOSK_RESET_MINUTES")
    languages = languages_of(settings)
    secret = settings.kiosk_secret_key or secrets.token_urlsafe(32)
    app.secret_key = secret
    app.config.update(
        BABEL_DEFAULT_LOCALE=languages[0], BABEL_TRANSLATION_DIRECTORIES=str(TRANSLATIONS), BABEL_DOMAIN="kiosk",
        WTF_CSRF_CHECK_DEFAULT=False,  # checked by the kiosk's own before_request: the API takes no cookies
        WTF_CSRF_TIME_LIMIT=None,  # the cookie's own expiry (the inactivity limit) ends a form's life
        SESSION_COOKIE_NAME="kiosk",
    )
    services: Services = app.extensions["matcher"]
    reset_seconds = settings.kiosk_reset_minutes * 60
    app.session_interface = EncryptedCookieSessionInterface(secret, ttl_seconds=reset_seconds,
                                                            secure=settings.kiosk_secure_cookies)
    app.extensions["kiosk"] = KioskConfig(languages=languages, reset_seconds=reset_seconds,
                                          top=settings.kiosk_top,
                                          store=KioskStore(services.store, keep_days=settings.kiosk_keep_days))
    Babel(app, locale_selector=lambda: getattr(g, "kiosk_lang", languages[0]))
    app.extensions["kiosk_csrf"] = CSRFProtect(app)
    app.register_blueprint(bp)
    app.extensions["html_errors"] = html_error
    app.after_request(security_headers)


#: Each language named in its own words, for the language buttons.
LANGUAGE_NAMES = {"en": "English", "es": "Español", "vi": "Tiếng Việt", "ru": "Русский", "zh": "中文",
                  "so": "Soomaali", "ar": "العربية", "uk": "Українська", "ko": "한국어", "tl": "Tagalog"}


def language_for_request(languages: tuple[str, ...]) -> str:
    from flask import session

    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    best = request.accept_languages.best_match(languages)
    return best or languages[0]


def is_kiosk_path(path: str) -> bool:
    return not (path == API_PREFIX.rstrip("/") or path.startswith(API_PREFIX))


def security_headers(response: Response) -> Response:
    """Every response outside the API: no caching of pages, a strict CSP, no referrer, no framing."""
    if not is_kiosk_path(request.path):
        return response
    is_static = request.endpoint == "kiosk.static" and response.status_code < 400
    response.headers["Cache-Control"] = "public, max-age=3600" if is_static else "no-store"
    if not is_static:
        response.headers["Pragma"] = "no-cache"
        response.headers["Expires"] = "0"
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    # same-origin: Flask-WTF's HTTPS referrer check needs our own pages' referrer; links out get none.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    return response


def error_page(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("kiosk/error.html", status=status, title=title, message=message), status


def html_error(exc: HTTPException | None) -> Any:
    """The kiosk's page for an error on a path outside the API (the API keeps its JSON errors).
    ``None``: an unexpected exception (already logged by type)."""
    from flask import current_app

    if not hasattr(g, "kiosk_lang"):
        g.kiosk_lang = language_for_request(current_app.extensions["kiosk"].languages)
    with i18n.language(g.kiosk_lang):
        return _html_error(exc.code or 500 if exc is not None else 500)


def _html_error(status: int) -> Any:
    if status == 404:
        return error_page(404, _("Page not found"), _("We could not find that page."))
    if status == 405:
        return error_page(405, _("This page has expired"),
                          _("For your privacy, this page stopped working. Please start again."))
    if status == 429:
        return error_page(429, _("Please wait a moment"),
                          _("Too many requests came from this device. Wait a minute, then try again."))
    if status == 413:
        return error_page(413, _("That is too much text"), _("Please go back and shorten your answers."))
    return error_page(status, _("Something went wrong"),
                      _("We could not finish this. Please try again, or ask staff for help."))
