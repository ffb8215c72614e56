"""Import a published catalog file through a mapping: every row becomes a validated Program, or a reported row.

The steps, for each row of the file:

1. each mapped field gets its value (column / template, rules, derivation,
   default - in the order :meth:`Mapping.order` gives, so rules and
   derivations see the fields they read);
2. cells holding a "not reported" or "suppressed" marker leave the field
   unknown and are listed in the report (row, column, value);
3. the record goes through the same validation as every catalog import
   (:func:`matcher.catalog._validate`: ``parse_program`` plus the checks
   other parts of the catalog add there) and the same place check
   (:func:`matcher.catalog.place_problems`), with each problem pinned to the
   source column it came from.

Nothing is returned unless every row is valid, or ``skip_invalid=True``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..catalog import Catalog, _validate, place_problems
from ..csv_format import _put
from ..errors import FieldProblem, ImportRowsError, InputFileError, shown_value
from ..input_files import DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, raise_too_many_rows, read_text
from ..records import FieldSource, FieldStatus, Program, SourceRef
from .convert import CONVERTERS, Context, Converted, ConvertError
from .derive import DERIVATIONS
from .mapping import LIST_FIELDS, REQUIRED_FIELDS, FieldMapping, Mapping, Rule, fold, load_mapping
from .report import ImportReport

ProgressCallback = Callable[[int], None]
_FORMULA_RE = re.compile(r"^[=+\-@]")
_STATUS_ORDER = {FieldStatus.REPORTED: 0, FieldStatus.DERIVED: 1, FieldStatus.ESTIMATE: 2}


@dataclass(frozen=True)
class SourceImport:
    """What an import found: the valid programs (merged where asked) and the report."""

    programs: tuple[Program, ...]
    report: ImportReport

    @property
    def ok(self) -> bool:
        return self.report.ok

    @property
    def catalog(self) -> Catalog:
        return Catalog(self.programs, source=self.report.file)


def import_file(
    path: str | Path,
    mapping: Mapping | str | Path,
    *,
    skip_invalid: bool = False,
    existing: Iterable[Program] = (),
    merge_duplicates: bool = False,
    progress: ProgressCallback | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    context: Context | None = None,
) -> SourceImport:
    """Read a source file through a mapping (a :class:`Mapping`, a shipped name or a TOML path).

    ``existing`` programs (e.g. the store's) are checked for likely duplicates
    of the new ones; with ``merge_duplicates`` each duplicate is merged into
    the program already there, keeping the source of every field. Raises
    :class:`InputFileError` when the file cannot be read at all and
    :class:`ImportRowsError` when any row is invalid, unless ``skip_invalid``.
    """
    m = mapping if isinstance(mapping, Mapping) else load_mapping(mapping)
    p = Path(path)
    text = read_text(p, max_bytes=max_bytes)
    header, rows = _csv_rows(text, m, name=p.name)
    report = ImportReport(source=m.name, title=m.source.title, file=p.name)
    mapper = RowMapper(m, header, report, context or Context(), file_name=p.name)

    programs: list[Program] = []
    first_row_of: dict[str, int] = {}
    for row, cells in rows:
        report.rows_read += 1
        if report.rows_read > max_rows:
            raise_too_many_rows(max_rows)
        if progress is not None:
            progress(report.rows_read)
        program = mapper.program(row, cells)
        if program is None:
            continue
        if program.id in first_row_of:
            report.rejected.append(FieldProblem(
                field=mapper.label("id"), row=row, value=program.id,
                message=f"duplicate id {program.id!r} (first made from row {first_row_of[program.id]})"))
            continue
        first_row_of[program.id] = row
        programs.append(program)
    if report.rows_read == 0:
        raise InputFileError(f"{p.name} has a header but no rows", field="file")
    return finish_import(programs, report, what=f"rows in {p.name}", skip_invalid=skip_invalid, existing=existing,
                         merge_duplicates=merge_duplicates)


def finish_import(programs: list[Program], report: ImportReport, *, what: str, skip_invalid: bool,
                  existing: Iterable[Program], merge_duplicates: bool) -> SourceImport:
    """The end every importer shares: all-or-nothing unless ``skip_invalid``, then likely duplicates."""
    from .duplicates import resolve_duplicates

    report.valid = len(programs)
    if report.rejected and not skip_invalid:
        raise ImportRowsError(
            f"{len(report.rejected_rows) or len(report.rejected)} of {report.rows_read} {what} are invalid; "
            f"nothing was imported", field=report.rejected[0].field, problems=report.rejected)
    kept = resolve_duplicates(programs, list(existing), report, merge=merge_duplicates)
    return SourceImport(tuple(kept), report)


# --------------------------------------------------------------------------- reading the file


def _csv_rows(text: str, m: Mapping, *, name: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=m.source.delimiter)
    header: list[str] | None = None
    try:
        for _ in range(m.source.header_row):
            header = next(reader)
    except StopIteration:
        raise InputFileError(f"{name} has fewer than {m.source.header_row} rows: no header row", field="header") \
            from None
    except csv.Error as exc:
        raise InputFileError(f"{name} is not valid CSV: {exc}", field="file") from None
    assert header is not None
    columns = [h.strip() for h in header]

    def rows() -> Iterator[tuple[int, list[str]]]:
        row = m.source.header_row
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    raise InputFileError(f"{name}: a cell near row {row + 1} is longer than {csv.field_size_limit():,} "
                                         f"characters; the file looks damaged (an unclosed quote?)",
                                         field="file") from None
                raise InputFileError(f"{name} is not valid CSV near row {row + 1}: {exc}", field="file") from None
            row += 1
            if any(c.strip() for c in cells):
                yield row, cells

    return columns, rows()


# --------------------------------------------------------------------------- one row


class RowMapper:
    """Turns rows of one file into programs, recording what happened in the report."""

    def __init__(self, mapping: Mapping, header: Sequence[str], report: ImportReport, context: Context, *,
                 file_name: str) -> None:
        self.mapping = mapping
        self.report = report
        self.ctx = context
        self.file_name = file_name
        self.order = mapping.order()
        self.header = list(header)
        self.index = self._resolve_columns(header)
        src = mapping.source
        self._not_reported = {fold(v) for v in src.not_reported}
        self._suppressed = {fold(v) for v in src.suppressed}
        self._field_markers = {name: ({fold(v) for v in fm.not_reported}, {fold(v) for v in fm.suppressed})
                               for name, fm in mapping.fields.items()}
        self._labels = {name: self._label_of(fm) for name, fm in mapping.fields.items()}
        for name, fm in mapping.fields.items():
            if self._labels[name] == "(mapping)" and fm.derive is not None:
                needs = [self._labels.get(n, n) for n in DERIVATIONS[fm.derive].needs]
                self._labels[name] = f"({fm.derive}: " + ", ".join(needs) + ")"
        self._placed_near = False
        self._updated_field = FieldMapping(column=src.updated or "updated", convert="date", format=src.updated_format)

    # ------------------------------------------------------------------ header

    def _resolve_columns(self, header: Sequence[str]) -> dict[str, int]:
        """Source column name -> cell index; file error for a missing column a required field cannot do without."""
        positions: dict[str, int] = {}
        repeated: set[str] = set()
        for i, column in enumerate(header):
            if not column:
                continue
            if column in positions:
                repeated.add(column)
                continue
            positions[column] = i
        m = self.mapping
        index: dict[str, int] = {}
        used: set[str] = set()
        missing: list[str] = []
        fatal: list[str] = []
        for name, fm in m.fields.items():
            wanted = fm.source_columns
            if fm.column is not None:
                found = next((c for c in [fm.column, *fm.aliases] if c in positions), None)
                if found is not None:
                    index[fm.column] = positions[found]
                    used.add(found)
                    wanted = [c for c in wanted if c != fm.column]
                else:
                    missing.append(fm.column)
                    if self._needs_column(name, fm):
                        fatal.append(f"{fm.column!r} (for {name})")
                    wanted = [c for c in wanted if c != fm.column]
            for column in wanted:
                if column in positions:
                    index[column] = positions[column]
                    used.add(column)
                else:
                    missing.append(column)
            own = (fm.columns or []) + _template_columns(fm)
            if own and not any(c in positions for c in own) and self._needs_column(name, fm):
                fatal.append(", ".join(repr(c) for c in own) + f" (for {name})")
        for extra in (m.source.record_id, m.source.provider_id, m.source.updated):
            if extra:
                if extra in positions:
                    index[extra] = positions[extra]
                    used.add(extra)
                else:
                    missing.append(extra)
        clash = sorted(repeated & used)
        if clash:
            raise InputFileError(f"{self.file_name}: column(s) {', '.join(map(repr, clash))} appear more than once, "
                                 f"so it is not clear which to read", field="header")
        if fatal:
            raise InputFileError(
                f"{self.file_name}: the mapping {m.name!r} needs column(s) the file does not have: "
                + "; ".join(fatal) + _header_hint(fatal, positions), field="header")
        ignored = set(m.source.ignore_columns)
        self.report.missing_columns = list(dict.fromkeys(missing))
        self.report.unrecognised_columns = [c for c in positions if c not in used and c not in ignored]
        return index

    @staticmethod
    def _needs_column(name: str, fm: FieldMapping) -> bool:
        """True when the field has no other way to a value than its columns."""
        return (fm.required or name in REQUIRED_FIELDS) and not (fm.rules or fm.derive or fm.default is not None)

    def _label_of(self, fm: FieldMapping) -> str:
        if fm.column is not None:
            return fm.column
        if fm.columns:
            return " + ".join(fm.columns)
        if fm.template is not None:
            return " + ".join(_template_columns(fm))
        cols = fm.source_columns
        return " / ".join(cols) if cols else "(mapping)"

    def label(self, path: str, message: str = "") -> str:
        """The source column a program field came from, as the board knows it."""
        if path in self._labels:
            return self._labels[path]
        parts = path.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            base = ".".join(parts[:cut])
            if base in self._labels:
                return self._labels[base]
        # A whole group (``location``): the mapped part the message talks about, else the first one.
        group = [name for name in self._labels if name.startswith(parts[0] + ".")]
        for name in group:
            if re.search(rf"\b{re.escape(name.split('.')[-1])}\b", message):
                return self._labels[name]
        if group:
            return self._labels[group[0]]
        return f"({path})"

    # ------------------------------------------------------------------ cells

    def _cell(self, cells: Sequence[str], column: str) -> str:
        i = self.index.get(column)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    def _marker(self, name: str, cell: str) -> FieldStatus | None:
        key = fold(cell)
        field_nr, field_sup = self._field_markers[name]
        if key in self._suppressed or key in field_sup:
            return FieldStatus.SUPPRESSED
        if key in self._not_reported or key in field_nr:
            return FieldStatus.NOT_REPORTED
        return None

    # ------------------------------------------------------------------ the row

    def program(self, row: int, cells: Sequence[str]) -> Program | None:
        """The program of one row, or None when the row is rejected (its problems go to the report)."""
        problems: list[FieldProblem] = []
        if len(cells) > len(self.header) and any(c.strip() for c in cells[len(self.header):]):
            problems.append(FieldProblem(field="(row)", row=row,
                                         message=f"row has {len(cells)} cells but the header has "
                                                 f"{len(self.header)} columns (a cell with an unquoted delimiter?)"))
        values: dict[str, Any] = {}
        outcome: dict[str, tuple[str, Converted | None, str]] = {}  # name -> (outcome, result, column label)
        reported_missing: set[str] = set()
        for name in self.order:
            fm = self.mapping.fields[name]
            if fm.only_when is not None and not all(self._holds(c, cells, values) for c in fm.only_when_conditions):
                outcome[name] = ("empty", None, self._labels[name])  # does not apply to this row
                self.report.field_counts[name]["empty"] += 1
                continue
            warned = len(self.report.warnings)
            result, how, marker_seen = self._fill(name, fm, row, cells, values, problems)
            dropped = len(self.report.warnings) > warned
            if result is not None and result.value is not None and result.value != []:
                values[name] = result.value
                kind = {FieldStatus.REPORTED: "filled", FieldStatus.DERIVED: "derived",
                        FieldStatus.ESTIMATE: "estimate", FieldStatus.ASSUMED: "assumed"}[result.status]
                if how == "rule" or how == "derive":
                    kind = "derived" if result.status is not FieldStatus.ASSUMED else "assumed"
                outcome[name] = (kind, result, result.column or self._labels[name])
            else:
                kind = marker_seen.value if marker_seen is not None else ("dropped" if dropped else "empty")
                outcome[name] = (kind, result, self._labels[name])
                if fm.required or name in REQUIRED_FIELDS:
                    reported_missing.add(name)
                    problems.append(self._missing_problem(name, fm, row, cells, marker_seen, values))
            self.report.field_counts[name][outcome[name][0]] += 1

        record = self._record(values, outcome, row, cells)
        program, invalid = _validate(record, row=row, csv_fields=False)
        for problem in invalid:
            base = problem.field.split(".")
            if any(".".join(base[:i]) in reported_missing for i in range(1, len(base) + 1)):
                continue  # already reported, with what the source held
            column = self.label(problem.field, problem.message)
            problems.append(FieldProblem(field=column, row=row, message=_plain_field(problem),
                                         value=self._shown(column, cells) or problem.value))
        if program is not None and not problems:
            errors, warnings = place_problems(program, row=row, column_of=self.label)
            problems.extend(errors)
            if self._placed_near:
                zip_label = self.label("location.zip")
                warnings = [w for w in warnings if w.field != zip_label]  # said once, with the ZIP used
            self.report.warnings.extend(warnings)
        if problems:
            self.report.rejected.extend(problems)
            return None
        return program

    def _shown(self, label: str, cells: Sequence[str]) -> str | None:
        if label in self.index:
            cell = self._cell(cells, label)
            return shown_value(cell) if cell else None
        return None

    def _missing_problem(self, name: str, fm: FieldMapping, row: int, cells: Sequence[str],
                         marker: FieldStatus | None, values: dict[str, Any]) -> FieldProblem:
        label = self._labels[name]
        own = [fm.column] if fm.column else list(fm.columns or []) + _template_columns(fm)
        given = [self._cell(cells, c) for c in own if self._cell(cells, c)]
        shown = shown_value(" | ".join(given)) if given else None
        if marker is FieldStatus.SUPPRESSED:
            why = "the source withheld it (suppressed)"
        elif marker is FieldStatus.NOT_REPORTED and shown:
            why = "the source marks it not reported"
        elif given:
            why = "the value could not be used (see the warnings for this row)"
        elif own:
            why = "the cell is empty" if len(own) == 1 else "the cells are empty"
        elif not fm.derive:
            why = "no rule or default gave one"
        else:
            why = "nothing in the row"
        if fm.derive is not None:
            needs = ", ".join(f"{n} = {_as_text(values.get(n)) or 'unknown'}" for n in DERIVATIONS[fm.derive].needs)
            why += f"; {fm.derive} found none from {needs}"
        return FieldProblem(field=label, row=row, value=shown, message=f"{name} is needed and has no value: {why}")

    def _fill(self, name: str, fm: FieldMapping, row: int, cells: Sequence[str], values: dict[str, Any],
              problems: list[FieldProblem]) -> tuple[Converted | None, str, FieldStatus | None]:
        """(result, how: column|rule|derive|default|none, marker seen) for one field of one row."""
        is_list = name in LIST_FIELDS
        marker_seen: FieldStatus | None = None
        result: Converted | None = None
        overrides = [r for r in fm.rules if r.override]
        if overrides and not is_list:
            ruled = self._from_rules(overrides, cells, values, is_list=False)
            if ruled is not None:
                return ruled, "rule", None
        if fm.template is not None:
            result, marker_seen = self._from_template(name, fm, row, cells, problems)
        elif fm.column is not None or fm.columns:
            result, marker_seen = self._from_columns(name, fm, row, cells, problems, is_list)
        how = "column" if result is not None else "none"
        if fm.rules and (result is None or is_list):
            ruled = self._from_rules([r for r in fm.rules if not r.override or is_list], cells, values, is_list)
            if ruled is not None:
                if result is not None and is_list:
                    merged = list(dict.fromkeys([*result.value, *ruled.value]))
                    result = Converted(merged, result.status, result.note)
                else:
                    result, how = ruled, "rule"
        if result is None and fm.derive is not None:
            derived = DERIVATIONS[fm.derive].run(values, self.ctx)
            if derived is not None:
                result, how = derived, "derive"
        if result is None and fm.default is not None:
            result = Converted(fm.default, FieldStatus.ASSUMED, note=fm.default_note or "the mapping's default")
            how = "default"
        return result, how, marker_seen

    def _convert(self, name: str, fm: FieldMapping, text: str, column: str, row: int,
                 problems: list[FieldProblem]) -> list[Converted]:
        convert = CONVERTERS[fm.convert]
        items = [i.strip() for i in text.split(fm.separator)] if fm.separator else [text]
        out: list[Converted] = []
        for item in items:
            if not item or self._marker(name, item) is not None:
                continue
            try:
                converted = convert(item, fm, self.ctx)
            except ConvertError as exc:
                message = str(exc)
                if fm.on_error == "drop":
                    self.report.warnings.append(FieldProblem(field=column, row=row, value=shown_value(item),
                                                             message=f"{message}; dropped"))
                else:
                    problems.append(FieldProblem(field=column, row=row, value=shown_value(item), message=message))
                continue
            if converted.warning:
                self.report.warnings.append(FieldProblem(field=column, row=row, value=shown_value(item),
                                                         message=converted.warning))
            if fm.convert == "text" and _FORMULA_RE.match(item) and not _is_number(item):
                self.report.warnings.append(FieldProblem(
                    field=column, row=row, value=shown_value(item),
                    message="looks like a spreadsheet formula; kept as text (CSV exports neutralise it)"))
            out.append(converted)
        return out

    def _read(self, name: str, column: str, row: int, cells: Sequence[str]) -> tuple[str, FieldStatus | None]:
        """A cell's text, or "" when empty or marked (the marker is returned, and listed in the report)."""
        cell = self._cell(cells, column)
        if not cell:
            return "", None  # a blank cell is simply empty: unknown, nothing to list
        marker = self._marker(name, cell)
        if marker is not None:
            self.report.marked_cells.append(FieldProblem(
                field=column, row=row, value=shown_value(cell),
                message="suppressed by the source" if marker is FieldStatus.SUPPRESSED else "not reported"))
            return "", marker
        return cell, None

    def _from_columns(self, name: str, fm: FieldMapping, row: int, cells: Sequence[str],
                      problems: list[FieldProblem], is_list: bool) -> tuple[Converted | None, FieldStatus | None]:
        columns = [fm.column] if fm.column is not None else list(fm.columns or [])
        combine = fm.combine or ("list" if is_list else "first")
        parts: list[Converted] = []
        markers: list[FieldStatus] = []
        for column in columns:
            text, marker = self._read(name, column, row, cells)
            if marker is not None and text == "":
                markers.append(marker)
            if not text:
                continue
            converted = self._convert(name, fm, text, column, row, problems)
            unknown = [c for c in converted if c.value is None and c.status is FieldStatus.NOT_REPORTED]
            if unknown:
                markers.append(FieldStatus.NOT_REPORTED)
            converted = [c for c in converted if c.value is not None]
            if not converted:
                continue
            parts.extend(converted)
            if combine == "first":
                break
        marker = FieldStatus.SUPPRESSED if FieldStatus.SUPPRESSED in markers else (markers[0] if markers else None)
        if not parts:
            return None, marker
        if len(parts) == 1 and not (is_list or combine == "list"):
            return parts[0], marker
        status = max((c.status for c in parts), key=lambda s: _STATUS_ORDER.get(s, 0))
        notes = [c.note for c in parts if c.note]
        note = "; ".join(dict.fromkeys(notes)) if notes else ""
        if is_list or combine == "list":
            items: list[Any] = []
            for c in parts:
                items.extend(c.value if isinstance(c.value, list) else [c.value])
            return Converted(list(dict.fromkeys(items)), status, note), marker
        if combine == "sum":
            return Converted(sum(float(c.value) for c in parts), status, note), marker
        if combine == "join":
            return Converted(fm.join_with.join(str(c.value) for c in parts), status, note), marker
        return parts[0], marker

    def _from_template(self, name: str, fm: FieldMapping, row: int, cells: Sequence[str],
                       problems: list[FieldProblem]) -> tuple[Converted | None, FieldStatus | None]:
        assert fm.template is not None
        filled = False

        def put(match: re.Match[str]) -> str:
            nonlocal filled
            text, _ = self._read(name, match.group(1), row, cells)
            filled = filled or bool(text)
            return text

        text = " ".join(_TEMPLATE_FIELD.sub(put, fm.template).split())
        if not filled:
            return None, None
        converted = [c for c in self._convert(name, fm, text, self._labels[name], row, problems)
                     if c.value is not None]
        return (converted[0] if converted else None), None

    def _from_rules(self, rules: Sequence[Rule], cells: Sequence[str], values: dict[str, Any],
                    is_list: bool) -> Converted | None:
        hits: list[Any] = []
        notes: list[str] = []
        columns: list[str] = []
        assumed: list[bool] = []
        for rule in rules:
            if all(self._holds(cond, cells, values) for cond in rule.conditions):
                notes.append(rule.note or _describe(rule))
                used = [c.field or " / ".join(c.source_columns) for c in rule.conditions]
                if not is_list:
                    status = FieldStatus.ASSUMED if rule.assumed else FieldStatus.DERIVED
                    return Converted(rule.value, status, note=notes[0], column=", ".join(used))
                columns.extend(used)
                assumed.append(rule.assumed)
                hits.extend(rule.value if isinstance(rule.value, list) else [rule.value])
        if not hits:
            return None
        status = FieldStatus.ASSUMED if all(assumed) else FieldStatus.DERIVED
        return Converted(list(dict.fromkeys(hits)), status, note="; ".join(notes),
                         column=", ".join(dict.fromkeys(columns)))

    def _holds(self, cond: Any, cells: Sequence[str], values: dict[str, Any]) -> bool:
        if cond.field is not None:
            value = values.get(cond.field)
            texts = [_as_text(v) for v in value] if isinstance(value, list) else [_as_text(value)]
            texts = [t for t in texts if t] or [""]
        else:
            texts = []
            for column in cond.source_columns:
                cell = self._cell(cells, column)
                marked = cell and (fold(cell) in self._not_reported or fold(cell) in self._suppressed)
                texts.append("" if marked else cell)
        if cond.empty is not None:
            return any((not t) == cond.empty for t in texts)
        if cond.equals is not None:
            return any(fold(t) in cond.wanted for t in texts if t)
        return any(re.search(cond.matches, t, re.IGNORECASE) for t in texts if t)

    # ------------------------------------------------------------------ the record

    def _place_near(self, record: dict[str, Any], row: int, ref: SourceRef) -> list[FieldSource]:
        """Coordinates from the nearest known ZIP, for a ZIP with no Census point (``unknown_zip = "nearest"``)."""
        from ..geo import is_known_zip, nearest_known_zip, zip_point

        loc = record.get("location", {})
        zip5 = loc.get("zip")
        if not zip5 or loc.get("latitude") is not None or is_known_zip(zip5):
            return []
        near = nearest_known_zip(zip5)
        point = zip_point(near) if near else None
        if near is None or point is None:
            return []  # the place check rejects the row
        loc["latitude"], loc["longitude"] = point
        self._placed_near = True
        note = f"ZIP {zip5} has no Census point (a PO-box or single-organisation ZIP?); placed at ZIP {near}"
        label = self.label("location.zip")
        self.report.warnings.append(FieldProblem(
            field=label, row=row, value=zip5,
            message="no Census point for this ZIP (a PO-box or single-organisation ZIP?); placed at the nearest "
                    "known ZIP in the same area, as the mapping asks"))
        return [FieldSource(field=f"location.{part}", status=FieldStatus.DERIVED, source=ref.key, column=label,
                            note=note) for part in ("latitude", "longitude")]

    def _record(self, values: dict[str, Any], outcome: dict[str, tuple[str, Converted | None, str]],
                row: int, cells: Sequence[str]) -> dict[str, Any]:
        record: dict[str, Any] = {}
        for name, value in values.items():
            _put(record, name, value)
        for group in ("schedule", "location"):
            record.setdefault(group, {})
        src = self.mapping.source
        updated = None
        if src.updated:
            raw = self._cell(cells, src.updated)
            if raw:
                try:
                    updated = CONVERTERS["date"](raw, self._updated_field, self.ctx).value
                except ConvertError:
                    self.report.warnings.append(FieldProblem(field=src.updated, row=row, value=shown_value(raw),
                                                             message="not a date in the mapping's updated_format"))
        record_id = self._cell(cells, src.record_id) if src.record_id else ""
        ref = SourceRef(name=self.mapping.name, record_id=(record_id or str(values.get("id", "")))[:160] or None,
                        file=self.file_name, row=row,
                        provider_id=(self._cell(cells, src.provider_id)[:160] or None) if src.provider_id else None,
                        updated=updated)
        provenance: list[FieldSource] = []
        for name, (kind, result, label) in outcome.items():
            if kind in ("derived", "estimate", "assumed"):
                assert result is not None
                status = FieldStatus(kind) if kind != "derived" else FieldStatus.DERIVED
                provenance.append(FieldSource(field=name, status=status, source=ref.key, column=label,
                                              note=result.note[:500]))
            elif kind in ("not_reported", "suppressed") and name not in ("cost.tuition_usd",):
                shown = self._shown(label, cells)
                provenance.append(FieldSource(field=name, status=FieldStatus(kind), source=ref.key, column=label,
                                              note=f"the source has {shown!r}" if shown else ""))
        self._placed_near = False
        if self.mapping.source.unknown_zip == "nearest":
            provenance.extend(self._place_near(record, row, ref))
        tuition = outcome.get("cost.tuition_usd")
        if tuition is None or tuition[0] in ("not_reported", "suppressed", "empty"):
            record.setdefault("cost", {})["tuition_reported"] = False
            record["cost"].pop("tuition_usd", None)
            status = FieldStatus.SUPPRESSED if tuition and tuition[0] == "suppressed" else FieldStatus.NOT_REPORTED
            provenance.append(FieldSource(
                field="cost.tuition_usd", status=status, source=ref.key,
                column=tuition[2] if tuition else None,
                note="the source does not give a cost" if tuition is None else "no cost in the source row"))
        record["sources"] = [ref]
        record["provenance"] = provenance
        return record


_TEMPLATE_FIELD = re.compile(r"\{([^{}]+)\}")


def _template_columns(fm: FieldMapping) -> list[str]:
    return _TEMPLATE_FIELD.findall(fm.template) if fm.template else []


def _header_hint(fatal: list[str], positions: dict[str, int]) -> str:
    import difflib

    hints = []
    for item in fatal:
        wanted = item.split("'")[1] if "'" in item else item
        close = difflib.get_close_matches(wanted, list(positions), n=1, cutoff=0.6)
        if close:
            hints.append(f"{wanted!r} -> {close[0]!r}?")
    return (" (close matches in the file: " + ", ".join(hints) + ")") if hints else ""


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(getattr(value, "value", value))


def _describe(rule: Any) -> str:
    parts = []
    for cond in rule.conditions:
        subject = cond.field or " / ".join(cond.source_columns)
        if cond.equals is not None:
            parts.append(f"{subject} = {cond.equals!r}")
        elif cond.matches is not None:
            parts.append(f"{subject} matches {cond.matches!r}")
        else:
            parts.append(f"{subject} is {'empty' if cond.empty else 'given'}")
    return "rule: " + " and ".join(parts)


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def _plain_field(problem: FieldProblem) -> str:
    """The validation message, naming the program field when the column alone would not say it."""
    return f"{problem.field}: {problem.message}"
