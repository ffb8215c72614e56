"""The kiosk's only state: one encrypted, expiring cookie that "start over" and inactivity clear.

Answers travel between the steps in Flask's session, stored client-side as a
Fernet token (AES-128-CBC with an HMAC-SHA256: encrypted *and* signed) in a
cookie with ``HttpOnly``, ``Secure`` (unless ``MATCHER_KIOSK_SECURE_COOKIES`` is
false), ``SameSite=Strict``, ``Path=/`` and no expiry date, so the browser drops
it when it closes. Nothing is kept on the server: any worker of any machine
with the same key can read it, and no table, file or cache ever receives it.

Fernet tokens carry the time they were made. A cookie older than the
inactivity limit (``MATCHER_KIOSK_RESET_MINUTES``) is treated as no cookie at
all, so answers left on a shared screen are gone after the limit even when no
page reloads to clear them; every kiosk page view re-issues the cookie, which
resets the clock. The API never touches the session, so API responses carry
no cookie.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SessionInterface

COOKIE_NAME = "kiosk"
#: Browsers refuse cookies over about 4 KB; answers are capped well below (docs/kiosk.md).
MAX_COOKIE_BYTES = 3800


class KioskSession(SecureCookieSession):
    #: The cookie was there but older than the inactivity limit (its answers were dropped).
    expired: bool = False
    #: ... and it held answers (the only thing read of an expired cookie: to say "your answers were cleared").
    expired_with_answers: bool = False


def fernet_for(secret: str) -> Fernet:
    # A Fernet key is 32 url-safe-base64 bytes; derive one from the configured secret (any length).
    digest = hashlib.sha256(b"matcher-kiosk-session\x00" + secret.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class EncryptedCookieSessionInterface(SessionInterface):
    session_class = KioskSession

    def __init__(self, secret: str, *, ttl_seconds: float, secure: bool) -> None:
        self.fernet = fernet_for(secret)
        self.ttl = max(1, int(ttl_seconds))
        self.secure = secure

    def open_session(self, app: Flask, request: Request) -> KioskSession:
        raw = request.cookies.get(COOKIE_NAME)
        if not raw:
            return self.session_class()
        data = raw.encode("ascii", "ignore")
        try:
            payload = self.fernet.decrypt(data, ttl=self.ttl)
        except InvalidToken:
            session = self.session_class()
            try:  # readable, only too old: say so once ("your answers were cleared")
                old = self.fernet.decrypt(data)
                session.expired = True
            except InvalidToken:
                return session
            with contextlib.suppress(ValueError, AttributeError):  # not JSON, or not an object: no answers
                session.expired_with_answers = bool(json.loads(old).get("answers"))
            return session
        try:
            values = json.loads(payload)
        except ValueError:
            return self.session_class()
        return self.session_class(values if isinstance(values, dict) else {})

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        expired = bool(getattr(session, "expired", False))
        if not session:
            if session.modified or expired:
                response.delete_cookie(COOKIE_NAME, path="/", secure=self.secure, httponly=True, samesite="Strict")
            return
        if not session.modified:
            return
        token = self.fernet.encrypt(json.dumps(dict(session), separators=(",", ":")).encode("utf-8"))
        response.set_cookie(COOKIE_NAME, token.decode("ascii"), path="/", secure=self.secure, httponly=True,
                            samesite="Strict")
        response.vary.add("Cookie")
