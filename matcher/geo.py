"""ZIP code points, ZIP -> state and county, and distances.

Data: ``training_data/geo/`` (see its README): Census 2023 ZCTA internal points
for the whole US with the state of each ZIP (``zip_points.csv.gz``), and a
curated, approximate ZIP -> county table for the five service counties. Both
are read once (on first use) and cached.
"""

from __future__ import annotations

import csv
import gzip
import io
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
def _table(folder: Path) -> dict[str, tuple[float, float, str]]:
    path = folder / "geo" / "zip_points.csv.gz"
    try:
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
    except FileNotFoundError:
        raise DataError(f"reference data file is missing: {path}", field="geo") from None
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise DataError(f"geo/zip_points.csv.gz is corrupt: {exc}", field="geo") from None
    try:
        return {r["zip"]: (float(r["lat"]), float(r["lon"]), r["state"]) for r in csv.DictReader(io.StringIO(text))}
    except (KeyError, ValueError) as exc:
        raise DataError(f"geo/zip_points.csv.gz is corrupt: {exc}", field="geo") from None


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
    found = _table(data_dir()).get(key) if key else None
    return (found[0], found[1]) if found else None


def zip_state(zip_code: str | None) -> str | None:
    """Two-letter state of a known ZIP (from its USPS prefix); None if the ZIP is not known."""
    key = _clean(zip_code)
    found = _table(data_dir()).get(key) if key else None
    return found[2] if found else None


def is_known_zip(zip_code: str | None) -> bool:
    """True when the ZIP has a Census ZCTA point (PO-box-only and new ZIPs do not)."""
    key = _clean(zip_code)
    return key is not None and key in _table(data_dir())


def nearest_known_zip(zip_code: str | None, *, max_gap: int = 100) -> str | None:
    """The known ZIP with the nearest number in the same 3-digit area (``75902`` -> ``75901``), or None.

    For a real ZIP with no Census point (PO-box and single-organisation ZIPs
    are numbered next to their town's ZIPs). An approximation: callers must
    say they used it.
    """
    key = _clean(zip_code)
    if key is None:
        return None
    table = _table(data_dir())
    if key in table:
        return key
    number = int(key)
    for gap in range(1, max_gap + 1):
        for candidate in (number - gap, number + gap):
            text = f"{candidate:05d}"
            if 0 <= candidate <= 99999 and text[:3] == key[:3] and text in table:
                return text
    return None


def county_for_zip(zip_code: str | None) -> str | None:
    """5-digit county FIPS for a ZIP in the five service counties; None otherwise.

    Approximate: a ZIP crossing a county line maps to the county most of its
    residents live in; ZIPs not in the curated table give None.
    """
    key = _clean(zip_code)
    return _counties(data_dir()).get(key) if key else None


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """(n, 3) points on the unit sphere for latitudes and longitudes in degrees; NaN rows for unknown places."""
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    return np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=-1)


def chord_miles(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(len(a), len(b)) float32 miles between unit vectors ``a`` (m, 3) and ``b`` (n, 3): the one
    distance function of the product; NaN where either place is unknown.

    The chord between the points, R x sqrt(2 - 2 cos), from one (m x 3) @ (3 x n) product in
    float64 (exact to a few yards). Within the 500 miles the matcher cares about the chord is
    shorter than the great-circle arc by under 0.1%, and skipping the arcsine keeps batch
    scoring fast (docs/engine.md).
    """
    two_minus = a @ b.T
    two_minus *= -2.0
    miles = np.add(two_minus, 2.0, out=np.empty(two_minus.shape, np.float32))  # added in float64, stored float32
    del two_minus
    np.maximum(miles, 0, out=miles)
    np.sqrt(miles, out=miles)
    miles *= np.float32(EARTH_RADIUS_MILES)
    return miles


def distance_miles(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Miles from one point to many (degrees), through :func:`chord_miles`; NaN for unknown points."""
    here = unit_vectors(np.array([lat]), np.array([lon]))
    return chord_miles(here, unit_vectors(lats, lons))[0].astype(np.float64)
