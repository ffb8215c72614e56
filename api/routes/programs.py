"""The catalog: browse and search it (public), import or check a whole catalog (admins).

``PUT /programs`` is ``matcher programs import --replace`` over HTTP: the
upload is validated whole (CSV, JSON or JSON Lines, the CLI's formats), and
nothing is imported if any row is bad (unless ``skip_invalid``); the import is
one transaction with its audit entry. Every worker serves the new catalog
within ``MATCHER_RELOAD_CHECK_SECONDS`` of the commit, this one at once.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Response, g, jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from sqlalchemy.orm import Session

from matcher.audit import Actor, add_entry
from matcher.auth import Role
from matcher.catalog import ImportResult, read_catalog_text
from matcher.errors import ValidationError
from matcher.input_files import decode_bytes
from matcher.query import ProgramQuery, search_programs
from matcher.records import Program
from matcher.store import ImportSummary

from ..access import public, roles
from ..bodies import accepts, strict_loads
from ..schemas import ImportOut, ImportQuery, ProgramPath, ProgramsPage, ProgramsQuery, ValidateOut
from ..services import services
from . import PREFIX

bp = APIBlueprint("programs", __name__, url_prefix=PREFIX, abp_tags=[Tag(name="programs")])

UPLOAD_TYPES = {"application/json": "json", "text/csv": "csv", "application/x-ndjson": "jsonl"}


@bp.get("/programs", responses={200: ProgramsPage})
@public(rate_limited=True)
def list_programs(query: ProgramsQuery) -> Response:
    """Programs matching every filter given, by id, a page at a time (with an ETag)."""
    snapshot = services().runtime.snapshot()
    page = search_programs(snapshot.catalog, ProgramQuery(**query.model_dump()))
    body = {"catalog": snapshot.catalog_info(), "total": page.total, "page": page.page,
            "per_page": page.per_page, "pages": page.pages,
            "programs": [p.model_dump(mode="json") for p in page.programs]}
    return _conditional(body, snapshot.catalog_version, snapshot.catalog.source, query.model_dump_json())


@bp.get("/programs/<program_id>", responses={200: Program})
@public(rate_limited=True)
def get_program(path: ProgramPath) -> Response:
    """Every field of one program (404 if the catalog has no such id)."""
    snapshot = services().runtime.snapshot()
    program = snapshot.catalog.get(path.program_id)
    return _conditional(program.model_dump(mode="json"), snapshot.catalog_version, snapshot.catalog.source,
                        path.program_id)


@bp.put("/programs", responses={200: ImportOut})
@roles(Role.ADMIN)
@accepts(*UPLOAD_TYPES)
def import_catalog(query: ImportQuery) -> dict[str, Any]:
    """Replace the whole catalog with the uploaded one (all-or-nothing; row errors in the response)."""
    result = _read_upload(skip_invalid=query.skip_invalid)
    if not result.programs:
        raise ValidationError("no valid programs in the upload: the catalog was left as it was", field="programs")
    token = g.token
    actor = Actor(id=token.id, name=token.name)
    source = f"upload ({request.mimetype}) by token {token.id}"

    def audit(session: Session, summary: ImportSummary) -> None:
        add_entry(session, actor, "catalog.import", subject=source,
                  detail={"added": summary.added, "updated": summary.updated, "removed": summary.removed,
                          "total": summary.total, "catalog_version": summary.catalog_version,
                          "skipped_rows": len(result.bad_rows)})

    summary = services().store.import_programs(result.programs, source=source, replace=True, in_transaction=audit)
    services().runtime.reload()  # this worker at once; the others within the check interval
    return {"imported": True, "rows": result.rows_read, "added": summary.added, "updated": summary.updated,
            "removed": summary.removed, "skipped_rows": len(result.bad_rows), "total": summary.total,
            "catalog_version": summary.catalog_version, "problems": [p.to_dict() for p in result.problems]}


@bp.post("/programs/validate", responses={200: ValidateOut})
@roles(Role.ADMIN)
@accepts(*UPLOAD_TYPES)
def validate_catalog() -> dict[str, Any]:
    """Check a catalog upload without importing it: every bad row and field."""
    result = _read_upload(skip_invalid=True)
    return {"ok": result.ok, "rows": result.rows_read, "valid_programs": len(result.programs),
            "problems": [p.to_dict() for p in result.problems]}


def _read_upload(*, skip_invalid: bool) -> ImportResult:
    data = request.get_data(cache=True)
    fmt = UPLOAD_TYPES.get(request.mimetype, "json")
    if not data:
        raise ValidationError("the request needs a catalog in its body", field="body")
    text = decode_bytes(data, name="the upload")
    # JSON the library would accept but could not store (lone surrogates) or that is ambiguous (duplicate keys).
    if fmt == "json":
        strict_loads(data)
    elif fmt == "jsonl":
        for line in text.splitlines():
            if line.strip():
                strict_loads(line.encode("utf-8"))
    return read_catalog_text(text, format=fmt, name="the upload", source="upload", skip_invalid=skip_invalid)


def _conditional(body: Any, version: int, source: str, key: str) -> Any:
    response = jsonify(body)
    response.set_etag(hashlib.sha256(f"{version}|{source}|{key}".encode()).hexdigest()[:32])
    response.headers["Cache-Control"] = "no-cache"  # may be stored, but must be revalidated (cheap: 304)
    return response.make_conditional(request)
