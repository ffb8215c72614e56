"""The CSV layout of a program catalog: one row per program, one column per field.

Nested parts of :class:`~matcher.records.Program` are flattened with a prefix
(``prereq_``, ``schedule_``, ``cost_``, ``paid_``, ``location_``,
``outcome_``) so a coach can edit the file in a spreadsheet. The full column
list, with meanings, is in ``docs/records.md``; :data:`COLUMNS` is the source
of truth and a test checks it covers every field of ``Program``.

Cell rules
- An empty cell means "not given": the field takes its default.
- Multi-valued cells separate items with ``;``. A literal ``;`` inside an item
  is written ``\\;`` and a literal backslash ``\\\\`` (the writer does this, so
  export then import loses nothing). A backslash before any other character
  is kept as is.
- Booleans: true/false, yes/no, y/n, 1/0 (any case).
- Enum values (type, sector, funding, supports...) are matched ignoring case.
- Dates are ISO ``YYYY-MM-DD``.
- Key-value cells (``prereq_background_lookback_years``) list ``key:value`` items
  separated by ``;``, e.g. ``felony:7;violent_felony:10``.
- Columns whose header starts with ``#`` (e.g. ``# notes``) are comments and
  ignored; so are columns with an empty header whose cells are all empty
  (spreadsheets add them).
- ``sources`` and ``provenance`` hold JSON (a list of objects), written by the
  importers; a person editing the file can leave them as they are.
- Spreadsheet formula injection: on export, a cell whose text starts with
  ``=``, ``+``, ``-`` or ``@`` (and is not a plain number) is written with a
  leading apostrophe, which spreadsheets read as "this is text". A text that
  already starts with an apostrophe followed by one of those characters (or
  by another apostrophe) gets one more, so the rule can be undone exactly:
  on import one leading apostrophe is removed when the next character is one
  of ``= + - @ '``. Export then import loses nothing (see
  :func:`neutralise_formula` / :func:`restore_formula`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

from .errors import FieldProblem, shown_value

TEXT, LIST, BOOL, NUMBER, DATE = "text", "list", "bool", "number", "date"
ENUM, ENUM_LIST, MAP = "enum", "enum_list", "map"
JSON = "json"  # a JSON value in one cell (the importers' sources and provenance lists)


@dataclass(frozen=True)
class Column:
    """One CSV column and the Program field (dotted path) it fills."""

    name: str
    path: str
    kind: str
    required: bool = False

    @property
    def is_list(self) -> bool:
        return self.kind in (LIST, ENUM_LIST, MAP)


COLUMNS: tuple[Column, ...] = (
    Column("id", "id", TEXT, required=True),
    Column("name", "name", TEXT, required=True),
    Column("provider", "provider", TEXT, required=True),
    Column("type", "type", ENUM, required=True),
    Column("sector", "sector", ENUM, required=True),
    Column("target_occupations", "target_occupations", LIST, required=True),
    Column("cip_code", "cip_code", TEXT),
    Column("skills_taught", "skills_taught", LIST),
    Column("credentials_awarded", "credentials_awarded", LIST),
    Column("prereq_skills", "prerequisites.skills", LIST),
    Column("prereq_min_education", "prerequisites.min_education", ENUM),
    Column("prereq_min_age", "prerequisites.min_age", NUMBER),
    Column("prereq_max_age", "prerequisites.max_age", NUMBER),
    Column("prereq_must_be_employed", "prerequisites.must_be_employed", BOOL),
    Column("prereq_drivers_license", "prerequisites.drivers_license", BOOL),
    Column("prereq_background_check", "prerequisites.background_check", BOOL),
    Column("prereq_background_exclusions", "prerequisites.background_exclusions", ENUM_LIST),
    Column("prereq_drug_test", "prerequisites.drug_test", BOOL),
    Column("prereq_physical_demand", "prerequisites.physical_demand", ENUM),
    Column("prereq_work_authorization", "prerequisites.work_authorization", BOOL),
    Column("prereq_min_reading_grade", "prerequisites.min_reading_grade", NUMBER),
    Column("prereq_min_math_grade", "prerequisites.min_math_grade", NUMBER),
    Column("prereq_background_lookback_years", "prerequisites.background_lookback_years", MAP),
    Column("prereq_accommodates_physical_limits", "prerequisites.accommodates_physical_limits", BOOL),
    Column("schedule_times", "schedule.times", ENUM_LIST, required=True),
    Column("schedule_hours_per_week", "schedule.hours_per_week", NUMBER, required=True),
    Column("schedule_self_paced", "schedule.self_paced", BOOL),
    Column("duration_weeks", "duration_weeks", NUMBER),
    Column("cost_tuition_usd", "cost.tuition_usd", NUMBER),
    Column("cost_funding", "cost.funding", ENUM_LIST),
    Column("paid_kind", "paid.kind", ENUM),
    Column("paid_hourly_wage", "paid.hourly_wage", NUMBER),
    Column("paid_stipend_usd", "paid.stipend_usd", NUMBER),
    Column("supports", "supports", ENUM_LIST),
    Column("languages", "languages", ENUM_LIST),
    Column("location_delivery", "location.delivery", ENUM),
    Column("location_zip", "location.zip", TEXT),
    Column("location_latitude", "location.latitude", NUMBER),
    Column("location_longitude", "location.longitude", NUMBER),
    Column("location_county", "location.county", TEXT),
    Column("location_state", "location.state", TEXT),
    Column("location_transit_access", "location.transit_access", BOOL),
    Column("location_address", "location.address", TEXT),
    Column("seats", "seats", NUMBER),
    Column("next_start", "next_start", DATE),
    Column("outcome_completion_rate", "outcomes.completion_rate", NUMBER),
    Column("outcome_placement_rate", "outcomes.placement_rate", NUMBER),
    Column("outcome_median_starting_wage", "outcomes.median_starting_wage", NUMBER),
    Column("outcome_cohort_size", "outcomes.cohort_size", NUMBER),
    Column("employer_partners", "employer_partners", LIST),
    Column("description", "description", TEXT),
    Column("url", "url", TEXT),
    Column("sample_data", "sample_data", BOOL),
    # What public catalogs carry (docs/sources.md), one block so merges stay simple.
    Column("credential_type", "credential_type", ENUM),
    Column("credential_name", "credential_name", TEXT),
    Column("contact_hours", "contact_hours", NUMBER),
    Column("pell_eligible", "pell_eligible", BOOL),
    Column("provider_type", "provider_type", ENUM),
    Column("cost_tuition_reported", "cost.tuition_reported", BOOL),
    Column("location_city", "location.city", TEXT),
    Column("outcome_total_served", "outcomes.total_served", NUMBER),
    Column("outcome_total_exited", "outcomes.total_exited", NUMBER),
    Column("outcome_total_completed", "outcomes.total_completed", NUMBER),
    Column("outcome_credential_rate", "outcomes.credential_rate", NUMBER),
    Column("outcome_employment_rate_q2", "outcomes.employment_rate_q2", NUMBER),
    Column("outcome_employment_rate_q4", "outcomes.employment_rate_q4", NUMBER),
    Column("outcome_median_earnings_q2_usd", "outcomes.median_earnings_q2_usd", NUMBER),
    Column("outcome_period", "outcomes.period", TEXT),
    Column("sources", "sources", JSON),
    Column("provenance", "provenance", JSON),
)

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)
BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
BY_PATH: dict[str, Column] = {c.path: c for c in COLUMNS}
# Nested objects, so that an error on the object as a whole (from a model
# validator, e.g. "hourly_wage is required when kind is 'wage'") can be pinned
# to the column it talks about.
GROUPS: dict[str, tuple[Column, ...]] = {}
for _c in COLUMNS:
    if "." in _c.path:
        GROUPS.setdefault(_c.path.split(".")[0], ())
        GROUPS[_c.path.split(".")[0]] += (_c,)

#: How true and false are written in a cell (the catalog, the history and the source imports' default).
TRUE_WORDS = ("true", "yes", "y", "t", "1")
FALSE_WORDS = ("false", "no", "n", "f", "0")


def is_comment_column(header: str) -> bool:
    return header.strip().startswith("#")


# --------------------------------------------------------------------------- reading


def split_items(cell: str) -> list[str]:
    """Split a multi-valued cell on unescaped ``;``; blank items are dropped."""
    if "\\" not in cell:  # nothing escaped (nearly every cell): str.split gives the same, far faster
        return [item for item in (part.strip() for part in cell.split(";")) if item]
    items: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(cell):
        ch = cell[i]
        if ch == "\\" and i + 1 < len(cell) and cell[i + 1] in ";\\":
            current.append(cell[i + 1])
            i += 2
            continue
        if ch == ";":
            items.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


#: Each spelling's value, looked up at once (history imports call this for every true/false cell).
_BOOL_OF = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}


def parse_bool(cell: str) -> bool:
    value = _BOOL_OF.get(cell.strip().lower())
    if value is not None:
        return value
    raise ValueError(f"expected true/false, yes/no, y/n, t/f or 1/0, got {cell.strip()!r}")


def row_to_record(cells: dict[str, str], *, row: int) -> tuple[dict[str, Any], list[FieldProblem]]:
    """Turn one row (column name -> cell text) into the nested dict ``parse_program`` takes.

    Cells pydantic can convert itself (numbers, dates, enums) are passed as
    text; booleans and lists are converted here because their CSV spelling is
    ours. Problems found here are returned, not raised, so that every bad
    cell of every row can be reported at once.
    """
    record: dict[str, Any] = {}
    problems: list[FieldProblem] = []
    for name, raw in cells.items():
        column = BY_NAME[name]
        text = restore_formula(raw.strip())
        if not text:
            continue  # empty cell: not given, the model's default applies
        value: Any
        if column.kind == JSON:
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                problems.append(FieldProblem(field=name, message=f"not valid JSON: {exc.msg} at character {exc.pos}",
                                             row=row, value=shown_value(text)))
                continue
        elif column.kind == BOOL:
            try:
                value = parse_bool(text)
            except ValueError as exc:
                problems.append(FieldProblem(field=name, message=str(exc), row=row, value=shown_value(text)))
                continue
        elif column.kind == LIST:
            value = split_items(text)
        elif column.kind == ENUM_LIST:
            value = [item.lower() for item in split_items(text)]
        elif column.kind == MAP:
            value = {}
            for item in split_items(text):
                key, sep, rest = item.partition(":")
                if not sep or not key.strip() or not rest.strip():
                    problems.append(FieldProblem(field=name, row=row, value=shown_value(item),
                                                 message="each item must be key:value, e.g. felony:7"))
                    continue
                value[key.strip().lower()] = rest.strip()
        elif column.kind == ENUM:
            value = text.lower()
        else:
            value = text
        _put(record, column.path, value)
    # Nested objects the model requires are passed even when all their cells
    # are empty, so a missing value is reported against its column
    # (schedule_times) rather than the object (schedule).
    for group in ("schedule", "location"):
        record.setdefault(group, {})
    return record, problems


def _put(record: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    target = record
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


def column_for_field(field: str, message: str) -> tuple[str, str]:
    """Map a model field path (``paid.hourly_wage``, ``target_occupations.1``) to a CSV column.

    Returns ``(column, message)``; a list index becomes "item N: " in the
    message, and an error on a whole nested object is pinned to the first
    of its columns the message mentions first.
    """
    parts = field.split(".")
    for cut in range(len(parts), 0, -1):
        column = BY_PATH.get(".".join(parts[:cut]))
        if column is not None:
            rest = parts[cut:]
            if rest and rest[0].isdigit():
                message = f"item {int(rest[0]) + 1}: {message}"
            return column.name, message
    group = GROUPS.get(parts[0])
    if group is not None and len(parts) == 1:
        # The field the message names first is the one it is about
        # ("hourly_wage is required when kind is 'wage'").
        mentioned = []
        for column in group:
            found = re.search(rf"\b{re.escape(column.path.split('.')[-1])}\b", message)
            if found:
                mentioned.append((found.start(), column.name))
        if mentioned:
            return min(mentioned)[1], message
        return f"{parts[0]} ({', '.join(c.name for c in group)})", message
    return field, message


# --------------------------------------------------------------------------- writing


def escape_item(item: str) -> str:
    return item.replace("\\", "\\\\").replace(";", "\\;")


def format_cell(value: Any, column: Column) -> str:
    """The CSV text of one field value; ``None`` is an empty cell. Formula-like text is neutralised."""
    if value is None:
        return ""
    if column.kind == JSON:
        if not value:
            return ""
        return neutralise_formula(json.dumps(_jsonable(value), ensure_ascii=False, sort_keys=True,
                                             separators=(",", ":")))
    if column.kind == MAP:
        return neutralise_formula(";".join(escape_item(f"{_scalar(k)}:{_scalar(v)}") for k, v in value.items()))
    if column.is_list:
        return neutralise_formula(";".join(escape_item(_scalar(v)) for v in value))
    return neutralise_formula(_scalar(value))


def _jsonable(value: Any) -> Any:
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", exclude_none=True)
    return value


# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@")
_PLAIN_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralise_formula(text: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would run as a formula (plain numbers are left alone).

    Reversible with :func:`restore_formula`: text that already starts with an
    apostrophe followed by a trigger or another apostrophe gets one more.
    """
    if not text:
        return text
    if text[0] in FORMULA_TRIGGERS and not _PLAIN_NUMBER_RE.match(text):
        return "'" + text
    if text[0] == "'" and len(text) > 1 and (text[1] in FORMULA_TRIGGERS or text[1] == "'"):
        return "'" + text
    return text


def restore_formula(text: str) -> str:
    """Undo :func:`neutralise_formula`: drop one leading apostrophe before ``= + - @`` or ``'``."""
    if len(text) > 1 and text[0] == "'" and (text[1] in FORMULA_TRIGGERS or text[1] == "'"):
        return text[1:]
    return text


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, float):
        return repr(value)  # shortest text that reads back to the same float
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def get_path(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj
