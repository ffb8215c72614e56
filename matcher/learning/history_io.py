"""The outcome-history import format: a folder with one file per table, as CSV or JSON Lines.

::

    history/
      participants.csv   (or .jsonl; either may be gzip-compressed: participants.csv.gz)
      enrollments.csv
      outcomes.csv

CSV columns are derived from the records (:mod:`matcher.learning.history`), so the
format follows the profile as it grows: a nested profile part is flattened with its
name as prefix (``availability_times``, ``household_county``), lists separate items
with ``;`` (``\\;`` for a literal one), booleans are true/false, yes/no, y/n or 1/0,
an empty cell means "not given". Reporting-only demographics are the ``report_*``
columns of ``participants.csv``. JSON Lines holds one record per line: a participant
is ``{"id": ..., "profile": {...}, "demographics": {...}}``; enrollments and outcomes
are flat objects with the CSV column names as keys. ``docs/learning.md`` lists every
column and ``docs/schemas/history_*.schema.json`` the JSON shapes.

Every bad row is reported with its table, row (the line number) and field, like the
catalog import: bad values, duplicate ids, an enrollment whose participant or an
outcome whose enrollment is not in the history, program ids not in the catalog in
force (also among the programs considered), and a training type that contradicts the
program's. Nothing is returned unless the caller asks to skip invalid rows; then rows
that depend on a skipped row are skipped too, and said so. Values of personal fields
(barriers, record, reporting demographics) are never repeated in a report.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import json
import multiprocessing
import os
import re
import threading
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import SchemaValidator

from ..catalog import Catalog
from ..csv_format import escape_item, parse_bool, split_items
from ..errors import FieldProblem, ImportRowsError, InputFileError, from_pydantic, shown_value
from ..input_files import decode_bytes
from ..records import BOOL_FOR_NUMBER_CHECK, SENSITIVE_FIELDS, SeekerProfile, plain_message
from .collection import fewer_collections
from .history import (
    REPORTING_FIELDS,
    Enrollment,
    History,
    Outcome,
    Participant,
    Records,
    ReportingDemographics,
    canonical_json,
)

TABLES = ("participants", "enrollments", "outcomes")
#: Uncompressed size limit per file: generous, histories are large (a 1M-enrollment CSV is about 100 MB).
DEFAULT_MAX_BYTES = 2 * 1024**3
REPORT_PREFIX = "report_"
ProgressCallback = Callable[[str, int], None]


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    """One CSV column: its name, the record field (dotted path) it fills and how its cells read."""

    name: str
    path: str
    kind: str  # "text" | "list" | "bool"
    sensitive: bool = False


def _kind(annotation: Any) -> str:
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin is list:
        return "list"
    if annotation is bool:
        return "bool"
    if origin in (typing.Union, types.UnionType) and bool in args:
        return "bool"
    return "text"


def _columns_of(model: type[BaseModel], *, prefix: str = "", path: str = "", skip: frozenset[str] = frozenset(),
                sensitive: frozenset[str] = frozenset(), flatten: bool = True) -> list[Column]:
    out: list[Column] = []
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        sub = info.annotation
        if flatten and isinstance(sub, type) and issubclass(sub, BaseModel):
            out.extend(_columns_of(sub, prefix=f"{prefix}{name}_", path=f"{path}{name}.",
                                   sensitive=sensitive, flatten=False))
            continue
        out.append(Column(f"{prefix}{name}", f"{path}{name}", _kind(info.annotation), name in sensitive))
    return out


def participant_columns() -> list[Column]:
    """``id``, the profile's fields (nested parts flattened) and the ``report_*`` demographics."""
    return [Column("id", "id", "text"),
            *_columns_of(SeekerProfile, path="profile.", skip=frozenset({"id"}), sensitive=SENSITIVE_FIELDS),
            *_columns_of(ReportingDemographics, prefix=REPORT_PREFIX, path="demographics.",
                         sensitive=REPORTING_FIELDS)]


def enrollment_columns() -> list[Column]:
    return _columns_of(Enrollment)


def outcome_columns() -> list[Column]:
    return _columns_of(Outcome)


COLUMNS: dict[str, Callable[[], list[Column]]] = {
    "participants": participant_columns, "enrollments": enrollment_columns, "outcomes": outcome_columns}
REQUIRED_COLUMNS = {"participants": ("id",), "enrollments": ("id", "participant_id", "program_id"),
                    "outcomes": ("enrollment_id", "completed")}
MODELS: dict[str, type[BaseModel]] = {"participants": Participant, "enrollments": Enrollment, "outcomes": Outcome}


# --------------------------------------------------------------------------- finding and reading files


def table_files(folder: str | Path) -> dict[str, Path]:
    """The file of each table in ``folder`` (CSV or JSON Lines, optionally .gz); error if one is missing."""
    root = Path(folder)
    if not root.exists():
        raise InputFileError(f"history folder not found: {root}", field="folder")
    if not root.is_dir():
        raise InputFileError(f"{root} is not a folder; give the folder holding participants, enrollments "
                             f"and outcomes files", field="folder")
    found: dict[str, Path] = {}
    for table in TABLES:
        candidates = [root / f"{table}.{ext}" for ext in ("csv", "jsonl", "csv.gz", "jsonl.gz")]
        present = [c for c in candidates if c.exists()]
        if not present:
            raise InputFileError(f"{root} has no {table}.csv or {table}.jsonl (optionally .gz)", field=table)
        if len(present) > 1:
            raise InputFileError(f"{root} has several {table} files ({', '.join(p.name for p in present)}); "
                                 f"keep one", field=table)
        found[table] = present[0]
    return found


def _read_file_text(path: Path, max_bytes: int) -> str:
    if not path.is_file():
        raise InputFileError(f"{path} is not a regular file", field="file")
    size = path.stat().st_size
    if size == 0:
        raise InputFileError(f"file is empty: {path}", field="file")
    too_large = InputFileError(f"{path.name} is larger than the limit of {max_bytes:,} bytes; split it",
                               field="file")
    if size > max_bytes:
        raise too_large
    try:
        if path.suffix == ".gz":
            chunks: list[bytes] = []
            total = 0
            with gzip.open(path, "rb") as fh:
                while total <= max_bytes:
                    block = fh.read(1 << 22)  # read(n) would allocate n bytes at once
                    if not block:
                        break
                    chunks.append(block)
                    total += len(block)
            data = b"".join(chunks)
        else:
            data = path.read_bytes()
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputFileError(f"cannot read {path.name}: {exc}", field="file") from None
    if len(data) > max_bytes:
        raise too_large
    return decode_bytes(data, name=path.name)


def _is_jsonl(path: Path) -> bool:
    return path.name.removesuffix(".gz").endswith(".jsonl")


_Row = tuple[int, dict[str, Any], list[FieldProblem]]
#: How one CSV column is read: (cell index, column name, kind, record path, sensitive).
_Cell = tuple[int, str, str, tuple[str, ...], bool]


def _csv_layout(header_cells: list[str], table: str, name: str) -> tuple[_Cell, ...]:
    """Check a CSV header (unknown, missing, repeated columns) and say how each known column is read."""
    header = [h.strip() for h in header_cells]
    columns = {c.name: c for c in COLUMNS[table]()}
    unknown = [h for h in header if h and not h.startswith("#") and h not in columns]
    if unknown:
        raise InputFileError(f"{name}: unknown column(s) {', '.join(repr(u) for u in unknown)}; see docs/learning.md "
                             f"for the {table} columns", field=unknown[0])
    missing = [c for c in REQUIRED_COLUMNS[table] if c not in header]
    if missing:
        raise InputFileError(f"{name}: missing required column(s) {', '.join(missing)}", field=missing[0])
    seen: set[str] = set()
    for h in header:
        if h in seen and h in columns:
            raise InputFileError(f"{name}: column {h!r} appears twice", field=h)
        seen.add(h)
    # the column's nested path split once, not once per cell
    return tuple((i, h, columns[h].kind, tuple(columns[h].path.split(".")), columns[h].sensitive)
                 for i, h in enumerate(header) if h in columns)


def _csv_rows(text: str, table: str, name: str, layout: tuple[_Cell, ...], first_line: int, *,
              header: bool = False) -> Iterator[_Row]:
    """(line, nested record dict, cell problems) per data row of CSV ``text``, which starts at line
    ``first_line`` of the file (line numbers are the file's); ``header``: skip its first row."""
    reader = csv.reader(io.StringIO(text, newline=""))
    before = first_line - 1
    line = before
    if header:
        next(reader)  # read (and checked) before
        line = before + reader.line_num
    participants = table == "participants"
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputFileError(f"{name} is not valid CSV near line {line + 1}: {exc}", field="file") from None
        line = before + reader.line_num
        n = len(cells)
        record: dict[str, Any] = {}
        problems: list[FieldProblem] = []
        empty = True
        for i, column, kind, path, sensitive in layout:
            if i >= n:
                continue
            text_ = cells[i].strip()
            if not text_:
                continue
            empty = False
            value: Any = text_
            if kind == "bool":
                try:
                    value = parse_bool(text_)
                except ValueError as exc:
                    problems.append(FieldProblem(column, str(exc), line, None if sensitive else shown_value(text_)))
                    continue
            elif kind == "list":
                value = split_items(text_)
            depth = len(path)
            if depth == 1:
                record[path[0]] = value
            elif depth == 2:
                inner = record.get(path[0])
                if inner is None:
                    inner = record[path[0]] = {}
                inner[path[1]] = value
            else:
                _put(record, path, value)
        if empty and not any(c.strip() for c in cells):
            continue
        if participants:
            record.setdefault("profile", {})
        yield line, record, problems


def _jsonl_rows(lines: list[str], name: str, first_line: int = 1) -> Iterator[_Row]:
    for line, raw in enumerate(lines, start=first_line):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputFileError(f"{name} line {line} is not valid JSON: {exc.msg} at column {exc.colno}",
                                 field="file") from None
        if not isinstance(value, dict):
            yield line, {}, [FieldProblem("(record)", f"must be a JSON object, not {type(value).__name__}", line)]
            continue
        yield line, value, []


def _put(record: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    target = record
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class HistoryReadResult:
    """A validated history and every problem found (table-qualified fields: ``enrollments.program_id``)."""

    history: History
    problems: tuple[FieldProblem, ...]
    rows_read: dict[str, int]
    files: dict[str, Path]

    @property
    def ok(self) -> bool:
        return not self.problems

    def bad_rows(self, table: str) -> set[int]:
        return {p.row for p in self.problems if p.row is not None and p.field.split(".")[0] == table}


def _column_name(table: str, field: str, csv_fields: bool) -> tuple[str, bool]:
    """A pydantic field path as the column (CSV) or dotted path (JSON) a person sees, and whether it is personal."""
    parts = field.split(".")
    sensitive = False
    if table == "participants" and parts[0] == "profile" and len(parts) > 1:
        sensitive = parts[1] in SENSITIVE_FIELDS
    if table == "participants" and parts[0] == "demographics":
        sensitive = True
    if not csv_fields:
        return field, sensitive
    if table == "participants" and parts[0] == "profile" and len(parts) > 1:
        names = [c.name for c in participant_columns()]
        for cut in (3, 2):
            candidate = "_".join(parts[1:cut])
            if candidate in names:
                rest = parts[cut:]
                return candidate + (f" item {int(rest[0]) + 1}" if rest and rest[0].isdigit() else ""), sensitive
        return "_".join(parts[1:]) or "profile", sensitive
    if table == "participants" and parts[0] == "demographics" and len(parts) > 1:
        return REPORT_PREFIX + parts[1], sensitive
    if len(parts) > 1 and parts[1].isdigit():
        return f"{parts[0]} item {int(parts[1]) + 1}", sensitive
    return field, sensitive


@functools.cache
def _csv_validator(model: type[BaseModel]) -> SchemaValidator:
    """``model``'s validator without the records' check that true/false is not given for a number.

    A CSV cell reaches validation as text (or, in a true/false column, as a bool for a true/false field),
    so that check can never fire there; leaving it out saves a Python call per field of every row.
    Everything else, and so every error message, is the model's own.
    """
    return SchemaValidator(_without_bool_check(model.__pydantic_core_schema__))


def _without_bool_check(node: Any) -> Any:
    if isinstance(node, list):
        return [_without_bool_check(v) for v in node]
    if not isinstance(node, dict):
        return node
    if node.get("type") == "function-before" and \
            getattr(node["function"].get("function"), "__name__", "") == BOOL_FOR_NUMBER_CHECK:
        return _without_bool_check(node["schema"])
    return {k: v if k in ("cls", "function", "serialization", "metadata", "config") else _without_bool_check(v)
            for k, v in node.items()}


def _validate(table: str, line: int, record: dict[str, Any], csv_fields: bool) -> tuple[Any, list[FieldProblem]]:
    try:
        if csv_fields:
            return _csv_validator(MODELS[table]).validate_python(record), []
        return MODELS[table].model_validate(record), []
    except PydanticValidationError as exc:
        out = []
        for p in from_pydantic(exc, row=line):
            name, sensitive = _column_name(table, p.field, csv_fields)
            out.append(FieldProblem(name, plain_message(p.message), line, None if sensitive else p.value))
        return None, out


def _q(table: str, problem: FieldProblem) -> FieldProblem:
    """Qualify a problem's field with its table (``enrollments.program_id``)."""
    return FieldProblem(f"{table}.{problem.field}", problem.message, problem.row, problem.value)


#: Below this many characters a table is read in this process: starting workers costs more than it saves.
PARALLEL_MIN_CHARS = 8 * 1024**2
#: Characters of CSV (or lines of JSON Lines, times 1,000) one worker reads at a time.
PART_CHARS = 8 * 1024**2


@fewer_collections()
def read_history(folder: str | Path, *, catalog: Catalog | None = None, skip_invalid: bool = False,
                 max_bytes: int = DEFAULT_MAX_BYTES, progress: ProgressCallback | None = None,
                 workers: int | None = None, pool: Any = None) -> HistoryReadResult:
    """Read and validate a history folder (see the module docstring).

    ``catalog``: the catalog in force; program ids not in it are reported (None: not checked).
    ``workers``: processes validating rows (None: one per CPU, at most 4; large tables only).
    ``pool``: a ``multiprocessing`` pool to validate them on instead (not closed here; ``workers`` is then
    ignored), e.g. :func:`~matcher.learning.evaluation.feature_workers`' processes.
    Raises :class:`ImportRowsError` carrying every problem unless ``skip_invalid``.
    """
    files = table_files(folder)
    rows_read: dict[str, int] = {}
    problems: list[FieldProblem] = []
    valid: dict[str, list[_Valid]] = {}
    n_workers = min(4, os.cpu_count() or 1) if workers is None else max(1, workers)
    own_pool = pool is None
    try:
        for table in TABLES:
            path = files[table]
            text = _read_file_text(path, max_bytes)
            parts = _parts(text, table, path)
            del text
            if (n_workers > 1 or not own_pool) and len(parts) > 1:
                if pool is None:
                    pool = _context().Pool(n_workers)
                results: Iterable[_PartResult] = pool.imap(_read_part, parts)
            else:
                results = map(_read_part, parts)
            kept: list[_Valid] = []
            count = 0
            for result in results:
                if result.error is not None:
                    raise InputFileError(result.error[0], field=result.error[1])
                count += result.count
                kept.extend(result.kept)
                problems.extend(result.problems)
                if progress is not None:
                    progress(table, count)
            del parts
            if count == 0:
                raise InputFileError(f"{path.name} has no {table} rows", field=table)
            rows_read[table] = count
            valid[table] = kept
    finally:
        if own_pool and pool is not None:
            pool.terminate()
            pool.join()

    participants, enrollments, outcomes = _cross_check(valid, catalog, problems)
    del valid
    problems.sort(key=lambda p: (TABLES.index(p.field.split(".")[0]), p.row or 0))
    if problems and not skip_invalid:
        bad = sum(len({p.row for p in problems if p.field.startswith(t + ".")}) for t in TABLES)
        raise ImportRowsError(f"{bad} of {sum(rows_read.values())} history rows are invalid; nothing was imported",
                              field=problems[0].field, problems=problems)
    history = History(Records(Participant, [b for _, b in participants], [k for k, _ in participants]),
                      Records(Enrollment, [b for _, b in enrollments], [k for k, _ in enrollments]),
                      Records(Outcome, [b for _, b in outcomes], [k for k, _ in outcomes]), source=str(folder))
    return HistoryReadResult(history, tuple(problems), rows_read, files)


# --------------------------------------------------------------------------- reading in parts

#: A valid row: (line, key, canonical JSON) and, for enrollments, (participant id, program id,
#: training type, programs considered) for the cross-table checks.
_Valid = tuple[Any, ...]


@dataclass(frozen=True)
class _Part:
    """A run of whole rows of one table file, with what is needed to read it in another process."""

    table: str
    name: str
    jsonl: bool
    first_line: int
    text: str = ""  # CSV rows
    lines: tuple[str, ...] = ()  # JSON Lines
    layout: tuple[_Cell, ...] = ()  # CSV columns
    header: bool = False  # CSV text starting with its header row (read whole)


@dataclass(frozen=True)
class _PartResult:
    count: int
    kept: list[_Valid]
    problems: list[FieldProblem]
    error: tuple[str, str] | None = None  # a file-level error (message, field): the file cannot be read


def _parts(text: str, table: str, path: Path) -> list[_Part]:
    """Cut a table file into parts of whole rows, checking a CSV file's header first."""
    name = path.name
    if _is_jsonl(path):
        lines = text.splitlines()  # the line breaks the line numbers always counted
        step = PART_CHARS // 1000 if len(text) >= PARALLEL_MIN_CHARS else max(1, len(lines))
        return [_Part(table, name, True, i + 1, lines=tuple(lines[i:i + step])) for i in range(0, len(lines), step)]
    try:
        header = next(csv.reader(io.StringIO(text, newline="")))
    except (StopIteration, csv.Error) as exc:
        raise InputFileError(f"{name} is not valid CSV: {exc}", field="file") from None
    layout = _csv_layout(header, table, name)
    if len(text) < PARALLEL_MIN_CHARS or not _splittable(text):
        return [_Part(table, name, False, 1, text=text, layout=layout, header=True)]
    parts: list[_Part] = []
    start = text.index("\n") + 1  # a splittable file's header is its first line
    line = 2
    while start < len(text):
        end = text.find("\n", min(len(text), start + PART_CHARS))
        end = len(text) if end < 0 else end + 1
        parts.append(_Part(table, name, False, line, text=text[start:end], layout=layout))
        line += text.count("\n", start, end)
        start = end
    return parts or [_Part(table, name, False, 1, text=text, layout=layout, header=True)]


_QUOTED = re.compile(r'"(?:[^"]|"")*"')


def _splittable(text: str) -> bool:
    """Whether every line break of a CSV file ends a row, so that it can be cut at any of them.

    True when every quoted cell is well formed and holds no line break, and no line ends in a lone
    carriage return (which the CSV reader also counts as a line end). Otherwise the file is read whole.
    """
    if text.count("\r") != text.count("\r\n"):
        return False
    if '"' not in text:
        return True
    quotes = 0
    for match in _QUOTED.finditer(text):
        a, b = match.span()
        cell = match.group()
        if "\n" in cell or "\r" in cell or (a > 0 and text[a - 1] not in ",\n") or \
                (b < len(text) and text[b] not in ",\r\n"):
            return False
        quotes += cell.count('"')
    return quotes == text.count('"')


def _context() -> Any:
    """fork where it is safe (no other thread whose locks a child would inherit held), else spawn.

    fork needs no re-import in the workers and works from a script without a ``__main__`` guard.
    """
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _read_part(part: _Part) -> _PartResult:
    """Validate the rows of one part; runs in a worker process for large tables."""
    table = part.table
    kept: list[_Valid] = []
    problems: list[FieldProblem] = []
    count = 0
    rows = _jsonl_rows(list(part.lines), part.name, part.first_line) if part.jsonl else \
        _csv_rows(part.text, table, part.name, part.layout, part.first_line, header=part.header)
    try:
        for line, record, cell_problems in rows:
            count += 1
            obj, row_problems = (None, []) if cell_problems and not record else _validate(
                table, line, record, csv_fields=not part.jsonl)
            said = {c.field for c in cell_problems}  # a bad cell is reported once, not again as "missing"
            row_problems = cell_problems + [r for r in row_problems if r.field not in said]
            if row_problems:
                problems.extend(_q(table, p) for p in row_problems)
            elif obj is not None:
                kept.append(_valid_row(table, line, obj))
    except InputFileError as exc:
        return _PartResult(count, [], [], (exc.message, exc.field or "file"))
    return _PartResult(count, kept, problems)


def _valid_row(table: str, line: int, obj: Any) -> _Valid:
    blob = canonical_json(obj)
    if table == "participants":
        return line, obj.id, blob
    if table == "outcomes":
        return line, obj.enrollment_id, blob
    return line, obj.id, blob, obj.participant_id, obj.program_id, obj.training_type, obj.considered_program_ids


_Kept = list[tuple[str, bytes]]


def _cross_check(valid: dict[str, list[_Valid]], catalog: Catalog | None,
                 problems: list[FieldProblem]) -> tuple[_Kept, _Kept, _Kept]:
    """Duplicates and references between tables (and to the catalog); appends problems, returns the rows kept."""
    participants: _Kept = []
    first: dict[str, int] = {}
    for line, key, blob in valid["participants"]:
        if key in first:
            problems.append(FieldProblem("participants.id", f"duplicate id {key!r} (first on line {first[key]})",
                                         line, key))
            continue
        first[key] = line
        participants.append((key, blob))
    known_people = first
    pirl = {p.id: p.type.pirl_1303 for p in catalog.programs} if catalog is not None else {}

    enrollments: _Kept = []
    first_e: dict[str, int] = {}
    for line, key, blob, participant_id, program_id, training_type, considered in valid["enrollments"]:
        row_problems: list[FieldProblem] = []
        if key in first_e:
            row_problems.append(FieldProblem("id", f"duplicate id {key!r} (first on line {first_e[key]})", line,
                                             key))
        if participant_id not in known_people:
            row_problems.append(FieldProblem("participant_id", "not a participant in participants (or its row was "
                                             "invalid)", line, participant_id))
        if catalog is not None:
            if program_id not in pirl:
                row_problems.append(FieldProblem("program_id", "not a program in the catalog in force", line,
                                                 program_id))
            else:
                code = pirl[program_id]
                if training_type is not None and code is not None and training_type != code:
                    row_problems.append(FieldProblem(
                        "training_type", f"the catalog's program {program_id!r} is PIRL 1303 type {code}", line,
                        training_type))
            for i, pid in enumerate(considered):
                if pid != program_id and pid not in pirl:
                    row_problems.append(FieldProblem(f"considered_program_ids item {i + 1}",
                                                     "not a program in the catalog in force", line, pid))
        if row_problems:
            problems.extend(_q("enrollments", p) for p in row_problems)
            continue
        first_e[key] = line
        enrollments.append((key, blob))
    known_enrollments = first_e

    outcomes: _Kept = []
    first_o: dict[str, int] = {}
    for line, key, blob in valid["outcomes"]:
        if key in first_o:
            problems.append(FieldProblem("outcomes.enrollment_id", f"a second outcome for enrollment "
                                         f"{key!r} (first on line {first_o[key]})", line, key))
            continue
        if key not in known_enrollments:
            problems.append(FieldProblem("outcomes.enrollment_id", "not an enrollment in enrollments (or its row "
                                         "was invalid)", line, key))
            continue
        first_o[key] = line
        outcomes.append((key, blob))
    return participants, enrollments, outcomes


# --------------------------------------------------------------------------- writing


def _cell(value: Any, column: Column) -> str:
    if value is None:
        return ""
    if column.kind == "list":
        return ";".join(escape_item(_scalar(v)) for v in value)
    return _scalar(value)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if hasattr(value, "value"):
        return str(value.value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _get(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def _open_out(path: Path, compress: bool) -> IO[str]:
    if compress:
        # mtime=0: the same history always gives the same bytes (reproducible shipped data).
        return io.TextIOWrapper(gzip.GzipFile(filename=str(path), mode="wb", mtime=0, compresslevel=9),
                                encoding="utf-8", newline="")
    return open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115


def write_history(history: History | tuple[Iterable[Participant], Iterable[Enrollment], Iterable[Outcome]],
                  folder: str | Path, *, format: str = "csv", compress: bool = False) -> dict[str, Path]:  # noqa: A002
    """Write the three tables to ``folder`` as CSV or JSON Lines (``compress``: gzip). Returns the files."""
    if format not in ("csv", "jsonl"):
        raise InputFileError(f"unknown history format {format!r}; use csv or jsonl", field="format")
    tables = (history.participants, history.enrollments, history.outcomes) if isinstance(history, History) \
        else history
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    for table, rows in zip(TABLES, tables):
        path = root / f"{table}.{format}{'.gz' if compress else ''}"
        for other in root.glob(f"{table}.*"):
            if other != path and other.name.removeprefix(table + ".") in ("csv", "jsonl", "csv.gz", "jsonl.gz"):
                other.unlink()
        with _open_out(path, compress) as fh:
            if format == "jsonl":
                for r in rows:
                    fh.write(json.dumps(r.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False,
                                        sort_keys=True) + "\n")
            else:
                columns = COLUMNS[table]()
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow([c.name for c in columns])
                for r in rows:
                    writer.writerow([_cell(_get(r, c.path), c) for c in columns])
        out[table] = path
    return out
