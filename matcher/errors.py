"""The one error tree of the matcher library.

Every error the library raises on purpose is a :class:`MatcherError`. Each
carries the *field* at fault (a dotted path such as ``schedule.hours_per_week``)
and, for imports, the *row*, so that the CLI and, later, the API can turn any of
them into one JSON shape (see :meth:`MatcherError.to_dict`) without knowing
which part of the library raised it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with one field of one input (and, for imports, one row)."""

    field: str
    message: str
    row: int | None = None
    value: str | None = None
    suggestions: tuple[str, ...] = ()  # known values close to a wrong one (unknown taxonomy IDs)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field, "message": self.message}
        if self.row is not None:
            out["row"] = self.row
        if self.value is not None:
            out["value"] = self.value
        if self.suggestions:
            out["suggestions"] = list(self.suggestions)
        return out

    def __str__(self) -> str:
        where = f"row {self.row}, " if self.row is not None else ""
        return f"{where}{self.field}: {self.message}"


class MatcherError(Exception):
    """Base of every error the library raises on purpose.

    ``code`` is a stable machine-readable name; ``field`` names the input at
    fault when there is one; ``problems`` lists every field problem found (an
    import reports all bad rows at once rather than stopping at the first).
    """

    code = "matcher_error"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        problems: list[FieldProblem] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.problems: list[FieldProblem] = list(problems or [])

    def to_dict(self) -> dict[str, Any]:
        """The one error shape the CLI's ``--json`` and the API return."""
        out: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.field is not None:
            out["field"] = self.field
        if self.problems:
            out["problems"] = [p.to_dict() for p in self.problems]
        return out


class ValidationError(MatcherError):
    """An input record (program, profile, query) is not valid."""

    code = "validation_error"


class ImportRowsError(ValidationError):
    """A catalog file has invalid rows (every one is in ``problems``); none of it was used."""

    code = "invalid_rows"


class InputFileError(MatcherError):
    """A file cannot be read at all: missing, too large, wrong encoding or format."""

    code = "bad_input_file"


class NotFoundError(MatcherError):
    """A named thing (program, skill, occupation, county) does not exist."""

    code = "not_found"


class DataError(MatcherError):
    """Shipped reference data (taxonomy, wages, catalog) is missing or corrupt."""

    code = "data_error"


def from_pydantic(exc: Any, *, row: int | None = None, prefix: str = "") -> list[FieldProblem]:
    """Turn a ``pydantic.ValidationError`` into our field problems.

    Kept here (rather than in each caller) so every record type reports
    field paths the same way: dotted, with list indexes as numbers.
    """
    problems: list[FieldProblem] = []
    for err in exc.errors(include_url=False):
        loc = [str(part) for part in err.get("loc", ())]
        field = ".".join(loc) or "(record)"
        if prefix:
            field = f"{prefix}.{field}" if loc else prefix
        value = err.get("input")
        shown = None if value is None or isinstance(value, (dict, list)) else shown_value(value)
        problems.append(FieldProblem(field=field, message=_plain(err), row=row, value=shown))
    return problems


def shown_value(value: Any) -> str:
    """A bad value as an error repeats it: cut to 80 characters so one huge cell cannot flood a report,
    and a lone UTF-16 surrogate (a JSON ``\ud800`` escape) replaced, since it cannot be printed or sent."""
    text = str(value)
    text = text if len(text) <= 80 else text[:77] + "..."
    return text.encode("utf-8", "replace").decode("utf-8")


def _plain(err: dict[str, Any]) -> str:
    """pydantic's messages, trimmed of the 'Value error, ' noise custom validators add."""
    msg = str(err.get("msg", "invalid value"))
    for noise in ("Value error, ", "Assertion failed, "):
        if msg.startswith(noise):
            msg = msg[len(noise):]
    return msg


class ModelIntegrityError(DataError):
    """A model artifact is missing, or its checksum does not match the registry: it is not loaded."""

    code = "model_integrity"


class ModelCompatibilityError(DataError):
    """A model artifact was made by an incompatible library or format version: it is not loaded."""

    code = "model_incompatible"
