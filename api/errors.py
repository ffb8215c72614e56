"""Every error the service returns has the library's one JSON shape, ``MatcherError.to_dict()``.

``{"error": code, "message": ..., "field": ..., "problems": [{"field", "message", "row"?, "value"?}]}``

- the library's own errors keep their code; their HTTP status comes from
  :data:`STATUS` (a validation error 422, an unknown id 404, a store or data
  problem 503);
- request validation by the pydantic models (flask-openapi3) becomes a
  ``validation_error`` naming each field, values of personal fields never
  echoed (:func:`matcher.records.field_problems`);
- HTTP-level refusals (unknown route, wrong method, body too large, wrong
  content type, rate limited) become ``not_found``, ``method_not_allowed``,
  ``payload_too_large``, ``unsupported_media_type``, ``rate_limited``;
- anything unexpected is a 500 ``internal_error`` whose log line carries the
  request id and the exception's type, never its message (it could quote input).
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from matcher.errors import (
    DataError,
    FieldProblem,
    ImportRowsError,
    InputFileError,
    MatcherError,
    NotFoundError,
    ValidationError,
)
from matcher.jobs import JobConflictError
from matcher.records import field_problems

from .access import AuthError, ForbiddenError

log = logging.getLogger("matcher.api")


class BadRequestError(MatcherError):
    code = "bad_request"


class UnsupportedMediaTypeError(MatcherError):
    code = "unsupported_media_type"


class PayloadTooLargeError(MatcherError):
    code = "payload_too_large"


#: HTTP status of each library error (the most specific class listed wins).
STATUS: list[tuple[type[MatcherError], int]] = [
    (AuthError, 401),
    (ForbiddenError, 403),
    (BadRequestError, 400),
    (UnsupportedMediaTypeError, 415),
    (PayloadTooLargeError, 413),
    (ImportRowsError, 422),
    (ValidationError, 422),
    (InputFileError, 400),
    (NotFoundError, 404),
    (JobConflictError, 409),
    (DataError, 503),
]

_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 406: "not_acceptable", 413: "payload_too_large",
               415: "unsupported_media_type", 429: "rate_limited"}

_MESSAGES = {"Extra inputs are not permitted": "unknown field: not part of this request's schema"}


def status_of(exc: MatcherError) -> int:
    for cls, status in STATUS:
        if isinstance(exc, cls):
            return status
    return 400


def error_response(exc: MatcherError, status: int | None = None) -> Response:
    response = jsonify(exc.to_dict())
    response.status_code = status or status_of(exc)
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="matcher"'
    return response


def validation_error_response(exc: Any) -> Response:
    """flask-openapi3's callback for a pydantic ValidationError on a request's query, path or body."""
    title = str(getattr(exc, "title", ""))
    where = "query parameter" if title.endswith("Query") else ("path" if title.endswith("Path") else "request body")
    errors = exc.errors(include_url=False)
    problems = field_problems(exc)
    for i, (problem, err) in enumerate(zip(problems, errors)):
        message = _MESSAGES.get(problem.message, problem.message)
        if not err.get("loc") and err.get("input") is None:
            message = "the request needs a JSON body"
        # The reporting-only demographics (sex, race...) are personal wherever they are: never echoed.
        value = None if "demographics" in problem.field.split(".") else problem.value
        problems[i] = FieldProblem(problem.field, message, problem.row, value)
    first = problems[0] if problems else FieldProblem("(request)", "invalid request")
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    error = ValidationError(f"invalid {where}: {first.field}: {first.message}{more}", field=first.field,
                            problems=problems)
    status = 400 if first.message == "the request needs a JSON body" else 422
    return error_response(error, status)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(MatcherError)
    def _matcher(exc: MatcherError) -> Response:
        return error_response(exc)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        html = app.extensions.get("html_errors")
        if html is not None and not request.path.startswith("/api/"):
            return html(exc)  # the kiosk's own pages (api/kiosk): HTML, in the person's language
        if exc.response is not None and exc.code is None:
            return exc.response  # flask-openapi3's abort(response), carrying our own validation error body
        status = exc.code or 500
        code = _HTTP_CODES.get(status, f"http_{status}")
        message, field = _http_message(exc, status)
        error = MatcherError(message, field=field)
        error.code = code
        response = error_response(error, status)
        valid_methods = getattr(exc, "valid_methods", None)
        if status == 405 and valid_methods:
            response.headers["Allow"] = ", ".join(valid_methods)
        if status == 429:
            for name in ("Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
                if exc.response is not None and name in exc.response.headers:
                    response.headers[name] = exc.response.headers[name]
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        # The message is not logged: it may quote a request's content. The type and the frames are enough.
        frames = [f"{f.filename}:{f.lineno} {f.name}" for f in traceback.extract_tb(exc.__traceback__)][-8:]
        log.error("unexpected error", extra={"event": "unexpected_error", "exception": type(exc).__name__,
                                             "frames": frames, "request_id": getattr(g, "request_id", None)})
        html = app.extensions.get("html_errors")
        if html is not None and not request.path.startswith("/api/"):
            return html(None)
        error = MatcherError("the server failed on this request; it has been logged with its request id",
                             field=None)
        error.code = "internal_error"
        return error_response(error, 500)


def _http_message(exc: HTTPException, status: int) -> tuple[str, str | None]:
    if status == 404:
        return f"no such endpoint: {request.path}", "path"
    if status == 405:
        return f"{request.method} is not allowed on {request.path}", "method"
    if status == 413:
        return "the request body is too large", "body"
    if status == 415:
        return "unsupported content type", "Content-Type"
    if status == 429:
        return f"too many requests: the limit is {exc.description}; try again later", None
    return exc.description or exc.name, None
