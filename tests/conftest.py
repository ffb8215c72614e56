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
    "skills_taught": ["2.B.3.a", "tool:welding torch", "tech:AutoCAD; 2024"],
    "credentials_awarded": ["cred:aws-d1.1"],
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
