"""Occupation wages: BLS OEWS May 2025 hourly percentiles by area.

Data: ``training_data/wages/`` (see its README). Areas: ``portland``
(Portland-Vancouver-Hillsboro MSA), ``eugene`` (Eugene-Springfield MSA),
``oregon``, ``washington`` and ``national``.

Fallback: when the requested area has no published hourly figures for an
occupation (small metros suppress many), :func:`wage_for` tries the area's
state, then the nation - ``portland``/``eugene`` -> ``oregon`` -> ``national``;
``washington`` -> ``national``. The returned figures name the area they came
from (``area``) and the one asked for (``requested_area``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .errors import DataError, ValidationError
from .paths import data_dir

AREAS = ("portland", "eugene", "oregon", "washington", "national")
FALLBACK: dict[str, tuple[str, ...]] = {
    "portland": ("portland", "oregon", "national"),
    "eugene": ("eugene", "oregon", "national"),
    "oregon": ("oregon", "national"),
    "washington": ("washington", "national"),
    "national": ("national",),
}
AREA_TITLES = {
    "portland": "Portland-Vancouver-Hillsboro, OR-WA MSA",
    "eugene": "Eugene-Springfield, OR MSA",
    "oregon": "Oregon",
    "washington": "Washington",
    "national": "United States",
}
SOURCE = "BLS OEWS May 2025"
_CODE_RE = re.compile(r"^(\d{2})-?(\d{4})(?:\.(\d{2}))?$")


@dataclass(frozen=True)
class WageFigures:
    """Hourly wage percentiles (US dollars) for one occupation in one area.

    A top-coded value (BLS: at least $115.00/h) holds 115.0 and its field is
    named in ``top_coded_fields``. A value BLS did not publish is None.
    """

    soc: str
    title: str
    area: str
    pct10: float | None
    pct25: float | None
    median: float | None
    pct75: float | None
    top_coded: bool = False
    top_coded_fields: tuple[str, ...] = ()
    requested_area: str = ""
    source: str = SOURCE

    @property
    def fell_back(self) -> bool:
        return bool(self.requested_area) and self.requested_area != self.area


def oews_soc(code: str) -> str:
    """The SOC code OEWS publishes wages under, from an O*NET-SOC or SOC code.

    ``53-7062.00`` and ``53-7062.04`` -> ``53-7062``; ``21-1011.00`` -> ``21-1018``
    (O*NET detail that OEWS folds into another code, per the BLS crosswalk).
    """
    match = _CODE_RE.match(str(code).strip())
    if not match:
        raise ValidationError(f"not an SOC or O*NET-SOC code: {code!r}", field="soc")
    major, minor, detail = match.groups()
    onet = f"{major}-{minor}.{detail or '00'}"
    return _remap(data_dir()).get(onet, f"{major}-{minor}")


# Counties of the metro areas whose wages are shipped (OMB 2023 delineations of the two MSAs).
_METRO_COUNTIES = {
    ("OR", "multnomah"): "portland", ("OR", "washington"): "portland", ("OR", "clackamas"): "portland",
    ("OR", "columbia"): "portland", ("OR", "yamhill"): "portland", ("WA", "clark"): "portland",
    ("WA", "skamania"): "portland", ("OR", "lane"): "eugene",
}
_STATE_AREAS = {"OR": "oregon", "WA": "washington"}


def wage_area_for(state: str | None, county: str | None = None, zip_code: str | None = None) -> str:
    """The OEWS area whose wages fit a place: its metro if shipped, else its state if shipped, else ``national``.

    A program in Texas (no Texas wages are shipped) gets ``national``, and
    :func:`area_label` says so, instead of the Portland figures it would
    otherwise borrow. ``state`` may be None when a ZIP is given.
    """
    if state is None and zip_code:
        from .geo import zip_state

        state = zip_state(zip_code)
    key = (state or "").strip().upper()
    folded = (county or "").strip().lower().removesuffix(" county").strip()
    if (key, folded) in _METRO_COUNTIES:
        return _METRO_COUNTIES[(key, folded)]
    return _STATE_AREAS.get(key, "national")


def area_label(area: str, state: str | None = None) -> str:
    """How to name the wage area to a person, saying when national figures stand in for a state's own."""
    title = AREA_TITLES.get(area, area)
    if area == "national" and state and state.upper() not in _STATE_AREAS:
        return f"{title} (national figures: no OEWS wages for {state.upper()} are shipped)"
    return title


def wage_for(soc: str, area: str = "portland") -> WageFigures | None:
    """Wage figures for an occupation, falling back area -> state -> national.

    Returns None when no area in the chain publishes an hourly median (e.g.
    teaching assistants, paid by the school year, or an unknown code).
    """
    key = area.strip().lower()
    if key not in FALLBACK:
        raise ValidationError(f"unknown wage area {area!r}; use one of {', '.join(AREAS)}", field="area")
    code = oews_soc(soc)
    table = _table(data_dir())
    for candidate in FALLBACK[key]:
        found = table.get((candidate, code))
        if found is not None and found.median is not None:
            return replace(found, requested_area=key)
    return None


# Caches are keyed by the data folder, so pointing MATCHER_DATA_DIR elsewhere never serves stale data.
@lru_cache(maxsize=4)
def _table(folder: Path) -> dict[tuple[str, str], WageFigures]:
    path = folder / "wages" / "oews_may2025_hourly.csv"
    out: dict[tuple[str, str], WageFigures] = {}
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                top = tuple(f for f in row["top_coded"].split(";") if f)
                out[(row["area"], row["soc"])] = WageFigures(
                    soc=row["soc"], title=row["title"], area=row["area"],
                    pct10=_num(row["h_pct10"]), pct25=_num(row["h_pct25"]),
                    median=_num(row["h_median"]), pct75=_num(row["h_pct75"]),
                    top_coded=bool(top), top_coded_fields=top,
                )
    except FileNotFoundError:
        raise DataError(f"wage data file is missing: {path}", field="wages") from None
    except (KeyError, ValueError) as exc:
        raise DataError(f"wages/oews_may2025_hourly.csv is corrupt: {exc}", field="wages") from None
    return out


@lru_cache(maxsize=4)
def _remap(folder: Path) -> dict[str, str]:
    path = folder / "wages" / "onet_to_oews_soc.csv"
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            return {r["onet_soc"]: r["oews_soc"] for r in csv.DictReader(fh)}
    except FileNotFoundError:
        raise DataError(f"wage data file is missing: {path}", field="wages") from None


def _num(text: str) -> float | None:
    return float(text) if text else None
