"""Likely duplicates across sources, and merging them only when the board says so.

Two programs are *likely duplicates* when they have the same provider (names
compared after folding case, punctuation and words like "Inc" or "The") and
the same CIP code, and:

- from **different sources**: near-same names (rapidfuzz token-set similarity
  of at least :data:`NAME_THRESHOLD` after dropping generic words such as
  "certificate" or "program"), and not clearly at different places (two ZIPs
  more than :data:`MAX_MILES_APART` apart are two campuses, not one program);
- from the **same source**: the same name (equal once case and punctuation
  are folded: "NCCER Level 2" and "Level 3" are two programs), the same ZIP,
  and nothing that tells them apart: a different credential or delivery, or
  contact hours, weeks or cost more than 10% apart, make them two offerings
  (a certificate and an AAS in the same CIP are not one program).

They are always reported. They are merged only with ``merge=True``: the record
already there (the store's, else the earlier row) is the primary; each field
takes the better-grounded value (reported beats derived, derived beats
assumed, anything beats unknown; ties keep the primary), lists are joined, and
``provenance`` records, for every field that has a value, which source it came
from, plus any value the other source disagreed with.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from rapidfuzz import fuzz

from ..records import PROGRAM_FIELD_PATHS, FieldSource, FieldStatus, Program, parse_program
from .report import Duplicate, ImportReport

NAME_THRESHOLD = 90.0
MAX_MILES_APART = 25.0

_PROVIDER_NOISE = {"inc", "llc", "the", "co", "corp", "corporation", "company", "ltd", "of", "and"}
_NAME_NOISE = {"certificate", "certification", "program", "programs", "training", "course", "courses", "class",
               "level", "general", "the", "and", "of", "in", "for", "a", "an", "cert", "aas", "as"}
_ABBREVIATIONS = {"cc": ["community", "college"], "ctc": ["community", "technical", "college"],
                  "univ": ["university"], "tech": ["technical"]}


def provider_key(name: str) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", name.casefold()).split()
    out: list[str] = []
    for word in words:
        out.extend(_ABBREVIATIONS.get(word, [word]))
    return " ".join(w for w in out if w not in _PROVIDER_NOISE)


def name_key(name: str) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", name.casefold()).split()
    return " ".join(w for w in words if w not in _NAME_NOISE) or " ".join(words)


def find_duplicates(new: Sequence[Program], existing: Sequence[Program] = ()) -> list[tuple[Program, Program, float,
                                                                                           str]]:
    """(duplicate, primary, name score 0..1, why) pairs: each new program against the ones before it."""
    groups: dict[tuple[str, str], list[Program]] = defaultdict(list)
    for program in existing:
        if program.cip_code:
            groups[(provider_key(program.provider), program.cip_code)].append(program)
    found: list[tuple[Program, Program, float, str]] = []
    for program in new:
        if not program.cip_code:
            continue
        key = (provider_key(program.provider), program.cip_code)
        best: tuple[float, Program, str] | None = None
        for other in groups[key]:
            if other.id == program.id:
                continue
            if _same_source(program, other):
                if _folded(program.name) != _folded(other.name) or _told_apart(program, other):
                    continue
                score = 100.0
            else:
                score = fuzz.token_set_ratio(name_key(program.name), name_key(other.name))
                if score < NAME_THRESHOLD:
                    continue
            place = _same_place(program, other)
            if place is None:
                continue
            if best is None or score > best[0]:
                best = (score, other, place)
        if best is not None:
            score, other, place = best
            found.append((program, other, score / 100, f"same provider and CIP {program.cip_code}; {place}"))
        groups[key].append(program)
    return found


def _same_source(a: Program, b: Program) -> bool:
    return bool(a.sources and b.sources and a.sources[0].name == b.sources[0].name)


def _folded(name: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name.casefold()).split())


def _told_apart(a: Program, b: Program) -> bool:
    """True when two same-source records differ in something that makes them two offerings."""
    if a.credential_type and b.credential_type and a.credential_type != b.credential_type:
        return True
    if a.location.delivery is not b.location.delivery:
        return True
    pairs = [(a.contact_hours, b.contact_hours), (a.duration_weeks, b.duration_weeks)]
    if a.cost.tuition_reported and b.cost.tuition_reported:
        pairs.append((a.cost.tuition_usd, b.cost.tuition_usd))
    return any(x is not None and y is not None and abs(x - y) > 0.1 * max(abs(x), abs(y)) for x, y in pairs)


def _same_place(a: Program, b: Program) -> str | None:
    """Why two records can be one offering, or None when they are clearly at different places."""
    same_source = _same_source(a, b)
    za, zb = a.location.zip, b.location.zip
    if za and zb and za == zb:
        return f"same ZIP {za}"
    if same_source:
        return None
    if not (za and zb):
        return "one has no ZIP"
    from ..geo import distance_miles, zip_point

    pa, pb = zip_point(za), zip_point(zb)
    if pa is None or pb is None:
        return None
    import numpy as np

    miles = float(distance_miles(pa[0], pa[1], np.array([pb[0]]), np.array([pb[1]]))[0])
    return f"ZIPs {za} and {zb} are {miles:.0f} miles apart" if miles <= MAX_MILES_APART else None


def resolve_duplicates(programs: list[Program], existing: list[Program], report: ImportReport, *,
                       merge: bool) -> list[Program]:
    """Report likely duplicates; with ``merge`` fold each into its primary. Returns the programs to store."""
    pairs = find_duplicates(programs, existing)
    if not pairs:
        return programs
    by_id = {p.id: p for p in programs}
    merged_into: dict[str, Program] = {}  # primary id -> merged record
    dropped: set[str] = set()
    for duplicate, primary, score, why in pairs:
        report.duplicates.append(Duplicate(duplicate.id, primary.id, score, why, merged=merge))
        if not merge:
            continue
        base = merged_into.get(primary.id, by_id.get(primary.id, primary))
        merged_into[primary.id] = merge_programs(base, duplicate)
        dropped.add(duplicate.id)
    if not merge:
        return programs
    out = [merged_into.get(p.id, p) for p in programs if p.id not in dropped]
    present = {p.id for p in out}
    out.extend(m for pid, m in merged_into.items() if pid not in present)  # store records that were updated
    return out


# --------------------------------------------------------------------------- merging

# Fields merged as one unit: their parts only make sense together.
_UNITS: tuple[tuple[str, ...], ...] = (
    ("cost.tuition_usd", "cost.tuition_reported"),
    ("location.zip", "location.latitude", "location.longitude", "location.county", "location.state",
     "location.city", "location.address"),
    ("paid.kind", "paid.hourly_wage", "paid.stipend_usd"),
    ("prerequisites.background_check", "prerequisites.background_exclusions"),
)
_LEAVES = sorted(p for p in PROGRAM_FIELD_PATHS if not any(q.startswith(p + ".") for q in PROGRAM_FIELD_PATHS))
_SKIP = {"id", "sample_data"}
_RANK = {FieldStatus.REPORTED: 3, FieldStatus.ESTIMATE: 2, FieldStatus.DERIVED: 2, FieldStatus.ASSUMED: 0,
         FieldStatus.NOT_REPORTED: -1, FieldStatus.SUPPRESSED: -1}


def merge_programs(primary: Program, other: Program) -> Program:
    """One record from two: the better-grounded value of each field, with the source of every field kept."""
    pdata = primary.model_dump(mode="json")
    odata = other.model_dump(mode="json")
    pkey = primary.sources[0].key if primary.sources else "catalog"
    okey = other.sources[0].key if other.sources else "catalog"
    unit_of = {path: unit for unit in _UNITS for path in unit}
    provenance: dict[str, FieldSource] = {}
    done: set[str] = set()
    for path in _LEAVES:
        if path in _SKIP or path in done:
            continue
        unit = unit_of.get(path, (path,))
        done.update(unit)
        head = unit[0]
        prank, orank = _rank(primary, pdata, head), _rank(other, odata, head)
        winner, wkey, wdata = (other, okey, odata) if orank > prank else (primary, pkey, pdata)
        loser_data = pdata if winner is other else odata
        for part in unit:
            value = _get(wdata, part)
            if isinstance(value, list) and isinstance(_get(loser_data, part), list) and min(prank, orank) >= 2:
                joined = list(dict.fromkeys([*_get(pdata, part), *_get(odata, part)]))
                _set(pdata, part, joined)
            else:
                _set(pdata, part, value)
        for part in unit:
            if part == "cost.tuition_reported":
                continue
            entry = _provenance_entry(part, winner, wkey, primary if winner is other else other, pdata,
                                      loser_data, max(prank, orank))
            if entry is not None:
                provenance[part] = entry
    sources = [*primary.sources, *(s for s in other.sources if s.key not in {x.key for x in primary.sources})]
    pdata["sources"] = [s.model_dump(mode="json") for s in sources]
    pdata["provenance"] = [e.model_dump(mode="json") for e in provenance.values()]
    return parse_program(pdata)


def _provenance_entry(path: str, winner: Program, wkey: str, loser: Program, merged: dict[str, Any],
                      loser_data: dict[str, Any], rank: int) -> FieldSource | None:
    own = winner.field_source(path)
    value = _get(merged, path)
    if rank < 0:
        # Neither source has a value: keep a source's "not reported" / "suppressed", if either said so.
        for program in (winner, loser):
            said = program.field_source(path)
            if said is not None and said.status.is_unknown:
                return said
        return None
    if own is None and _is_empty(value):
        return None
    status = own.status if own is not None else FieldStatus.REPORTED
    note = own.note if own is not None else ""
    other_value = _get(loser_data, path)
    if not _is_empty(other_value) and other_value != value and not isinstance(value, list):
        other_key = loser.sources[0].key if loser.sources else "catalog"
        note = (note + "; " if note else "") + f"{other_key} says {str(other_value)[:80]!r}"
    elif isinstance(value, list) and not _is_empty(other_value) and other_value != value:
        other_key = loser.sources[0].key if loser.sources else "catalog"
        note = (note + "; " if note else "") + f"joined with {other_key}'s list"
    return FieldSource(field=path, status=status, source=wkey, column=own.column if own else None, note=note[:500])


def _rank(program: Program, data: dict[str, Any], path: str) -> int:
    status = program.field_status(path)
    if path == "cost.tuition_usd" and not program.cost.tuition_reported:
        return -1
    if status is FieldStatus.REPORTED and _is_empty(_get(data, path)):
        return -1  # nothing there: the default, not a reported value
    return _RANK[status]


def _is_empty(value: Any) -> bool:
    return value is None or value == [] or value == "" or value is False


def _get(data: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        data = data[part]
    return data


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        data = data[part]
    data[parts[-1]] = value
