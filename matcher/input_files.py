"""File-level checks shared by every importer (catalogs, caseloads).

Before a single record is parsed, a file must exist, be a regular file, be
non-empty, be under a size limit (checked *before* reading), not be binary or
a spreadsheet workbook, and decode as UTF-8 (a byte-order mark is allowed).
Each failure raises :class:`~matcher.errors.InputFileError` with a message a
coach can act on. No fallback to other encodings: guessing cp1252 silently
corrupts names, so the user is asked to re-save the file as UTF-8 instead.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import InputFileError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_ROWS = 100_000

UTF8_ADVICE = "save it as UTF-8 (in Excel: 'CSV UTF-8')"

# Magic numbers of files people pick by mistake.
_ZIP_MAGIC = b"PK\x03\x04"  # .xlsx, .docx, .zip
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls/.doc


def read_text(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Return the file's text after every file-level check; raise InputFileError otherwise."""
    p = Path(path)
    if not p.exists():
        raise InputFileError(f"file not found: {p}", field="file")
    if p.is_dir():
        raise InputFileError(f"{p} is a directory, not a file", field="file")
    size = p.stat().st_size
    if size == 0:
        raise InputFileError(f"file is empty: {p}", field="file")
    if size > max_bytes:
        raise InputFileError(
            f"file is too large: {size:,} bytes, the limit is {max_bytes:,}; split it into smaller files",
            field="file",
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read {p}: {exc.strerror or exc}", field="file") from None
    return decode_bytes(data, name=p.name)


def decode_bytes(data: bytes, *, name: str = "file") -> str:
    """Decode UTF-8 (optional BOM), refusing workbooks, binary junk and other encodings."""
    if data.startswith(_ZIP_MAGIC):
        raise InputFileError(
            f"{name} looks like an Excel workbook or zip archive, not a text file; "
            "in Excel use 'Save As' > 'CSV UTF-8 (Comma delimited)'",
            field="file",
        )
    if data.startswith(_OLE_MAGIC):
        raise InputFileError(
            f"{name} looks like an old Excel (.xls) workbook; save it as 'CSV UTF-8 (Comma delimited)'",
            field="file",
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputFileError(f"{name} is UTF-16 text, not UTF-8; {UTF8_ADVICE}", field="file")
    if b"\x00" in data[:8192]:
        raise InputFileError(f"{name} is a binary file, not CSV or JSON text", field="file")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputFileError(
            f"{name} is not UTF-8 (bad byte 0x{data[exc.start]:02x} at byte offset {exc.start}, line {line}); "
            f"{UTF8_ADVICE}",
            field="file",
        ) from None
    if not text.strip():
        raise InputFileError(f"file is empty: {name}", field="file")
    return text


def parse_json(text: str, *, name: str = "file") -> Any:
    """Parse a whole JSON document, reporting line and column on failure.

    Nesting deep enough to exhaust the parser's recursion (thousands of ``[`` in a row:
    never a real catalog or profile) is the same clear error, not a traceback.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(
            f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}", field="file"
        ) from None
    except RecursionError:
        raise InputFileError(f"{name} is not usable JSON: it is nested too deeply", field="file") from None


def iter_json_lines(text: str, *, name: str = "file", max_rows: int = DEFAULT_MAX_ROWS) -> Iterator[tuple[int, Any]]:
    """Yield ``(line_number, value)`` for each non-blank line of a JSON Lines file.

    A line that is not JSON is a file-level error naming the line: the rest of
    the file cannot be trusted to be split the way the author meant.
    """
    count = 0
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        count += 1
        if count > max_rows:
            raise_too_many_rows(max_rows)
        try:
            yield lineno, json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputFileError(
                f"{name} line {lineno} is not valid JSON: {exc.msg} at column {exc.colno}", field="file"
            ) from None
        except RecursionError:
            raise InputFileError(f"{name} line {lineno} is not usable JSON: it is nested too deeply",
                                 field="file") from None


def raise_too_many_rows(max_rows: int) -> None:
    raise InputFileError(f"file has more than {max_rows:,} records (the limit); split it into smaller files",
                         field="file")


def detect_format(path: str | Path, text: str, given: str | None = None) -> str:
    """'csv', 'json' or 'jsonl': the given format, else the file suffix, else a sniff of the content."""
    if given:
        fmt = given.lower().lstrip(".")
        if fmt == "ndjson":
            fmt = "jsonl"
        if fmt not in ("csv", "json", "jsonl"):
            raise InputFileError(f"unknown format {given!r}; use csv, json or jsonl", field="format")
        return fmt
    suffix = Path(path).suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix == ".json":
        return "json"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".xlsx", ".xls", ".xlsm", ".ods", ".numbers"):
        raise InputFileError(f"{Path(path).name} is a spreadsheet; save it as 'CSV UTF-8' first", field="file")
    head = text.lstrip()[:1]
    if head == "{":
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) > 1 and all(line.lstrip().startswith("{") for line in lines):
            return "jsonl"
    return "json" if head in ("[", "{") else "csv"
