"""The schema comes from the Alembic migrations shipped in matcher/migrations: from empty to head on
SQLite and PostgreSQL, matching the ORM models exactly, down and up again, and a database made before
migrations existed is taken over."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from matcher import migrations
from matcher.errors import DataError
from matcher.store import Base, CatalogStore

TABLES = {"programs", "imports", "stamps", "api_tokens", "audit_log", "alembic_version", "kiosk_saved_lists",
          "audit_keys", "kiosk_contact_requests", "history_participants", "history_enrollments", "history_outcomes",
          "history_imports", "jobs"}


def test_head_constant_is_the_newest_migration():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", migrations.script_location())
    assert ScriptDirectory.from_config(config).get_heads() == [migrations.HEAD]


def test_migrations_are_shipped_inside_the_package():
    folder = Path(migrations.script_location())
    assert folder.parent.name == "matcher" and (folder / "env.py").is_file()
    assert (folder / "script.py.mako").is_file()
    assert len(list((folder / "versions").glob("0*.py"))) >= 2


def test_upgrade_from_empty_then_models_and_tables_agree(database):
    url, schema = database
    store = CatalogStore(url, schema=schema)
    try:
        assert migrations.status(store.engine, schema=schema).state == "fresh"
        after = migrations.upgrade(store.engine, schema=schema)
        assert (after.state, after.revision) == ("current", migrations.HEAD)
        with store.engine.connect() as conn:
            assert set(inspect(conn).get_table_names(schema=schema)) == TABLES
    finally:
        store.close()
    # The migrated schema is exactly what the models say (columns, types, nullability, indexes).
    options = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema else {}
    engine = create_engine(url, **options)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, migrations.target_metadata()) == []
    finally:
        engine.dispose()


def test_down_to_base_and_up_again(database):
    url, schema = database
    store = CatalogStore(url, schema=schema)
    migrations.upgrade(store.engine, schema=schema)
    assert migrations.downgrade(store.engine, "base", schema=schema).state == "fresh"
    with store.engine.connect() as conn:
        assert set(inspect(conn).get_table_names(schema=schema)) <= {"alembic_version"}
    assert migrations.upgrade(store.engine, schema=schema).state == "current"
    store.close()


def test_first_use_of_a_store_creates_the_schema(database, make_program):
    url, schema = database
    store = CatalogStore(url, schema=schema)
    store.import_programs([make_program(id="p1")])
    assert migrations.status(store.engine, schema=schema).revision == migrations.HEAD
    assert store.stamp() == 1
    store.close()


def test_a_database_behind_head_is_refused_until_upgraded(tmp_path, make_program):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = CatalogStore(url)
    migrations.upgrade(old.engine, revision="0001")
    old.close()
    store = CatalogStore(url)
    with pytest.raises(DataError, match="matcher db upgrade") as exc:
        store.count()
    assert exc.value.field == "db"
    migrations.upgrade(store.engine)
    store._ready = False
    store.import_programs([make_program()])
    assert store.count() == 1


def test_a_database_from_before_migrations_is_stamped_and_upgraded(tmp_path, make_program):
    """Tables made by the old create_all (programs, imports; no revision) keep their rows."""
    from sqlalchemy import MetaData

    url = f"sqlite:///{tmp_path / 'legacy.db'}"
    engine = create_engine(url)
    legacy = MetaData()
    for name in ("programs", "imports"):
        Base.metadata.tables[name].to_metadata(legacy)
    legacy.create_all(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO imports (source, added, updated, removed, total_after, replace, "
                             "imported_at) VALUES ('old.csv', 1, 0, 0, 1, 0, '2025-01-01 00:00:00')")
    engine.dispose()
    store = CatalogStore(url)
    assert migrations.status(store.engine).state == "legacy"
    with pytest.raises(DataError, match="before migrations"):
        store.count()
    assert migrations.upgrade(store.engine).state == "current"
    store._ready = False
    assert [e["source"] for e in store.imports()] == ["old.csv"]
    store.close()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    store = CatalogStore(f"sqlite:///{tmp_path / 'wal.db'}")
    store.count()
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    store.close()


def test_history_tables_made_on_first_use_before_0004_are_taken_over(tmp_path):
    """Issue 8's store created its tables itself on a database at 0003: 0004 keeps them and their rows."""
    from sqlalchemy import text

    from matcher.learning.history_store import HistoryBase, HistoryStore

    url = f"sqlite:///{tmp_path / 'h.db'}"
    old = CatalogStore(url)
    migrations.upgrade(old.engine, revision="0003")
    HistoryBase.metadata.create_all(old.engine)
    with old.engine.begin() as conn:
        conn.execute(text("INSERT INTO history_participants (id, profile, demographics, updated_at) "
                          "VALUES ('p1', '{}', '{}', '2025-01-01 00:00:00')"))
    assert migrations.upgrade(old.engine).state == "current"
    old.close()
    store = HistoryStore(url)
    assert store.counts()["participants"] == 1
    store.close()
    engine = create_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, migrations.target_metadata()) == []
    engine.dispose()
