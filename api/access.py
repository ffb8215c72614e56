"""Who may call what: a role (or a public mark) declared on every view, checked before it runs.

Declare on the view, under the blueprint's route decorator::

    @bp.post("/recommendations", ...)
    @roles(Role.COACH, Role.ADMIN)
    def recommend(...): ...

    @bp.get("/skills", ...)
    @public(rate_limited=True)
    def skills(...): ...

:func:`check_access` runs before every request: it reads the declaration of
the endpoint about to run and answers 401 (no or bad token) or 403 (a role not
allowed) before the view, its validation or its body parsing run. A view with
no declaration is refused (403) and ``tests/api/test_access.py`` fails on it,
so forgetting one can never open an endpoint. :func:`route_table` lists every
route with its declaration; the role table in ``docs/api.md`` is checked
against it.

Views from libraries (the OpenAPI document and its docs page, static files)
are public by name in :data:`LIBRARY_PUBLIC_ENDPOINTS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, current_app, g, request

from matcher.auth import Role, TokenInfo, TokenStore
from matcher.errors import MatcherError

F = TypeVar("F", bound=Callable[..., Any])
ATTRIBUTE = "_matcher_access"

#: Endpoints registered by flask-openapi3 and its docs UI plugin (their views are lambdas we do not own).
LIBRARY_PUBLIC_ENDPOINTS = frozenset({
    "openapi.doc_url", "openapi.openapi", "openapi.static", "swagger.swagger", "swagger.oauth2-redirect",
    "swagger.static", "static",
})


@dataclass(frozen=True)
class Access:
    roles: frozenset[Role] = frozenset()
    public: bool = False
    rate_limited: bool = False
    # A setting name that, when true, makes a protected endpoint public (anonymous recommendations).
    public_when: str | None = None

    def describe(self) -> str:
        if self.public:
            return "public" + (" (rate limited)" if self.rate_limited else "")
        names = ", ".join(r.value for r in Role if r in self.roles)
        if self.public_when:
            from .config import SETTINGS

            names += f"; public (rate limited) when `{SETTINGS[self.public_when].env}=true`"
        return names


class AuthError(MatcherError):
    code = "unauthorized"


class ForbiddenError(MatcherError):
    code = "forbidden"


def roles(*allowed: Role, public_when: str | None = None) -> Callable[[F], F]:
    """Only a token with one of these roles may call the view."""
    if not allowed:
        raise ValueError("roles() needs at least one role")

    def mark(func: F) -> F:
        setattr(func, ATTRIBUTE, Access(roles=frozenset(allowed), public_when=public_when,
                                        rate_limited=public_when is not None))
        return func

    return mark


def public(*, rate_limited: bool) -> Callable[[F], F]:
    """Anyone may call the view; ``rate_limited`` puts it under the public rate limit."""

    def mark(func: F) -> F:
        setattr(func, ATTRIBUTE, Access(public=True, rate_limited=rate_limited))
        return func

    return mark


def access_of(app: Flask, endpoint: str | None) -> Access | None:
    if endpoint is None:
        return None
    if endpoint in LIBRARY_PUBLIC_ENDPOINTS:
        return Access(public=True)
    view = app.view_functions.get(endpoint)
    return getattr(view, ATTRIBUTE, None)


def route_table(app: Flask) -> list[tuple[str, str, str, Access | None]]:
    """(methods, rule, endpoint, access) for every route of the app, sorted by rule."""
    out = []
    for rule in app.url_map.iter_rules():
        methods = ",".join(sorted(m for m in (rule.methods or ()) if m not in ("HEAD", "OPTIONS")))
        out.append((methods, rule.rule, rule.endpoint, access_of(app, rule.endpoint)))
    return sorted(out, key=lambda r: (r[1], r[0]))


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def check_access() -> None:
    """before_request: authenticate the bearer token (if any), then apply the endpoint's declaration."""
    g.token = None
    if request.method == "OPTIONS" or request.endpoint is None:
        return  # OPTIONS is answered by Flask itself; no endpoint means a 404/405 is coming
    access = access_of(current_app, request.endpoint)
    if access is None:
        raise ForbiddenError(f"endpoint {request.endpoint} declares no role: refused", field="endpoint")
    header = request.headers.get("Authorization")
    token: TokenInfo | None = None
    if header is not None:
        raw = bearer_token()
        token = _tokens().authenticate(raw) if raw else None
        if token is None and not access.public:
            raise AuthError("the token is not valid (malformed, unknown or revoked)", field="Authorization")
    g.token = token
    if access.public or (access.public_when and getattr(current_app.extensions["matcher"].settings,
                                                         access.public_when)):
        return
    if token is None:
        raise AuthError("this endpoint needs a token: send 'Authorization: Bearer <token>'", field="Authorization")
    if token.role not in access.roles:
        allowed = ", ".join(sorted(r.value for r in access.roles))
        raise ForbiddenError(f"a {token.role.value} token may not call this endpoint (needs: {allowed})",
                             field="Authorization")


def _tokens() -> TokenStore:
    return current_app.extensions["matcher"].tokens


def is_rate_limited_now() -> bool:
    """Whether the public rate limit applies to this request: a limited endpoint, called without a token."""
    access = access_of(current_app, request.endpoint)
    if access is None or not access.rate_limited:
        return False
    return getattr(g, "token", None) is None
