"""Self-sufficiency wage targets by county and household.

The self-sufficiency wage is what each working adult in a household must earn,
full time, to cover basic costs without public or private help (the
Self-Sufficiency Standard convention: all adults work). The matcher compares a
program's starting wage with it.

The shipped table (``training_data/self_sufficiency/self_sufficiency.csv``)
holds two published figures and ESTIMATES for the rest of the grid; each row
says which (``is_estimate``) and how it was made. ``docs/self_sufficiency.md``
explains the method. A board can replace it with its own CSV of the same
columns through :meth:`SelfSufficiencyTable.from_csv`.

Rules of :meth:`SelfSufficiencyTable.target`:
- county: a name ("Multnomah", "Multnomah County", "lane county, or",
  "Clark County WA") or a 5-digit FIPS; unknown -> NotFoundError.
- county None -> the regional default, Multnomah County (the most populous
  service county), with a note saying so.
- more adults or children than the table has -> the largest size it has, with
  a note (the true target is higher).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .csv_format import parse_bool
from .errors import DataError, FieldProblem, ImportRowsError, InputFileError, NotFoundError, ValidationError
from .geo import county_for_zip
from .input_files import read_text
from .paths import data_dir
from .records import SeekerProfile

DEFAULT_COUNTY_FIPS = "41051"  # Multnomah: regional default when no county is known
REQUIRED_COLUMNS = ("county_fips", "county", "state", "adults", "children", "hourly_wage", "measure", "edition",
                    "is_estimate")
_STATES = {"or": "OR", "oregon": "OR", "wa": "WA", "washington": "WA"}


@dataclass(frozen=True)
class SelfSufficiencyTarget:
    hourly_wage: float
    county_fips: str
    county_name: str
    adults: int
    children: int
    measure: str
    edition: str
    is_estimate: bool
    source: str
    note: str = ""
    is_floor: bool = False  # raised to the minimum wage: the true figure is likely higher


@dataclass(frozen=True)
class _Row:
    county_fips: str
    county: str
    state: str
    adults: int
    children: int
    hourly_wage: float
    measure: str
    edition: str
    is_estimate: bool
    source_url: str
    note: str
    is_floor: bool = False


class SelfSufficiencyTable:
    """Self-sufficiency wages keyed by (county FIPS, adults, children)."""

    def __init__(self, rows: list[_Row]) -> None:
        if not rows:
            raise DataError("the self-sufficiency table has no rows", field="self_sufficiency")
        self._rows = {(r.county_fips, r.adults, r.children): r for r in rows}
        self._counties = {r.county_fips: (r.county, r.state) for r in rows}

    # ------------------------------------------------------------------ loading

    @classmethod
    def from_csv(cls, path: str | Path) -> SelfSufficiencyTable:
        """Read and validate a table; report every bad row and field at once.

        Row numbers are file line numbers (the header is row 1).
        """
        path = Path(path)
        if not path.exists():
            raise DataError(f"self-sufficiency table not found: {path}", field="self_sufficiency")
        # The same file-level checks as catalogs: size, encoding (a BOM is fine), binary or workbook files.
        reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
        header = reader.fieldnames or []
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise InputFileError(
                f"{path.name} lacks required column(s): {', '.join(missing)}", field=missing[0],
                problems=[FieldProblem(field=c, message="required column is missing") for c in missing])
        rows, problems = [], []
        seen: dict[tuple[str, int, int], int] = {}
        for line, raw in enumerate(reader, start=2):
            row, row_problems = _parse_row(raw, line)
            problems.extend(row_problems)
            if row is None:
                continue
            key = (row.county_fips, row.adults, row.children)
            if key in seen:
                problems.append(FieldProblem(field="county_fips", row=line,
                                             message=f"duplicate household (same as row {seen[key]})"))
                continue
            seen[key] = line
            rows.append(row)
        if problems:
            raise ImportRowsError(f"{path.name}: {len(problems)} problem(s), first: {problems[0]}",
                                  field=problems[0].field, problems=problems)
        return cls(rows)

    @classmethod
    def default(cls) -> SelfSufficiencyTable:
        """The shipped table (loaded once)."""
        return _default_table(str(data_dir() / "self_sufficiency" / "self_sufficiency.csv"))

    # ------------------------------------------------------------------ lookup

    def counties(self) -> dict[str, str]:
        """FIPS -> county name of every county in the table."""
        return {fips: name for fips, (name, _state) in sorted(self._counties.items())}

    def resolve_county(self, county: str) -> str:
        """FIPS of a county given as a name or FIPS; NotFoundError if not in the table."""
        text = str(county).strip()
        if re.fullmatch(r"\d{5}", text):
            if text in self._counties:
                return text
        else:
            words = re.findall(r"[a-z]+", text.lower())
            words = [w for w in words if w not in ("county", "co", "parish")]
            state = None
            if len(words) > 1 and words[-1] in _STATES:
                state = _STATES[words.pop()]
            name = " ".join(words)
            matches = [fips for fips, (cname, cstate) in self._counties.items()
                       if cname.lower() == name and (state is None or cstate == state)]
            if len(matches) == 1:
                return matches[0]
        known = ", ".join(f"{n} ({f})" for f, n in self.counties().items())
        raise NotFoundError(f"no self-sufficiency figures for county {county!r}; known: {known}",
                            field="household.county")

    def target(self, adults: int, children: int, county: str | None = None) -> SelfSufficiencyTarget:
        """The self-sufficiency wage for a household in a county (see module doc)."""
        if adults < 1:
            raise ValidationError("a household has at least one adult", field="household.adults")
        if children < 0:
            raise ValidationError("children cannot be negative", field="household.children")
        notes = []
        if county is None or not str(county).strip():
            fips = DEFAULT_COUNTY_FIPS
            notes.append(f"No county given: using the regional default, {self._counties[fips][0]} County.")
        else:
            fips = self.resolve_county(county)
        sizes = [(a, c) for (f, a, c) in self._rows if f == fips]
        max_adults = max(a for a, _ in sizes)
        use_adults = min(adults, max_adults)
        if use_adults != adults:
            notes.append(f"The table stops at {max_adults} adults: showing {max_adults}; the true target is higher.")
        max_children = max(c for a, c in sizes if a == use_adults)
        use_children = min(children, max_children)
        if use_children != children:
            notes.append(f"The table stops at {max_children} children: showing {max_children}; "
                         "the true target is higher.")
        row = self._rows.get((fips, use_adults, use_children))
        if row is None:
            raise NotFoundError(f"no self-sufficiency figure for {use_adults} adult(s) and {use_children} "
                                f"child(ren) in {self._counties[fips][0]} County", field="household")
        if row.note:
            notes.insert(0, row.note)
        return SelfSufficiencyTarget(
            hourly_wage=row.hourly_wage, county_fips=row.county_fips, county_name=f"{row.county} County",
            adults=use_adults, children=use_children, measure=row.measure, edition=row.edition,
            is_estimate=row.is_estimate, source=row.source_url, note=" ".join(notes), is_floor=row.is_floor,
        )


def target_for_profile(profile: SeekerProfile, table: SelfSufficiencyTable | None = None
                       ) -> SelfSufficiencyTarget | None:
    """The target for a job seeker's household.

    County from ``profile.household.county``, else from the ZIP. A ZIP outside
    the service counties gives None (no figure for that place); a profile with
    neither county nor ZIP gets the regional default.
    """
    table = table or SelfSufficiencyTable.default()
    household = profile.household
    county = household.county
    if county is None and profile.zip is not None:
        county = county_for_zip(profile.zip)
        if county is None:
            return None
    return table.target(household.adults, household.children, county)


def household_targets(table: SelfSufficiencyTable) -> Callable[[SeekerProfile], SelfSufficiencyTarget | None]:
    """:func:`target_for_profile` bound to ``table``, remembering each distinct household (county, ZIP,
    adults, children): a caseload or a training history repeats a few thousand of them, and the look-up
    (county name matching, the table scan) costs more than the rest of resolving a profile. Misses that
    raise (a county with no figures) are not remembered; they raise again."""

    @lru_cache(maxsize=65_536)
    def by_household(county: str | None, zip_code: str | None, adults: int, children: int
                     ) -> SelfSufficiencyTarget | None:
        if county is None and zip_code is not None:
            county = county_for_zip(zip_code)
            if county is None:
                return None
        return table.target(adults, children, county)

    def target(profile: SeekerProfile) -> SelfSufficiencyTarget | None:
        household = profile.household
        return by_household(household.county, profile.zip, household.adults, household.children)

    return target


# ---------------------------------------------------------------------- helpers


@lru_cache(maxsize=4)
def _default_table(path: str) -> SelfSufficiencyTable:
    try:
        return SelfSufficiencyTable.from_csv(path)
    except (ImportRowsError, InputFileError) as exc:
        raise DataError(f"the shipped self-sufficiency table is corrupt: {exc.message}",
                        field="self_sufficiency", problems=exc.problems) from None


def _parse_row(raw: dict[str, str | None], line: int) -> tuple[_Row | None, list[FieldProblem]]:
    problems: list[FieldProblem] = []

    def text(name: str) -> str:
        return (raw.get(name) or "").strip()

    def bad(name: str, message: str) -> None:
        problems.append(FieldProblem(field=name, message=message, row=line, value=text(name) or None))

    fips = text("county_fips")
    if not re.fullmatch(r"\d{5}", fips):
        bad("county_fips", "must be a 5-digit county FIPS code")
    for name in ("county", "measure", "edition"):
        if not text(name):
            bad(name, "is required")
    state = text("state").upper()
    if not re.fullmatch(r"[A-Z]{2}", state):
        bad("state", "must be a 2-letter state code")
    adults = _int(text("adults"))
    if adults is None or not 1 <= adults <= 10:
        bad("adults", "must be a whole number from 1 to 10")
    children = _int(text("children"))
    if children is None or not 0 <= children <= 15:
        bad("children", "must be a whole number from 0 to 15")
    try:
        wage = float(text("hourly_wage"))
        if not 0 < wage <= 500:
            raise ValueError
    except ValueError:
        wage = None
        bad("hourly_wage", "must be a number of dollars per hour above 0 and at most 500")
    try:
        is_estimate = parse_bool(text("is_estimate"))
    except ValueError:
        is_estimate = False
        bad("is_estimate", "must be true or false")
    # A figure raised to the minimum wage says so: an optional is_floor column, else the shipped
    # table's method text ("raised to the minimum-wage floor").
    is_floor = False
    if text("is_floor"):
        try:
            is_floor = parse_bool(text("is_floor"))
        except ValueError:
            bad("is_floor", "must be true or false")
    else:
        is_floor = "minimum-wage floor" in text("method").lower()
    if problems:
        return None, problems
    assert adults is not None and children is not None and wage is not None
    return _Row(county_fips=fips, county=text("county").removesuffix(" County"), state=state, adults=adults,
                children=children, hourly_wage=wage, measure=text("measure"), edition=text("edition"),
                is_estimate=is_estimate, source_url=text("source_url"), note=text("note"), is_floor=is_floor), []


def _int(text: str) -> int | None:
    return int(text) if re.fullmatch(r"\d{1,3}", text) else None
