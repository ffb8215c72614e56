"""Request bodies: size, content type and strict JSON, checked before any view runs.

- Over ``MATCHER_MAX_BODY_BYTES`` (64 KiB), or ``MATCHER_MAX_IMPORT_BYTES`` on
  the catalog upload endpoints: 413, checked on the declared length before
  anything is read and enforced while reading a body of unknown length.
- A body whose content type the endpoint does not take: 415.
- JSON is parsed once, strictly: invalid JSON, text that is not UTF-8,
  duplicate keys in one object (which value was meant?), ``NaN`` and
  ``Infinity``, lone UTF-16 surrogates (they cannot be stored or logged as
  UTF-8) and nesting deeper than :data:`MAX_DEPTH` all get a 400 naming the
  problem. The views (and flask-openapi3's validation) read that parsed value.

An endpoint that takes more than JSON (catalog uploads in CSV or JSON Lines)
says so with :func:`accepts`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Request, current_app, request

from .errors import BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError

F = TypeVar("F", bound=Callable[..., Any])
JSON = "application/json"
MAX_DEPTH = 32
_UPLOAD_ATTRIBUTE = "_matcher_accepts"
_UNSET: Any = object()


def accepts(*mimetypes: str) -> Callable[[F], F]:
    """The view takes these content types (and the upload size limit); it reads the raw body itself."""

    def mark(func: F) -> F:
        setattr(func, _UPLOAD_ATTRIBUTE, frozenset(mimetypes))
        return func

    return mark


class ApiRequest(Request):
    """A request whose JSON body is the strictly parsed value (see :func:`check_body`)."""

    parsed_json: Any = _UNSET

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        if self.parsed_json is not _UNSET:
            return self.parsed_json
        if not self.get_data(cache=True):
            return None
        try:
            self.parsed_json = strict_loads(self.get_data(cache=True))
        except BadRequestError:
            if silent:
                return None
            raise
        return self.parsed_json


def uploads_of(app: Flask, endpoint: str | None) -> frozenset[str] | None:
    view = app.view_functions.get(endpoint or "")
    return getattr(view, _UPLOAD_ATTRIBUTE, None)


def check_body() -> None:
    """before_request, after the access check: size, content type, then strict JSON."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE") or request.endpoint is None:
        return
    settings = current_app.extensions["matcher"].settings
    uploads = uploads_of(current_app, request.endpoint)
    limit = settings.max_import_bytes if uploads else settings.max_body_bytes
    length = request.content_length
    if length is not None and length > limit:
        raise PayloadTooLargeError(f"the request body is {length:,} bytes; the limit is {limit:,}", field="body")
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if not length and not chunked:
        return  # no body: the view's validation says whether it needed one
    if chunked:
        # No length to check: read at most one byte past the limit to know whether it is over.
        request.max_content_length = limit + 1
        if len(request.get_data(cache=True)) > limit:
            raise PayloadTooLargeError(f"the request body is over the limit of {limit:,} bytes", field="body")
    mimetype = request.mimetype
    allowed = uploads or frozenset({JSON})
    if mimetype not in allowed:
        shown = mimetype or "none"
        raise UnsupportedMediaTypeError(
            f"Content-Type {shown!r} is not accepted here; send {' or '.join(sorted(allowed))}",
            field="Content-Type")
    if mimetype == JSON and not uploads:
        request.get_json()  # parse now, so a bad body is a 400 before the view


def strict_loads(data: bytes) -> Any:
    """Parse a JSON body, refusing what :mod:`json` lets through but cannot be meant (see module doc)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequestError(f"the request body is not UTF-8 (bad byte at offset {exc.start})",
                              field="body") from None
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        raise BadRequestError(f"the request body is not valid JSON: {exc.msg} at line {exc.lineno}, "
                              f"column {exc.colno}", field="body") from None
    except RecursionError:
        raise BadRequestError(f"the request body is nested more than {MAX_DEPTH} levels deep", field="body") from None
    _check_value(value)
    return value


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise BadRequestError(f"the key {_shown(key)!r} appears twice in one JSON object", field=_shown(key))
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise BadRequestError(f"{name} is not a JSON number", field="body")


def _check_value(value: Any) -> None:
    """Depth and strings: one pass over the parsed value with an explicit stack (no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_string(item)
        elif isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                raise BadRequestError(f"the request body is nested more than {MAX_DEPTH} levels deep",
                                      field="body")
            if isinstance(item, dict):
                for key, child in item.items():
                    _check_string(key)
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)


def _check_string(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequestError("the request body holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is not text",
                              field="body") from None


def _shown(key: str) -> str:
    """A key as an error message may repeat it: cut short, and a lone surrogate replaced (it is not text)."""
    safe = key.encode("utf-8", "replace").decode("utf-8")
    return safe if len(safe) <= 40 else safe[:37] + "..."
