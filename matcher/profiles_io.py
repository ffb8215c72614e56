"""Reading job-seeker profiles from files: one profile (JSON) or a caseload (JSON list or JSON Lines).

The same file-level checks as catalogs apply (:mod:`matcher.input_files`).
Errors name the field; for a caseload they also carry ``row``: the line
number for JSON Lines, the 1-based position in the list for JSON. Values of
personal fields are never echoed back in errors (``records.SENSITIVE_FIELDS``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .errors import FieldProblem, InputFileError, ValidationError
from .input_files import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    detect_format,
    iter_json_lines,
    parse_json,
    raise_too_many_rows,
    read_text,
)
from .records import SeekerProfile, parse_profile


def load_profile(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> SeekerProfile:
    """Read one profile from a JSON file holding a single object."""
    p = Path(path)
    text = read_text(p, max_bytes=max_bytes)
    data = parse_json(text, name=p.name)
    if isinstance(data, list):
        raise InputFileError(f"{p.name} holds a list; use a caseload command for several profiles",
                             field="file")
    return parse_profile(data)


def iter_profiles(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, max_rows: int = DEFAULT_MAX_ROWS,
    skipped: list[FieldProblem] | None = None,
) -> Iterator[tuple[int, SeekerProfile]]:
    """Yield ``(row, profile)`` from a JSON list, a single JSON object or a JSON Lines file.

    File-level problems are raised before the first profile is yielded; a bad profile
    raises :class:`ValidationError` whose problems carry its row, unless a ``skipped``
    list is given: then its problems are appended there and the profile is skipped.
    """
    for row, item in _raw_profiles(path, max_bytes=max_bytes, max_rows=max_rows):
        try:
            profile = parse_profile(item, row=row)
        except ValidationError as exc:
            if skipped is None:
                raise
            skipped.extend(exc.problems or [FieldProblem(exc.field or "(record)", exc.message, row)])
            continue
        yield row, profile


def _raw_profiles(path: str | Path, *, max_bytes: int, max_rows: int) -> Iterator[tuple[int, object]]:
    p = Path(path)
    text = read_text(p, max_bytes=max_bytes)
    fmt = detect_format(p, text)
    if fmt == "csv":
        raise InputFileError(f"{p.name}: profiles are read from JSON or JSON Lines, not CSV", field="file")
    if fmt == "jsonl":
        yield from iter_json_lines(text, name=p.name, max_rows=max_rows)
        return
    data = parse_json(text, name=p.name)
    items = data if isinstance(data, list) else [data]
    if not items:
        raise InputFileError(f"{p.name} holds no profiles", field="file")
    if len(items) > max_rows:
        raise_too_many_rows(max_rows)
    yield from enumerate(items, start=1)
