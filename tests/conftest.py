"""Shared fixtures. Keep this small and general; name area-specific fixtures clearly."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from matcher.records import Program, parse_program

# The API tests' fixtures (app, client, tokens...), kept in their own module.
pytest_plugins = ["api_fixtures"]

# A program with every field given, including text that is awkward for CSV
# (commas, quotes, semicolons, newlines, non-ASCII) so round trips are tested
# on the hard cases.
FULL_PROGRAM: dict[str, Any] = {
    "id": "pcc-weld-01",
    "name": 'Welding "Fast Track", Level 1',
    "provider": "Portland Community College – Swan Island",
    "type": "occupational_skills",
    "sector": "advanced_manufacturing",
    "target_occupations": ["51-4121.00", "51-4122.00"],
    "cip_code": "48.0508",
    # Real taxonomy IDs: an import reports unknown ones as row errors.
    "skills_taught": ["2.B.3.a", "tool:welding-torches", "tech:autodesk-autocad", "skill:welding-mig"],
    "credentials_awarded": ["cred:aws-welding"],
    "prerequisites": {
        "skills": ["2.A.1.a"],
        "min_education": "some_high_school",
        "min_age": 18,
        "drivers_license": True,
        "background_check": True,
        "background_exclusions": ["violent_felony", "sex_offense"],
        "drug_test": True,
        "physical_demand": "heavy",
        "work_authorization": True,
        "min_reading_grade": 8,
        "min_math_grade": 7,
    },
    "schedule": {"times": ["evening", "weekend"], "hours_per_week": 12.5, "self_paced": False},
    "duration_weeks": 16.0,
    "cost": {"tuition_usd": 4250.75, "funding": ["wioa_ita", "pell"]},
    "paid": {"kind": "stipend", "hourly_wage": 18.25, "stipend_usd": 1500.0},
    "supports": ["tools_gear", "transit_pass", "childcare"],
    "languages": ["en", "es"],
    "location": {
        "delivery": "hybrid",
        "zip": "97217",
        "latitude": 45.5623,
        "longitude": -122.7012,
        "county": "Multnomah",
        "state": "OR",
        "transit_access": True,
        "address": "8010 N Swan Island Ave,\nBuilding 2",
    },
    "seats": 24,
    "next_start": "2025-09-22",
    "outcomes": {"completion_rate": 0.81, "placement_rate": 0.7333333333333333,
                 "median_starting_wage": 23.4, "cohort_size": 30},
    "employer_partners": ["Daimler Trucks", "Vigor; Swan Island", "Back\\slash Co"],
    "description": "Learn MIG, TIG & stick welding; earn AWS D1.1. Ñandú café ünïcödé 溶接.",
    "url": "https://www.pcc.edu/welding/",
    "sample_data": True,
}

# The smallest valid program (required fields only).
MINIMAL_PROGRAM: dict[str, Any] = {
    "id": "ojt-min",
    "name": "Warehouse OJT",
    "provider": "Acme Logistics",
    "type": "ojt",
    "sector": "transportation_logistics",
    "target_occupations": ["53-7062.00"],
    "schedule": {"times": ["day"], "hours_per_week": 40},
    "duration_weeks": 8,
    "location": {"zip": "97220"},
}


@pytest.fixture
def full_program_data() -> dict[str, Any]:
    """A dict for a program with every field populated (a fresh copy per test)."""
    return copy.deepcopy(FULL_PROGRAM)


@pytest.fixture
def full_program() -> Program:
    return parse_program(copy.deepcopy(FULL_PROGRAM))


@pytest.fixture
def minimal_program() -> Program:
    return parse_program(copy.deepcopy(MINIMAL_PROGRAM))


@pytest.fixture
def make_program() -> Callable[..., Program]:
    """Factory: a valid minimal program with top-level fields replaced, e.g. make_program(id="x")."""

    def make(**changes: Any) -> Program:
        data = copy.deepcopy(MINIMAL_PROGRAM)
        data.update(changes)
        return parse_program(data)

    return make


@pytest.fixture(autouse=True)
def _isolated_default_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands that fall back to the default store (./matcher.db or $DATABASE_URL)
    must never see a developer's own database during tests."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("MATCHER_DB", str(tmp_path_factory.mktemp("store") / "matcher.db"))


def link_reference_data(folder: Any) -> None:
    """Give a test's own MATCHER_DATA_DIR the shipped reference data it needs (ZIP points...),
    linked, not copied, so a test can swap in its own catalog without a 0.4 MB copy."""
    from matcher.paths import REPO_ROOT

    for name in ("geo", "taxonomy", "coder", "wages", "self_sufficiency"):
        target = folder / name
        if not target.exists():
            target.symlink_to(REPO_ROOT / "training_data" / name, target_is_directory=True)


# --------------------------------------------------------------------------- real source files (tests/data/sources)

SOURCES_DIR = __import__("pathlib").Path(__file__).parent / "data" / "sources"
SOURCE_SHA256 = {
    "tx_twc_etpl_statewide_2024-03-20.csv": "aa87e34aada4df84bcd1c3045a3c3360aa64533f00836ccce3d84c38a1c04d68",
    "nj_etpl_standardized_extract_2023-04-28.csv": "0774eba113c0d26ef8960d6d0551aa0ab3c98c6efdb7972196587b8568655761",
    "or_wa_public_college_programs_ipeds_2023-24.csv":
        "03e9463396ddb3433e2aebe82daa933b2a47b6593bb6ba88fd21c5921dc60219",
    "or_wa_apprenticeship_sponsors_partner_finder_2026-08-10.csv":
        "e34008f3b44029f02542e1283e1d61bf030ba993165918b40f619cc6fcd4304b",
}


@pytest.fixture(scope="session")
def source_file(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Any]:
    """A real published file from tests/data/sources, decompressed once per run and checked against its sha256."""
    import gzip
    import hashlib

    folder = tmp_path_factory.mktemp("sources")

    def get(name: str) -> Any:
        target = folder / name
        if not target.exists():
            data = gzip.decompress((SOURCES_DIR / f"{name}.gz").read_bytes())
            assert hashlib.sha256(data).hexdigest() == SOURCE_SHA256[name], f"{name} is not the published file"
            target.write_bytes(data)
        return target

    return get


# --------------------------------------------------------------------------- databases

POSTGRES_DSN = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_DSN, connect_timeout=2):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path) -> Any:
    """(url, schema) of a fresh, empty database: a SQLite file, or a throw-away PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'matcher.db'}", None
        return
    if not postgres_available():
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    import uuid

    import psycopg

    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield "postgresql+psycopg://postgres@127.0.0.1:5432/test", schema
    finally:
        with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
