"""Source mappings: a TOML file that says how a published catalog's columns become program fields.

A mapping is data, not code: a board writes one for its own state's export
without touching Python. ``docs/sources.md`` documents every key with a
worked example; this module holds the pydantic model that validates a mapping
file and names the key at fault when something is wrong.

Shape (see ``training_data/mappings/*.toml`` for the shipped ones)::

    [source]                      # what the file is
    name = "tx-etpl"              # short name, used in ids and provenance
    title = "Texas ETPL"
    not_reported = ["", "ERROR"]  # cells that mean "the source did not report this"

    [fields.name]                 # one table per program field (dotted paths quoted)
    column = "Program Name"

    [fields."cost.tuition_usd"]
    columns = ["Tuition", "Fees"]
    convert = "money"
    combine = "sum"

Each field gets its value from, in this order: its column(s) or template; else
the first matching rule (every matching rule, for list fields); else a
built-in derivation; else its ``default`` (marked *assumed*). What happened is
counted per field in the import report and recorded per program in
``Program.provenance``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping as MappingABC
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from ..errors import FieldProblem, InputFileError, ValidationError, from_pydantic
from ..paths import data_dir
from ..records import PROGRAM_FIELD_PATHS

MAPPINGS_FOLDER = "mappings"
_NAME_RE = r"^[a-z0-9][a-z0-9-]{0,39}$"
_TEMPLATE_RE = re.compile(r"\{([^{}]+)\}")

# Program fields that hold lists: rules add to them instead of replacing.
LIST_FIELDS = frozenset({
    "target_occupations", "skills_taught", "credentials_awarded", "prerequisites.skills",
    "prerequisites.background_exclusions", "schedule.times", "cost.funding", "supports", "languages",
    "employer_partners",
})
# Fields the importer fills itself: a mapping cannot set them.
RESERVED_FIELDS = frozenset({"sources", "provenance", "cost.tuition_reported", "sample_data"})
# Whole nested objects: a mapping sets their parts, never the object.
GROUP_FIELDS = frozenset({"prerequisites", "schedule", "cost", "paid", "location", "outcomes"})
MAPPABLE_FIELDS = frozenset(PROGRAM_FIELD_PATHS - RESERVED_FIELDS - GROUP_FIELDS)
# Fields every program must have: a mapping fills each, from the file or with a stated default.
REQUIRED_FIELDS = ("id", "name", "provider", "type", "sector", "target_occupations", "schedule.times",
                   "schedule.hours_per_week")

Combine = Literal["first", "sum", "join", "list"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Strict):
    """One test a rule makes. Exactly one of ``column``/``columns``/``field`` and one test."""

    column: str | None = Field(default=None, description="A source column.")
    columns: list[str] | None = Field(default=None, description="Any of these source columns.")
    field: str | None = Field(default=None, description="A program field this mapping fills (after conversion).")
    equals: str | list[str] | None = Field(default=None, description="Equal to (any of), ignoring case and spaces.")
    matches: str | None = Field(default=None, description="A regular expression found anywhere, ignoring case.")
    empty: bool | None = Field(default=None, description="true: the cell is empty or not reported.")

    @model_validator(mode="after")
    def _one_subject_one_test(self) -> Condition:
        subjects = [k for k in ("column", "columns", "field") if getattr(self, k) is not None]
        tests = [k for k in ("equals", "matches", "empty") if getattr(self, k) is not None]
        if len(subjects) != 1:
            raise ValueError("a condition needs exactly one of column, columns or field")
        if len(tests) != 1:
            raise ValueError("a condition needs exactly one of equals, matches or empty")
        if self.matches is not None:
            try:
                re.compile(self.matches)
            except re.error as exc:
                raise ValueError(f"matches is not a valid regular expression: {exc}") from None
        if self.field is not None and self.field not in PROGRAM_FIELD_PATHS:
            raise ValueError(f"field {self.field!r} is not a program field")
        return self

    @property
    def source_columns(self) -> list[str]:
        if self.column is not None:
            return [self.column]
        return list(self.columns or [])

    @cached_property
    def wanted(self) -> tuple[str, ...]:
        if self.equals is None:
            return ()
        values = [self.equals] if isinstance(self.equals, str) else self.equals
        return tuple(fold(v) for v in values)


class Rule(_Strict):
    """``when`` (one condition, or a list that must all hold) -> ``value``."""

    when: Condition | list[Condition]
    value: Any = Field(description="The value to give the field (a list field: items to add).")
    note: str = Field(default="", max_length=300, description="Why, for the provenance record.")
    assumed: bool = Field(default=False, description="The rule states an assumption (marked assumed, not derived).")
    override: bool = Field(default=False, description="The rule wins even over a value read from the column.")

    @property
    def conditions(self) -> list[Condition]:
        return self.when if isinstance(self.when, list) else [self.when]


class FieldMapping(_Strict):
    """How one program field is filled from the source."""

    column: str | None = Field(default=None, description="The source column.")
    aliases: list[str] = Field(default_factory=list,
                               description="Other names the same column goes by in other versions of the file.")
    columns: list[str] | None = Field(default=None, description="Several columns, combined by `combine`.")
    template: str | None = Field(default=None, description="Text with {Column Name} placeholders.")
    convert: str = Field(default="text", description="Converter name (docs/sources.md lists them).")
    combine: Combine | None = Field(default=None, description="How several columns make one value.")
    separator: str | None = Field(default=None, description="Split each cell into items on this text.")
    join_with: str = Field(default=" ", description="combine = 'join': the text between parts.")
    # converter options
    format: str | None = Field(default=None, description="date: a strptime format like '%B %d, %Y %I:%M %p'.")
    true: list[str] | None = Field(default=None, description="bool: words meaning yes.")
    false: list[str] | None = Field(default=None, description="bool: words meaning no.")
    unknown: list[str] | None = Field(default=None, description="bool: words meaning not known (e.g. Pending).")
    values: dict[str, Any] | None = Field(default=None, description="lookup: source value -> field value.")
    scale: float | None = Field(default=None, gt=0, description="rate: divide by this (100 for percentages).")
    min: float | None = Field(default=None, description="number/integer/money: smallest accepted value.")
    max: float | None = Field(default=None, description="number/integer/money: largest accepted value.")
    truncate: int | None = Field(default=None, ge=1, description="text: cut longer text to this many characters.")
    strip_quotes: bool = Field(default=False, description="text: remove quotes around the whole cell.")
    # unknowns
    not_reported: list[str] = Field(default_factory=list, description="More cells meaning 'not reported'.")
    suppressed: list[str] = Field(default_factory=list, description="Cells meaning 'withheld by the source'.")
    on_error: Literal["reject", "drop"] = Field(
        default="reject", description="A cell that does not convert: reject the row, or drop the value and warn.")
    # other ways to a value
    rules: list[Rule] = Field(default_factory=list)
    derive: str | None = Field(default=None, description="A built-in derivation (docs/sources.md).")
    default: Any = Field(default=None, description="The value when nothing else gives one (marked assumed).")
    default_note: str = Field(default="", max_length=300, description="Why the default is a fair assumption.")
    required: bool = Field(default=False, description="Reject the row when no value is found.")
    only_when: Condition | list[Condition] | None = Field(
        default=None, description="Read this field only for rows where this holds (e.g. only apprenticeships).")

    @cached_property
    def lookup_table(self) -> dict[str, Any]:
        """``values`` with folded keys (the lookup converter's table), built once."""
        return {fold(k): v for k, v in (self.values or {}).items()}

    @property
    def only_when_conditions(self) -> list[Condition]:
        if self.only_when is None:
            return []
        return self.only_when if isinstance(self.only_when, list) else [self.only_when]

    @model_validator(mode="after")
    def _coherent(self) -> FieldMapping:
        given = [k for k in ("column", "columns", "template") if getattr(self, k) is not None]
        if len(given) > 1:
            raise ValueError(f"give one of column, columns or template, not {' and '.join(given)}")
        if self.aliases and self.column is None:
            raise ValueError("aliases need a column")
        if self.columns is not None and not self.columns:
            raise ValueError("columns is empty")
        if self.combine is not None and self.columns is None:
            raise ValueError("combine only applies to columns")
        if self.template is not None and not _TEMPLATE_RE.search(self.template):
            raise ValueError("template has no {Column Name} placeholder")
        if not (given or self.rules or self.derive or self.default is not None):
            raise ValueError("says nowhere to get a value: give column, columns, template, rules, derive or default")
        return self

    @property
    def source_columns(self) -> list[str]:
        """Every column this field reads (its own and those its rules test)."""
        out: list[str] = []
        if self.column is not None:
            out.append(self.column)
        out.extend(self.columns or [])
        if self.template is not None:
            out.extend(_TEMPLATE_RE.findall(self.template))
        for rule in self.rules:
            for cond in rule.conditions:
                out.extend(cond.source_columns)
        for cond in self.only_when_conditions:
            out.extend(cond.source_columns)
        return list(dict.fromkeys(out))


class SourceInfo(_Strict):
    """What the file is and how to read it."""

    name: Annotated[str, StringConstraints(pattern=_NAME_RE)] = Field(
        description="Short name: lower-case letters, digits and '-' (used in provenance).")
    title: str = Field(min_length=1, max_length=200)
    publisher: str = Field(default="", max_length=200)
    url: str = Field(default="", max_length=500)
    description: str = Field(default="", max_length=4000)
    format: Literal["csv"] = "csv"
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    header_row: int = Field(default=1, ge=1, le=50, description="Row holding the column names (1 = first).")
    not_reported: list[str] = Field(default_factory=list,
                                    description="Cells meaning 'not reported', for every column (a blank cell is "
                                                "always unknown).")
    suppressed: list[str] = Field(default_factory=list, description="Cells meaning 'withheld', for every column.")
    ignore_columns: list[str] = Field(default_factory=list,
                                      description="Columns known and deliberately not used (not 'unrecognised').")
    record_id: str | None = Field(default=None, description="Column with the source's own record id.")
    provider_id: str | None = Field(default=None, description="Column with the source's provider id.")
    updated: str | None = Field(default=None, description="Column with the record's last-update date.")
    updated_format: str | None = Field(default=None, description="strptime format of `updated`.")
    unknown_zip: Literal["reject", "nearest"] = Field(
        default="reject",
        description="A ZIP with no Census point and no coordinates: reject the row, or place it at the nearest "
                    "known ZIP number in the same 3-digit area (for files with PO-box ZIPs; each is reported).")


class Mapping(_Strict):
    """A whole mapping file."""

    source: SourceInfo
    fields: dict[str, FieldMapping]

    @field_validator("fields", mode="before")
    @classmethod
    def _known_fields(cls, fields: Any) -> Any:
        # Checked before each table is parsed, so [fields.cost.tuition_usd] (a TOML nested table, not
        # the quoted dotted name) gets advice rather than "extra inputs are not permitted".
        if not isinstance(fields, dict):
            return fields
        for name in fields:
            if name in RESERVED_FIELDS:
                raise ValueError(f"{name!r} is filled by the importer, not by a mapping")
            if name in GROUP_FIELDS:
                raise ValueError(f"{name!r} is a group: map its parts, e.g. [fields.\"{name}.{_example_part(name)}\"] "
                                 f"(quote a dotted field name in a TOML table header)")
            if name not in MAPPABLE_FIELDS:
                hint = _closest(name, sorted(MAPPABLE_FIELDS))
                raise ValueError(f"{name!r} is not a program field" + (f" (did you mean {hint!r}?)" if hint else ""))
        missing = [f for f in REQUIRED_FIELDS if f not in fields]
        if missing:
            raise ValueError("a mapping must fill every field a program needs; missing: " + ", ".join(missing)
                             + " (a source that does not carry one can give it a default, marked assumed)")
        return fields

    @model_validator(mode="after")
    def _converters_and_derivations_exist(self) -> Mapping:
        from .convert import CONVERTERS, check_options
        from .derive import DERIVATIONS

        for name, fm in self.fields.items():
            if fm.convert not in CONVERTERS:
                raise ValueError(f"fields.{name}: unknown converter {fm.convert!r}; use one of "
                                 + ", ".join(sorted(CONVERTERS)))
            problem = check_options(fm)
            if problem:
                raise ValueError(f"fields.{name}: {problem}")
            if fm.derive is not None:
                derivation = DERIVATIONS.get(fm.derive)
                if derivation is None:
                    raise ValueError(f"fields.{name}: unknown derivation {fm.derive!r}; use one of "
                                     + ", ".join(sorted(DERIVATIONS)))
                if name not in derivation.fields:
                    raise ValueError(f"fields.{name}: derivation {fm.derive!r} fills "
                                     + " or ".join(derivation.fields) + ", not this field")
            tests = [c for rule in fm.rules for c in rule.conditions] + fm.only_when_conditions
            for cond in tests:
                if cond.field is not None and cond.field not in self.fields:
                    raise ValueError(f"fields.{name}: a condition tests field {cond.field!r}, which this mapping "
                                     f"does not fill")
            if name in LIST_FIELDS and fm.combine not in (None, "list"):
                raise ValueError(f"fields.{name}: a list field combines its columns as a list, not {fm.combine!r}")
            if name not in LIST_FIELDS and fm.combine == "list":
                raise ValueError(f"fields.{name}: combine = 'list' is only for list fields")
        self.order()  # raises on a cycle
        return self

    @property
    def name(self) -> str:
        return self.source.name

    def order(self) -> list[str]:
        """Field names in an order where each comes after the fields its rules and derivation read."""
        from .derive import DERIVATIONS

        deps: dict[str, set[str]] = {}
        for name, fm in self.fields.items():
            needs: set[str] = set()
            for rule in fm.rules:
                needs.update(c.field for c in rule.conditions if c.field is not None)
            needs.update(c.field for c in fm.only_when_conditions if c.field is not None)
            if fm.derive is not None:
                needs.update(f for f in DERIVATIONS[fm.derive].needs if f in self.fields)
            needs.discard(name)
            deps[name] = needs
        done: list[str] = []
        state: dict[str, int] = {}

        def visit(name: str, chain: list[str]) -> None:
            if state.get(name) == 2:
                return
            if state.get(name) == 1:
                raise ValueError("fields depend on each other in a circle: " + " -> ".join([*chain, name]))
            state[name] = 1
            for dep in sorted(deps[name]):
                visit(dep, [*chain, name])
            state[name] = 2
            done.append(name)

        for name in self.fields:
            visit(name, [])
        return done

    def expected_columns(self) -> list[str]:
        """Every source column the mapping reads, in first-mention order (aliases not included)."""
        out: list[str] = []
        for fm in self.fields.values():
            out.extend(fm.source_columns)
        for extra in (self.source.record_id, self.source.provider_id, self.source.updated):
            if extra:
                out.append(extra)
        return list(dict.fromkeys(out))


def _example_part(group: str) -> str:
    return {"prerequisites": "min_age", "schedule": "times", "cost": "tuition_usd", "paid": "kind",
            "location": "zip", "outcomes": "completion_rate"}[group]


def _closest(word: str, choices: list[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.7)
    return found[0] if found else None


@lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """How cells are compared with marker and rule values: case and runs of spaces ignored."""
    return " ".join(str(text).split()).casefold()


# --------------------------------------------------------------------------- loading


def shipped_mappings() -> dict[str, Path]:
    """Name -> path of the mappings shipped in ``data_dir()/mappings``."""
    folder = data_dir() / MAPPINGS_FOLDER
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.toml")) if not p.stem.startswith("_")}


def load_mapping(name_or_path: str | Path) -> Mapping:
    """A shipped mapping by name (``tx-etpl``) or a mapping file by path; errors name the TOML key."""
    text_name = str(name_or_path)
    shipped = shipped_mappings()
    if text_name in shipped:
        path = shipped[text_name]
    else:
        path = Path(name_or_path)
        if not path.exists():
            names = ", ".join(shipped) or "(none shipped)"
            raise InputFileError(f"no mapping {text_name!r}: not a shipped mapping ({names}) and no such file",
                                 field="mapping")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(f"{path.name} is not valid TOML: {exc}", field="mapping") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"cannot read mapping {path}: {exc}", field="mapping") from None
    return parse_mapping(data, name=path.name)


def parse_mapping(data: MappingABC[str, Any], *, name: str = "mapping") -> Mapping:
    """Validate a mapping from its parsed TOML (a dict); raise ValidationError naming each bad key."""
    import pydantic

    try:
        return Mapping.model_validate(data)
    except pydantic.ValidationError as exc:
        problems = [FieldProblem(field=p.field, message=p.message, value=p.value) for p in from_pydantic(exc)]
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ValidationError(f"{name}: invalid mapping: {first.field}: {first.message}{more}",
                              field=first.field, problems=problems) from None
