"""Built-in derivations: a field worked out from other fields of the same record (marked *derived*).

A mapping asks for one with ``derive = "<name>"`` on the field it fills; it
runs only when the field's own column(s) and rules gave nothing. Each
derivation says which fields it can fill and which it reads, so the importer
runs them after the fields they need.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import DataError
from ..paths import data_dir
from ..records import FieldStatus, Sector
from .convert import Context, Converted

SECTOR_TABLE = "mappings/soc_sectors.csv"


@dataclass(frozen=True)
class Derivation:
    fields: tuple[str, ...]  # the fields it can fill
    needs: tuple[str, ...]  # the fields it reads
    run: Callable[[Mapping[str, Any], Context], Converted | None]
    description: str


def _occupations_from_cip(values: Mapping[str, Any], ctx: Context) -> Converted | None:
    cip = values.get("cip_code")
    if not cip:
        return None
    found = ctx.taxonomy.occupations_for_cip(cip)
    # The crosswalk links nearly every CIP to the postsecondary teachers of the subject (25-1xxx):
    # a job for the college's faculty, not for the program's completers, so it is left out.
    codes = [c for c in found if not c.startswith("25-1")] or found
    if not codes:
        return None
    n = len(codes)
    return Converted(codes, FieldStatus.DERIVED,
                     note=f"from CIP {cip} through the NCES CIP 2020 - SOC 2018 crosswalk "
                          f"({n} occupation{'s' if n != 1 else ''}; postsecondary teachers left out)")


def _sector_from_occupations(values: Mapping[str, Any], ctx: Context) -> Converted | None:
    codes = values.get("target_occupations") or []
    if not codes:
        return None
    table = ctx.sector_table
    votes = Counter(sector_for_occupation(code, table) for code in codes)
    best = max(votes.values())
    # Ties go to the sector of the earliest occupation listed (the source's own first choice).
    for code in codes:
        sector = sector_for_occupation(code, table)
        if votes[sector] == best:
            return Converted(sector.value, FieldStatus.DERIVED,
                             note=f"from occupation {code}" + (f" and {len(codes) - 1} more" if len(codes) > 1 else ""))
    return None  # pragma: no cover - codes is not empty


def _state_from_zip(values: Mapping[str, Any], ctx: Context) -> Converted | None:
    from ..geo import zip_state

    state = zip_state(values.get("location.zip"))
    return Converted(state, FieldStatus.DERIVED, note="from the ZIP's USPS prefix") if state else None


def _hours_per_week(values: Mapping[str, Any], ctx: Context) -> Converted | None:
    hours, weeks = values.get("contact_hours"), values.get("duration_weeks")
    if not hours or not weeks:
        return None
    per_week = round(float(hours) / float(weeks) * 2) / 2  # to the half hour
    if not 0 < per_week <= 80:
        return None
    return Converted(max(per_week, 0.5), FieldStatus.DERIVED,
                     note=f"{hours:g} contact hours over {weeks:g} weeks")


def _credentials_from_name(values: Mapping[str, Any], ctx: Context) -> Converted | None:
    name = values.get("credential_name")
    if not name:
        return None
    # Only exact or curated-alias hits on a credential: a fuzzy guess is not a credential claim.
    hit = ctx.credential_for(name)
    if hit is None:
        return None
    return Converted([hit[0]], FieldStatus.DERIVED, note=f"{name!r} is the credential {hit[1]!r}")


DERIVATIONS: dict[str, Derivation] = {
    "occupations_from_cip": Derivation(("target_occupations",), ("cip_code",), _occupations_from_cip,
                                       "target occupations from the CIP code, through the CIP-SOC crosswalk"),
    "sector_from_occupations": Derivation(
        ("sector",), ("target_occupations",), _sector_from_occupations,
        "sector from the target occupations (training_data/mappings/soc_sectors.csv)"),
    "state_from_zip": Derivation(("location.state",), ("location.zip",), _state_from_zip,
                                 "state from the ZIP code's USPS prefix"),
    "hours_per_week_from_contact_hours": Derivation(
        ("schedule.hours_per_week",), ("contact_hours", "duration_weeks"), _hours_per_week,
        "hours a week = contact hours / weeks, when that is between 0 and 80"),
    "credentials_from_name": Derivation(("credentials_awarded",), ("credential_name",), _credentials_from_name,
                                        "credential IDs from the credential's name (exact or curated alias only)"),
}


# --------------------------------------------------------------------------- occupation -> sector


def load_sector_table() -> dict[str, Sector]:
    """SOC prefix -> sector, from ``data_dir()/mappings/soc_sectors.csv``."""
    return _sector_table(data_dir())


def sector_for_occupation(code: str, table: Mapping[str, Sector] | None = None) -> Sector:
    """The sector of an O*NET-SOC code: the longest matching prefix in the sector table, else ``other``."""
    if table is None:
        table = _sector_table(data_dir())
    for length in range(len(code), 1, -1):
        found = table.get(code[:length])
        if found is not None:
            return found
    return Sector.OTHER


@lru_cache(maxsize=4)
def _sector_table(folder: Path) -> dict[str, Sector]:
    path = folder / SECTOR_TABLE
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            rows = [r for r in csv.DictReader(fh) if not r["soc_prefix"].startswith("#")]
        return {r["soc_prefix"].strip(): Sector(r["sector"].strip()) for r in rows}
    except FileNotFoundError:
        raise DataError(f"sector table is missing: {path}", field="sector") from None
    except (KeyError, ValueError) as exc:
        raise DataError(f"{SECTOR_TABLE} is corrupt: {exc}", field="sector") from None
