"""Program catalogs: an immutable collection, plus import from and export to CSV and JSON.

Formats (see ``docs/records.md`` for the columns and ``docs/interop.md`` for
other standards):

- JSON, canonical: ``{"format": "matcher-catalog", "version": 1, "programs": [...]}``
  with each program as ``Program.model_dump(mode="json")``. A bare JSON list
  of programs is accepted too.
- JSON Lines (``.jsonl``): one program object per line.
- CSV: one row per program, the columns of :mod:`matcher.csv_format`.

Every record is validated with :func:`matcher.records.parse_program`. An
import reports *all* bad records at once, each with its row and field:

- CSV: ``row`` is the spreadsheet row number (the header is row 1, the first
  program row 2); ``field`` is the CSV column name.
- JSON: ``row`` is the 1-based position of the program in the list; ``field``
  is the dotted field path (``schedule.hours_per_week``).
- JSON Lines: ``row`` is the line number in the file.

Nothing is returned unless every record is valid, or ``skip_invalid=True``, in
which case the valid programs are returned together with the problems.

Places are checked against the shipped national ZIP points
(:func:`place_problems`): an in-person or hybrid program whose only place is a
ZIP that is not a known ZIP (``00000``, a typo) is a row error naming the ZIP
column, because the matcher could not place it and would show it to everyone
as "distance unknown". When the record also gives coordinates, or is online
only, an unknown ZIP is a warning (``ImportResult.warnings``), as is a ZIP in
another state than the record's ``state``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from . import csv_format as cf
from .errors import (
    DataError,
    FieldProblem,
    ImportRowsError,
    InputFileError,
    NotFoundError,
    ValidationError,
    shown_value,
)
from .input_files import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    detect_format,
    iter_json_lines,
    parse_json,
    raise_too_many_rows,
    read_text,
)
from .paths import data_dir
from .records import (
    PROGRAM_TYPE_ALIASES,
    Program,
    ProgramType,
    Sector,
    parse_program,
)

CATALOG_FORMAT = "matcher-catalog"
CATALOG_VERSION = 1
SAMPLE_CATALOG_FILE = "sample_catalog.json"

ProgressCallback = Callable[[int], None]


# --------------------------------------------------------------------------- the collection


def parse_program_type(text: str | ProgramType) -> ProgramType:
    """A program type from its value (``ojt``), an alias (``apprenticeship``) or its label."""
    if isinstance(text, ProgramType):
        return text
    key = text.strip().lower()
    for candidate in (key, key.replace("-", "_").replace(" ", "_")):
        try:
            return ProgramType(candidate)
        except ValueError:
            pass
    if key in PROGRAM_TYPE_ALIASES:
        return PROGRAM_TYPE_ALIASES[key]
    for ptype in ProgramType:
        if ptype.label.lower() == key:
            return ptype
    choices = ", ".join([t.value for t in ProgramType] + sorted(PROGRAM_TYPE_ALIASES))
    raise ValidationError(f"unknown program type {text!r}; use one of: {choices}", field="type")


def parse_sector(text: str | Sector) -> Sector:
    """A sector from its value (``construction``) or label, ignoring case, '-' and spaces."""
    if isinstance(text, Sector):
        return text
    key = text.strip().lower()
    try:
        return Sector(key.replace("-", "_").replace(" ", "_"))
    except ValueError:
        pass
    for sector in Sector:
        if sector.label.lower() == key:
            return sector
    choices = ", ".join(s.value for s in Sector)
    raise ValidationError(f"unknown sector {text!r}; use one of: {choices}", field="sector")


def county_key(name: str) -> str:
    """'Multnomah County' and 'multnomah' compare equal."""
    key = " ".join(name.strip().lower().split())
    return key[: -len(" county")] if key.endswith(" county") else key


@dataclass(frozen=True)
class Catalog:
    """An immutable, id-indexed collection of programs.

    ``source`` says where it came from (a file path, ``store: <url>``, or the
    shipped sample catalog), so that output can tell the user what they are
    looking at.
    """

    programs: tuple[Program, ...] = ()
    source: str = ""
    _by_id: dict[str, Program] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        programs = tuple(self.programs)
        by_id: dict[str, Program] = {}
        for program in programs:
            if program.id in by_id:
                raise ValidationError(f"duplicate program id {program.id!r} in catalog", field="id")
            by_id[program.id] = program
        object.__setattr__(self, "programs", programs)
        object.__setattr__(self, "_by_id", by_id)

    def __len__(self) -> int:
        return len(self.programs)

    def __iter__(self) -> Iterator[Program]:
        return iter(self.programs)

    def __contains__(self, program_id: object) -> bool:
        return program_id in self._by_id

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._by_id)

    def get(self, program_id: str) -> Program:
        try:
            return self._by_id[program_id]
        except KeyError:
            raise NotFoundError(f"no program with id {program_id!r}", field="program_id") from None

    def filter(
        self,
        *,
        sector: str | Sector | None = None,
        type: str | ProgramType | None = None,  # noqa: A002 - mirrors the record field
        county: str | None = None,
        provider: str | None = None,
        paid: bool | None = None,
        free: bool | None = None,
    ) -> Catalog:
        """The programs matching every criterion given (criteria left None are ignored)."""
        want_sector = parse_sector(sector) if sector is not None else None
        want_type = parse_program_type(type) if type is not None else None
        want_county = county_key(county) if county is not None else None
        want_provider = provider.strip().lower() if provider is not None else None

        def keep(p: Program) -> bool:
            if want_sector is not None and p.sector is not want_sector:
                return False
            if want_type is not None and p.type is not want_type:
                return False
            if want_county is not None and county_key(p.location.county or "") != want_county:
                return False
            if want_provider is not None and p.provider.lower() != want_provider:
                return False
            if paid is not None and p.paid.is_paid != paid:
                return False
            return not (free is not None and p.cost.is_free != free)

        return Catalog(tuple(p for p in self.programs if keep(p)), source=self.source)


@dataclass(frozen=True)
class ImportResult:
    """What :func:`read_catalog` found: the valid programs and every problem."""

    catalog: Catalog
    problems: tuple[FieldProblem, ...] = ()
    rows_read: int = 0
    warnings: tuple[FieldProblem, ...] = ()  # worth a look, not fatal (e.g. a ZIP in another state)

    @property
    def programs(self) -> tuple[Program, ...]:
        return self.catalog.programs

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_rows(self) -> tuple[int, ...]:
        return tuple(sorted({p.row for p in self.problems if p.row is not None}))


# --------------------------------------------------------------------------- reading


def load_catalog(path: str | Path, **options: Any) -> Catalog:
    """Read and validate a catalog file; raise on any bad record (see :func:`read_catalog`)."""
    return read_catalog(path, **options).catalog


def read_catalog(
    path: str | Path,
    *,
    skip_invalid: bool = False,
    format: str | None = None,  # noqa: A002 - the natural name
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    progress: ProgressCallback | None = None,
    check_ids: bool = True,
) -> ImportResult:
    """Read a CSV, JSON or JSON Lines catalog, validating every record.

    Raises :class:`InputFileError` when the file cannot be read at all and
    :class:`ImportRowsError` (carrying every problem) when any record is bad,
    unless ``skip_invalid`` is true. ``progress`` is called with the number
    of records read so far (for a progress bar). ``check_ids`` (default) reports
    skill, credential and occupation IDs the shipped taxonomy does not know as row
    errors (:func:`matcher.taxonomy.check_program_ids`).
    """
    p = Path(path)
    text = read_text(p, max_bytes=max_bytes)
    return read_catalog_text(text, format=detect_format(p, text, format), name=p.name, source=str(p),
                             skip_invalid=skip_invalid, max_rows=max_rows, progress=progress, check_ids=check_ids)


def read_catalog_text(
    text: str,
    *,
    format: str,  # noqa: A002 - the natural name
    name: str = "catalog",
    source: str = "",
    skip_invalid: bool = False,
    max_rows: int = DEFAULT_MAX_ROWS,
    progress: ProgressCallback | None = None,
    check_ids: bool = True,
) -> ImportResult:
    """:func:`read_catalog` on text already read (an upload): ``format`` is csv, json or jsonl,
    ``name`` is what messages call it. The same checks and the same all-or-nothing rule apply."""
    fmt = detect_format(name, text, format)
    if fmt == "csv":
        records = _csv_records(text, name=name, max_rows=max_rows)
    elif fmt == "jsonl":
        records = _jsonl_records(text, name=name, max_rows=max_rows)
    else:
        records = _json_records(text, name=name, max_rows=max_rows)

    programs: list[Program] = []
    problems: list[FieldProblem] = []
    warnings: list[FieldProblem] = []
    first_row_of: dict[str, int] = {}
    rows_read = 0
    column_of = _csv_column if fmt == "csv" else _same
    for row, record, pre_problems in records:
        rows_read += 1
        if progress is not None:
            progress(rows_read)
        program, row_problems = _validate(record, row=row, csv_fields=fmt == "csv", check_ids=check_ids)
        row_problems = pre_problems + row_problems
        if program is not None and not row_problems:
            place_errors, place_warnings = place_problems(program, row=row, column_of=column_of)
            row_problems.extend(place_errors)
            warnings.extend(place_warnings)
        if program is not None and not row_problems:
            if program.id in first_row_of:
                row_problems.append(FieldProblem(
                    field="id", row=row, value=program.id,
                    message=f"duplicate id {program.id!r} (first used on row {first_row_of[program.id]})",
                ))
            else:
                first_row_of[program.id] = row
                programs.append(program)
        problems.extend(row_problems)

    if rows_read == 0:
        what = "a header but no program rows" if fmt == "csv" else "no programs"
        raise InputFileError(f"{name} has {what}", field="file")
    if problems and not skip_invalid:
        bad = len({pr.row for pr in problems})
        raise ImportRowsError(
            f"{bad} of {rows_read} records in {name} are invalid: fix them to use this catalog",
            field=problems[0].field,
            problems=problems,
        )
    return ImportResult(Catalog(tuple(programs), source=source or name), tuple(problems), rows_read, tuple(warnings))


_Record = tuple[int, Any, list[FieldProblem]]


def _csv_records(text: str, *, name: str, max_rows: int) -> Iterator[_Record]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except csv.Error as exc:
        raise InputFileError(f"{name} is not valid CSV: {exc}", field="file") from None
    keep = _check_header(header, name=name)
    unnamed = [i for i, h in enumerate(header) if not h.strip()]
    count = 0
    row = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise InputFileError(f"{name} is not valid CSV near row {row + 1}: {exc}", field="file") from None
        row += 1
        if not any(c.strip() for c in cells):
            continue  # blank line
        count += 1
        if count > max_rows:
            raise_too_many_rows(max_rows)
        pre: list[FieldProblem] = []
        extra = [c for c in cells[len(header):] if c.strip()]
        if extra:
            pre.append(FieldProblem(field="(row)", row=row,
                                    message=f"row has {len(cells)} cells but the header has {len(header)} columns"))
        for index in unnamed:
            if index < len(cells) and cells[index].strip():
                pre.append(FieldProblem(field=f"(column {index + 1})", row=row, value=shown_value(cells[index].strip()),
                                        message="this cell is in a column with no header"))
        by_name = {column: (cells[index] if index < len(cells) else "") for index, column in keep.items()}
        record, cell_problems = cf.row_to_record(by_name, row=row)
        yield row, record, pre + cell_problems


def _check_header(header: list[str], *, name: str) -> dict[int, str]:
    """Return {cell index: column name} of the columns to read; raise on unknown/missing/duplicate ones."""
    problems: list[str] = []
    keep: dict[int, str] = {}
    seen: set[str] = set()
    for index, raw in enumerate(header):
        column = raw.strip()  # read_text has already removed any byte-order mark
        if not column or cf.is_comment_column(column):
            continue  # comment column, or a blank header (its cells must be empty: checked per row)
        if column not in cf.BY_NAME:
            hint = _closest(column, cf.COLUMN_NAMES)
            problems.append(f"unknown column {column!r}" + (f" (did you mean {hint!r}?)" if hint else ""))
            continue
        if column in seen:
            problems.append(f"column {column!r} appears twice")
            continue
        seen.add(column)
        keep[index] = column
    missing = [c for c in cf.REQUIRED_COLUMNS if c not in seen]
    if missing:
        problems.append("missing required column(s): " + ", ".join(missing))
    if problems:
        raise InputFileError(f"{name}: bad header: " + "; ".join(problems), field="header")
    return keep


def _closest(word: str, choices: Iterable[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.75)
    return found[0] if found else None


def _json_records(text: str, *, name: str, max_rows: int) -> Iterator[_Record]:
    data = parse_json(text, name=name)
    if isinstance(data, dict):
        if "programs" not in data:
            raise InputFileError(
                f"{name}: a JSON catalog must be a list of programs or an object with a \"programs\" list",
                field="programs",
            )
        fmt = data.get("format", CATALOG_FORMAT)
        if fmt != CATALOG_FORMAT:
            raise InputFileError(f"{name}: format is {fmt!r}, expected {CATALOG_FORMAT!r}", field="format")
        version = data.get("version", CATALOG_VERSION)
        if version != CATALOG_VERSION:
            raise InputFileError(f"{name}: catalog version {version!r} is not supported (expected 1)",
                                 field="version")
        data = data["programs"]
    if not isinstance(data, list):
        raise InputFileError(f"{name}: expected a list of programs, found {type(data).__name__}", field="programs")
    if len(data) > max_rows:
        raise_too_many_rows(max_rows)
    for index, item in enumerate(data, start=1):
        yield index, item, []


def _jsonl_records(text: str, *, name: str, max_rows: int) -> Iterator[_Record]:
    for lineno, item in iter_json_lines(text, name=name, max_rows=max_rows):
        yield lineno, item, []


def _validate(record: Any, *, row: int, csv_fields: bool,
              check_ids: bool = True) -> tuple[Program | None, list[FieldProblem]]:
    try:
        program = parse_program(record, row=row)
        problems = _id_problems(program) if check_ids else []
        if not problems:
            return program, []
    except ValidationError as exc:
        problems = exc.problems or [FieldProblem(field=exc.field or "(record)", message=exc.message, row=row)]
    out = []
    for pr in problems:
        fld, msg = pr.field, pr.message
        if csv_fields:
            fld, msg = cf.column_for_field(fld, msg)
        out.append(FieldProblem(field=fld, message=msg, row=row, value=pr.value, suggestions=pr.suggestions))
    return None, out


def _id_problems(program: Program) -> list[FieldProblem]:
    """The hook to the taxonomy's one ID check (skills, credentials, occupations)."""
    from .taxonomy import check_program_ids, load_taxonomy

    return check_program_ids(program, load_taxonomy())


def _csv_column(path: str) -> str:
    return cf.column_for_field(path, "")[0]


def _same(path: str) -> str:
    return path


def place_problems(program: Program, *, row: int | None,
                   column_of: Callable[[str], str] = _same) -> tuple[list[FieldProblem], list[FieldProblem]]:
    """(errors, warnings) about where a program is, checked against the shipped national ZIP points.

    ``column_of`` turns a field path (``location.zip``) into the name the
    user knows it by (a CSV column, a source file's column).
    """
    from .geo import is_known_zip, zip_state
    from .records import Delivery

    loc = program.location
    errors: list[FieldProblem] = []
    warnings: list[FieldProblem] = []
    if loc.zip is None:
        return errors, warnings
    if not is_known_zip(loc.zip):
        has_point = loc.latitude is not None
        if has_point or loc.delivery is Delivery.ONLINE:
            why = "its coordinates are used" if has_point else "the program is online only"
            warnings.append(FieldProblem(field=column_of("location.zip"), row=row, value=loc.zip,
                                         message=f"not a known ZIP code (no Census ZIP point); {why}"))
        else:
            errors.append(FieldProblem(
                field=column_of("location.zip"), row=row, value=loc.zip,
                message="not a known ZIP code (no Census ZIP point), so the program cannot be placed; "
                        "check it, or give the latitude and longitude"))
        return errors, warnings
    state = zip_state(loc.zip)
    if loc.state is not None and state is not None and state != loc.state:
        warnings.append(FieldProblem(field=column_of("location.state"), row=row, value=loc.state,
                                     message=f"the ZIP code is in {state}, not in this state"))
    return errors, warnings


# --------------------------------------------------------------------------- writing


def _programs_of(source: Catalog | Iterable[Program]) -> list[Program]:
    return list(source.programs if isinstance(source, Catalog) else source)


def write_csv(catalog: Catalog | Iterable[Program], out: str | Path | IO[str]) -> int:
    """Write programs as CSV (UTF-8, header row, the columns of ``matcher.csv_format``); return the count."""
    programs = _programs_of(catalog)

    def emit(fh: IO[str]) -> None:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(cf.COLUMN_NAMES)
        for program in programs:
            writer.writerow([cf.format_cell(cf.get_path(program, c.path), c) for c in cf.COLUMNS])

    _write(out, emit)
    return len(programs)


def catalog_document(catalog: Catalog | Iterable[Program]) -> dict[str, Any]:
    """The canonical JSON document of a catalog (what :func:`write_json` writes)."""
    return {
        "format": CATALOG_FORMAT,
        "version": CATALOG_VERSION,
        "programs": [p.model_dump(mode="json") for p in _programs_of(catalog)],
    }


def write_json(catalog: Catalog | Iterable[Program], out: str | Path | IO[str]) -> int:
    """Write the canonical JSON catalog document; return the number of programs."""
    doc = catalog_document(catalog)

    def emit(fh: IO[str]) -> None:
        json.dump(doc, fh, indent=2, ensure_ascii=False)
        fh.write("\n")

    _write(out, emit)
    return len(doc["programs"])


def _write(out: str | Path | IO[str], emit: Callable[[IO[str]], None]) -> None:
    if isinstance(out, (str, Path)):
        # newline="" so the csv module's line endings are written as given.
        with open(out, "w", encoding="utf-8", newline="") as fh:
            emit(fh)
    else:
        emit(out)


# --------------------------------------------------------------------------- shipped sample


_sample_cache: dict[tuple[str, int, int], Catalog] = {}


def default_catalog() -> Catalog:
    """The shipped sample catalog (fictional programs), ``data_dir()/sample_catalog.json``.

    Read once per process (re-read if the file changes); raises
    :class:`DataError` if it is missing or invalid.
    """
    path = data_dir() / SAMPLE_CATALOG_FILE
    if not path.is_file():
        raise DataError(f"the sample catalog is missing: {path}", field="catalog")
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key in _sample_cache:
        return _sample_cache[key]
    try:
        # Its IDs are checked against the taxonomy when it is built (and by a test), not on every start.
        catalog = load_catalog(path, check_ids=False)
    except (InputFileError, ImportRowsError) as exc:
        raise DataError(f"the sample catalog {path} is corrupt: {exc.message}", field="catalog",
                        problems=exc.problems) from None
    result = Catalog(catalog.programs, source=f"sample catalog ({path.name})")
    _sample_cache.clear()
    _sample_cache[key] = result
    return result
