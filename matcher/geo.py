"""ZIP code points, ZIP -> county, and great-circle distances.

Data: ``training_data/geo/`` (see its README): Census 2023 ZCTA internal points
for Oregon and Washington, and a curated, approximate ZIP -> county table for
the five service counties. Both are read once and cached.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import DataError
from .paths import data_dir

EARTH_RADIUS_MILES = 3958.7613  # mean Earth radius (IUGG), in statute miles


def _read_rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))
    except FileNotFoundError:
        raise DataError(f"reference data file is missing: {path}", field="geo") from None


# Caches are keyed by the data folder, so pointing MATCHER_DATA_DIR elsewhere never serves stale data.
@lru_cache(maxsize=4)
def _points(folder: Path) -> dict[str, tuple[float, float]]:
    rows = _read_rows(folder / "geo" / "zip_centroids.csv")
    try:
        return {r["zip"]: (float(r["lat"]), float(r["lon"])) for r in rows}
    except (KeyError, ValueError) as exc:
        raise DataError(f"geo/zip_centroids.csv is corrupt: {exc}", field="geo") from None


@lru_cache(maxsize=4)
def _counties(folder: Path) -> dict[str, str]:
    rows = _read_rows(folder / "geo" / "zip_county.csv")
    try:
        return {r["zip"]: r["county_fips"] for r in rows}
    except KeyError as exc:
        raise DataError(f"geo/zip_county.csv is corrupt: missing column {exc}", field="geo") from None


def _clean(zip_code: str | None) -> str | None:
    if zip_code is None:
        return None
    text = str(zip_code).strip()[:5]  # accept ZIP+4 ("97201-1234")
    return text if len(text) == 5 and text.isdigit() else None


def zip_point(zip_code: str | None) -> tuple[float, float] | None:
    """(latitude, longitude) of a ZIP's Census internal point; None if unknown."""
    key = _clean(zip_code)
    return _points(data_dir()).get(key) if key else None


def county_for_zip(zip_code: str | None) -> str | None:
    """5-digit county FIPS for a ZIP in the five service counties; None otherwise.

    Approximate: a ZIP crossing a county line maps to the county most of its
    residents live in; ZIPs not in the curated table give None.
    """
    key = _clean(zip_code)
    return _counties(data_dir()).get(key) if key else None


def haversine_miles(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle distance in miles from one point to many (vectorized).

    Hot path of the matching engine (one seeker against every program), so it
    works in place on a few temporary arrays instead of chaining expressions.
    ``lats``/``lons`` in degrees; NaN coordinates give NaN distances.
    """
    phi = np.radians(np.asarray(lats, dtype=np.float64))
    dphi = phi - np.radians(lat)
    dlam = np.radians(np.asarray(lons, dtype=np.float64))
    dlam -= np.radians(lon)
    # a = sin²(dphi/2) + cos(phi1)·cos(phi2)·sin²(dlam/2)
    np.sin(dphi * 0.5, out=dphi)
    np.square(dphi, out=dphi)
    np.sin(dlam * 0.5, out=dlam)
    np.square(dlam, out=dlam)
    np.cos(phi, out=phi)
    phi *= np.cos(np.radians(lat))
    dlam *= phi
    dphi += dlam
    np.clip(dphi, 0.0, 1.0, out=dphi)
    np.sqrt(dphi, out=dphi)
    np.arcsin(dphi, out=dphi)
    dphi *= 2.0 * EARTH_RADIUS_MILES
    return dphi
