"""The matcher's database schema, managed by Alembic migrations shipped inside the library.

The migration scripts live in ``versions/`` beside this file, so ``matcher db
upgrade`` works from an installed package with no ini file. Every table of
the matcher's database is in :func:`target_metadata`: :data:`matcher.store.Base`'s
(the catalog store's ``programs``, ``imports``, ``stamps``; the token store,
:mod:`matcher.auth`; the audit trail, :mod:`matcher.audit`; the kiosk's saved
lists and contact requests, :mod:`matcher.kiosk_store`; background jobs, :mod:`matcher.jobs`) and the
outcome history's ``HistoryBase``
(:mod:`matcher.learning.history_store`). A new table
needs a new revision here, and :data:`HEAD` moved to it (a test checks both).

States a database can be in (:func:`status`):

- ``fresh``: no matcher tables at all. First use creates the schema.
- ``legacy``: the catalog tables made by a version from before migrations, with
  no revision recorded. ``upgrade`` stamps it at 0001 and goes on.
- ``behind``: at an older revision. Refused until ``matcher db upgrade``, so a
  schema change to a board's data is always a deliberate step.
- ``current``: at :data:`HEAD`.
- ``ahead``: at a revision this version does not know (a newer version migrated it).

On PostgreSQL an upgrade holds a transaction-scoped advisory lock, so several
app machines starting at once migrate one after the other, never together;
DDL is transactional there, so a failed upgrade leaves nothing half-done.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import MetaData, inspect, text
from sqlalchemy.engine import Connection, Engine

from ..errors import DataError

#: The newest revision of this version of the library.
HEAD = "0006"
VERSION_TABLE = "alembic_version"
LEGACY_TABLES = frozenset({"programs", "imports"})
_ADVISORY_LOCK_KEY = 0x6D617463686572  # "matcher"

State = Literal["fresh", "legacy", "behind", "current", "ahead"]


@dataclass(frozen=True)
class SchemaStatus:
    state: State
    revision: str | None
    head: str = HEAD

    @property
    def message(self) -> str:
        if self.state == "current":
            return f"the database schema is current (revision {self.revision})"
        if self.state == "fresh":
            return "the database is empty: the schema will be created on first use"
        if self.state == "legacy":
            return "the database was made before migrations existed: run `matcher db upgrade`"
        if self.state == "behind":
            return f"the database schema is at revision {self.revision}, this version needs {HEAD}: " \
                   "run `matcher db upgrade`"
        return f"the database schema is at revision {self.revision}, newer than this version knows ({HEAD}): " \
               "upgrade the matcher"


def target_metadata() -> MetaData:
    """Every table of the matcher's database (importing the modules registers their tables): the catalog's
    :data:`~matcher.store.Base` and the outcome history's own ``HistoryBase``, as one metadata."""
    global _COMBINED
    if _COMBINED is None:
        from .. import audit, auth, jobs, kiosk_store  # noqa: F401 - imported for their tables
        from ..learning.history_store import HistoryBase
        from ..store import Base

        combined = MetaData()
        for metadata in (Base.metadata, HistoryBase.metadata):
            for table in metadata.sorted_tables:
                table.to_metadata(combined)
        _COMBINED = combined
    return _COMBINED


_COMBINED: MetaData | None = None


def script_location() -> str:
    return str(Path(__file__).resolve().parent)


def status(engine: Engine, *, schema: str | None = None) -> SchemaStatus:
    with engine.connect() as conn:
        return _status(conn, schema)


def _status(conn: Connection, schema: str | None) -> SchemaStatus:
    tables = set(inspect(conn).get_table_names(schema=schema))
    if VERSION_TABLE in tables:
        table = f'"{schema}".{VERSION_TABLE}' if schema else VERSION_TABLE
        revision = conn.execute(text(f"SELECT version_num FROM {table}")).scalar()  # noqa: S608 - fixed names
        if revision == HEAD:
            return SchemaStatus("current", revision)
        if revision in _known_revisions():
            return SchemaStatus("behind", revision)
        if revision is None:
            return SchemaStatus("fresh" if not (tables - {VERSION_TABLE}) else "legacy", None)
        return SchemaStatus("ahead", revision)
    if tables & LEGACY_TABLES:
        return SchemaStatus("legacy", None)
    return SchemaStatus("fresh", None)


def _known_revisions() -> set[str]:
    # Revision ids are the file names' prefixes (0001_...py): no need to load Alembic to know them.
    return {p.name.split("_", 1)[0] for p in (Path(script_location()) / "versions").glob("[0-9]*_*.py")}


def ensure_schema(engine: Engine, *, schema: str | None = None, display_url: str = "the database") -> None:
    """Create the schema on a fresh database; refuse one that needs ``matcher db upgrade``.

    This is what every :class:`~matcher.store.CatalogStore` does on first use: a
    read of one row when the schema is current.
    """
    current = status(engine, schema=schema)
    if current.state == "current":
        return
    if current.state == "fresh":
        upgrade(engine, schema=schema)
        return
    raise DataError(f"{display_url}: {current.message}", field="db")


def upgrade(engine: Engine, *, schema: str | None = None, revision: str = "head") -> SchemaStatus:
    """Migrate the database to ``revision`` (default: the newest); return the status after."""
    from alembic import command

    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
        before = _status(conn, schema)
        if before.state == "ahead":
            raise DataError(before.message, field="db")
        config = _config(conn, schema)
        if before.state == "legacy":
            command.stamp(config, "0001")
        command.upgrade(config, revision)
        return _status(conn, schema)


def downgrade(engine: Engine, revision: str, *, schema: str | None = None) -> SchemaStatus:
    """Migrate down to ``revision`` ("base" removes every matcher table): for tests and rollbacks."""
    from alembic import command

    with engine.begin() as conn:
        command.downgrade(_config(conn, schema), revision)
        return _status(conn, schema)


def _config(conn: Connection, schema: str | None):  # noqa: ANN202 - alembic.config.Config, imported lazily
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", script_location())
    config.attributes["connection"] = conn
    config.attributes["schema"] = schema
    return config
