"""The SQL catalog store, on SQLite always and on PostgreSQL when one answers at 127.0.0.1:5432."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import insert

from matcher.catalog import Catalog
from matcher.errors import DataError, NotFoundError, ValidationError
from matcher.records import Program
from matcher.store import CatalogStore, resolve_url

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", connect_timeout=2):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path) -> Iterator[CatalogStore]:
    """A fresh, empty store: a SQLite file, or a throw-away PostgreSQL schema."""
    if request.param == "sqlite":
        with CatalogStore(f"sqlite:///{tmp_path / 'store.db'}") as s:
            yield s
        return
    if not _postgres_available():
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    import psycopg

    schema = f"test_store_{uuid.uuid4().hex[:12]}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        with CatalogStore(POSTGRES_URL, schema=schema) as s:
            yield s
    finally:
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def three_programs(make_program) -> list[Program]:
    return [
        make_program(id="a", type="ojt", sector="construction", location={"zip": "97211", "county": "Multnomah"}),
        make_program(id="b", type="registered_apprenticeship", sector="construction",
                     location={"zip": "97401", "county": "Lane"}),
        make_program(id="c", type="ojt", sector="healthcare", location={"delivery": "online"}),
    ]


def test_new_store_is_empty(store):
    assert store.count() == 0
    assert len(store.catalog()) == 0


def test_import_then_read_back_every_field(store, full_program, minimal_program):
    summary = store.import_programs([full_program, minimal_program], source="cat.csv")
    assert (summary.added, summary.updated, summary.removed, summary.total) == (2, 0, 0, 2)
    assert store.get(full_program.id) == full_program
    assert store.catalog().programs == (minimal_program, full_program)  # ordered by id


def test_import_upserts_by_id(store, three_programs, make_program):
    store.import_programs(three_programs, source="first")
    renamed = make_program(id="a", name="Renamed OJT", location={"zip": "97211"})
    summary = store.import_programs([renamed, make_program(id="d")], source="second")
    assert (summary.added, summary.updated, summary.removed, summary.total) == (1, 1, 0, 4)
    assert store.get("a").name == "Renamed OJT"


def test_replace_swaps_the_whole_catalog(store, three_programs, make_program):
    store.import_programs(three_programs)
    summary = store.import_programs([make_program(id="c"), make_program(id="z")], replace=True)
    assert (summary.added, summary.updated, summary.removed, summary.total) == (1, 1, 2, 2)
    assert store.catalog().ids == ("c", "z")


def test_failure_mid_import_leaves_the_store_unchanged(store, three_programs, make_program):
    store.import_programs(three_programs[:1], source="before")

    def failing() -> Iterator[Program]:
        yield make_program(id="new1")
        yield make_program(id="a", name="Changed")
        raise RuntimeError("disk on fire")

    for replace in (False, True):
        with pytest.raises(RuntimeError):
            store.import_programs(failing(), replace=replace)
        assert store.catalog().ids == ("a",)
        assert store.get("a") == three_programs[0]
    assert len(store.imports()) == 1


def test_database_error_mid_import_rolls_back(store, three_programs, monkeypatch):
    import matcher.store as store_module

    store.import_programs(three_programs[:1])
    real_upsert = store_module._upsert
    calls = {"n": 0}

    def upsert_then_fail(session, rows):
        calls["n"] += 1
        real_upsert(session, rows)
        if calls["n"] == 2:
            # A real error from the database itself: NOT NULL columns left empty.
            session.execute(insert(store_module.ProgramRow).values(id="broken"))

    monkeypatch.setattr(store_module, "_BATCH", 1)
    monkeypatch.setattr(store_module, "_upsert", upsert_then_fail)
    with pytest.raises(DataError, match="nothing was changed"):
        store.import_programs(three_programs[1:], replace=True)
    assert store.catalog().ids == ("a",)


def test_duplicate_ids_in_one_import_are_refused_and_nothing_written(store, make_program):
    with pytest.raises(ValidationError) as exc:
        store.import_programs([make_program(id="x"), make_program(id="x")])
    assert exc.value.field == "id"
    assert store.count() == 0


def test_list_filters(store, three_programs):
    store.import_programs(three_programs)
    assert [p.id for p in store.list(type="ojt")] == ["a", "c"]
    assert [p.id for p in store.list(type="apprenticeship")] == ["b"]
    assert [p.id for p in store.list(sector="construction", county="lane county")] == ["b"]
    assert [p.id for p in store.list()] == ["a", "b", "c"]


def test_get_and_delete_unknown_id_name_the_field(store, three_programs):
    store.import_programs(three_programs)
    store.delete("b")
    assert store.count() == 2
    for call in (store.get, store.delete):
        with pytest.raises(NotFoundError) as exc:
            call("b")
        assert exc.value.field == "program_id"


def test_import_log_records_each_import(store, three_programs):
    store.import_programs(three_programs, source="one.csv")
    store.import_programs(three_programs[:1], source="two.csv", replace=True)
    log = store.imports()
    assert [(e["source"], e["added"], e["updated"], e["removed"], e["total"]) for e in log] == [
        ("two.csv", 0, 1, 2, 1), ("one.csv", 3, 0, 0, 3)]


def test_catalog_says_where_it_came_from(store, three_programs):
    store.import_programs(three_programs)
    catalog = store.catalog()
    assert isinstance(catalog, Catalog) and catalog.source.startswith("store ")


# --------------------------------------------------------------------------- configuration


def test_url_resolution_order(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("MATCHER_DB", raising=False)
    assert resolve_url() == "sqlite:///matcher.db"
    monkeypatch.setenv("MATCHER_DB", str(tmp_path / "x.db"))
    assert resolve_url() == f"sqlite:///{tmp_path / 'x.db'}"
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert resolve_url() == "postgresql+psycopg://u@h/db"
    assert resolve_url("sqlite:///given.db") == "sqlite:///given.db"


def test_constructing_a_store_touches_no_database(tmp_path):
    path = tmp_path / "never.db"
    CatalogStore(f"sqlite:///{path}")
    assert not path.exists()


def test_password_is_hidden_in_the_display_url():
    store = CatalogStore("postgresql+psycopg://user:secret@db.example/x")
    assert "secret" not in store.display_url


def test_unreachable_database_is_a_data_error(tmp_path):
    store = CatalogStore(f"sqlite:///{tmp_path / 'missing_dir' / 'x.db'}")
    with pytest.raises(DataError) as exc:
        store.count()
    assert exc.value.field == "db"


def test_bad_url_is_a_validation_error():
    with pytest.raises(ValidationError):
        CatalogStore("not a url at all")


def test_exists_is_false_for_an_uncreated_sqlite_file(tmp_path, make_program):
    store = CatalogStore(f"sqlite:///{tmp_path / 'later.db'}")
    assert not store.exists()
    store.import_programs([make_program()])
    assert store.exists() and store.database_file == tmp_path / "later.db"
