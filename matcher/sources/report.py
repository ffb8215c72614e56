"""The import report: what was read, what was understood, what was not.

One :class:`ImportReport` per imported file (mapped CSV or CTDL). It is plain
data with :meth:`ImportReport.to_dict` for ``--json`` and the API, and
:meth:`ImportReport.lines` for the readable report the CLI prints.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..errors import FieldProblem

# How a field of one row came out, in report order. "filled" = read from the source as given.
OUTCOMES = ("filled", "derived", "estimate", "assumed", "not_reported", "suppressed", "dropped", "empty")
# "dropped": a value was there but could not be used (the warnings say why).
UNKNOWN_OUTCOMES = ("not_reported", "suppressed", "dropped", "empty")


@dataclass(frozen=True)
class Duplicate:
    """Two records that look like the same program (same provider and CIP, near-same name)."""

    program_id: str
    other_id: str
    score: float  # name similarity 0..1
    reason: str
    merged: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"program_id": self.program_id, "other_id": self.other_id, "score": round(self.score, 3),
                "reason": self.reason, "merged": self.merged}


@dataclass
class ImportReport:
    """Everything a board needs to judge an import. Counts are over the rows read."""

    source: str
    title: str
    file: str
    rows_read: int = 0
    valid: int = 0
    rejected: list[FieldProblem] = field(default_factory=list)
    field_counts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    marked_cells: list[FieldProblem] = field(default_factory=list)
    warnings: list[FieldProblem] = field(default_factory=list)
    unrecognised_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    unsupported: Counter[str] = field(default_factory=Counter)  # CTDL properties not understood

    @property
    def rejected_rows(self) -> tuple[int, ...]:
        return tuple(sorted({p.row for p in self.rejected if p.row is not None}))

    @property
    def ok(self) -> bool:
        return not self.rejected

    def count(self, field_name: str, outcome: str) -> int:
        return self.field_counts.get(field_name, Counter())[outcome]

    def unknown(self, field_name: str) -> int:
        return sum(self.count(field_name, o) for o in UNKNOWN_OUTCOMES)

    # ------------------------------------------------------------------ output

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "title": self.title,
            "file": self.file,
            "rows_read": self.rows_read,
            "valid": self.valid,
            "rejected_rows": len(self.rejected_rows),
            "rejected": [p.to_dict() for p in self.rejected],
            "fields": {name: {o: counts[o] for o in OUTCOMES} | {"unknown": self.unknown(name)}
                       for name, counts in self.field_counts.items()},
            "not_reported_cells": [p.to_dict() for p in self.marked_cells],
            "warnings": [p.to_dict() for p in self.warnings],
            "unrecognised_columns": list(self.unrecognised_columns),
            "missing_columns": list(self.missing_columns),
            "likely_duplicates": [d.to_dict() for d in self.duplicates],
            "unsupported_properties": dict(sorted(self.unsupported.items())),
        }

    def lines(self, *, max_rows: int = 40) -> list[str]:
        """The readable report: a summary, then each section that has something in it."""
        out = [f"{self.title} ({self.source}): {self.file}",
               f"  rows read {self.rows_read:,}; valid {self.valid:,}; rejected {len(self.rejected_rows):,}"]
        if self.rejected:
            out += ["", f"Rejected rows ({_n(len(self.rejected_rows), 'row')}, {_n(len(self.rejected), 'problem')}; "
                        f"the same problem on several rows is one line):"]
            groups = _grouped(self.rejected, by_message=True, with_value=True)
            out += _table(["rows", "column", "value", "reason"], [[g[4], g[0], g[2], g[1]] for g in groups[:max_rows]])
            if len(groups) > max_rows:
                out.append(f"  ... and {len(groups) - max_rows:,} more (--json lists every row)")
        if self.marked_cells:
            out += ["", f"Cells the source marks as not reported ({len(self.marked_cells):,}; read as unknown):"]
            out += _table(["column", "value", "rows", "row numbers"],
                          [[g[0], g[1], g[3], g[4]] for g in _grouped(self.marked_cells)])
        if self.field_counts:
            out += ["", "Fields (rows):"]
            rows = []
            for name, counts in self.field_counts.items():
                rows.append([name, counts["filled"] + counts["estimate"], counts["derived"], counts["assumed"],
                             self.unknown(name)])
            out += _table(["field", "filled", "derived", "assumed", "unknown"], rows)
        if self.warnings:
            out += ["", f"Warnings ({len(self.warnings):,}; the rows were kept):"]
            groups = _grouped(self.warnings, by_message=True)
            out += _table(["column", "warning", "rows", "values (most common first)"],
                          [[g[0], g[1], g[3], g[2]] for g in groups[:max_rows]])
            if len(groups) > max_rows:
                out.append(f"  ... and {len(groups) - max_rows:,} more (--json lists every row)")
        if self.missing_columns:
            out += ["", "Columns the mapping expects but the file lacks: " + ", ".join(self.missing_columns)]
        if self.unrecognised_columns:
            out += ["", "Columns the mapping does not use (unrecognised): " + ", ".join(self.unrecognised_columns)]
        if self.unsupported:
            out += ["", "Properties not understood (not imported):"]
            out += _table(["property", "records"], [[k, v] for k, v in sorted(self.unsupported.items())])
        if self.duplicates:
            merged = sum(d.merged for d in self.duplicates)
            out += ["", f"Likely duplicates ({len(self.duplicates):,}; {merged:,} merged):"]
            out += _table(["program", "same as", "name match", "merged", "why"],
                          [[d.program_id, d.other_id, f"{d.score:.0%}", "yes" if d.merged else "no", d.reason]
                           for d in self.duplicates[:max_rows]])
            if len(self.duplicates) > max_rows:
                out.append(f"  ... and {len(self.duplicates) - max_rows:,} more")
        return out


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def _grouped(problems: list[FieldProblem], *, by_message: bool = False,
             with_value: bool = False) -> list[list[Any]]:
    """One line per (column, value) - or (column, message) - most frequent first.

    Each line is [column, value-or-message, values, count, row numbers]: for a
    message group, ``values`` lists the most common values in it.
    """
    groups: dict[tuple[str, str, str], list[FieldProblem]] = defaultdict(list)
    for p in problems:
        shown = (p.value or "") if with_value else ""
        key = (p.field, p.message, shown) if by_message else (p.field, p.value or "", "")
        groups[key].append(p)
    rows = []
    for (column, what, value), items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        numbers = [p.row or 0 for p in items]
        shown = ", ".join(str(n) for n in numbers[:8]) + (f", ... ({len(numbers)} rows)" if len(numbers) > 8 else "")
        if with_value or not by_message:
            values = value
        else:
            common = Counter(p.value or "" for p in items).most_common(4)
            values = ", ".join(f"{v} ({n})" if n > 1 else v for v, n in common if v)
        rows.append([column, what, values, len(numbers), shown])
    return rows


def _table(headers: list[str], rows: list[list[Any]], *, max_width: int = 70) -> list[str]:
    def cell(value: Any) -> str:
        text = "" if value is None else str(value).replace("\n", " ")
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    body = [[cell(v) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in body:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(value))
    lines = ["  " + "  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip(),
             "  " + "  ".join("-" * w for w in widths)]
    lines += ["  " + "  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in body]
    return lines
