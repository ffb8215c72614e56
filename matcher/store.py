"""The catalog store: programs kept in a SQL database through SQLAlchemy 2.

Two tables:

- ``programs``: one row per program. ``id`` is the primary key; ``name``,
  ``provider``, ``type``, ``sector`` and ``county`` are copied out for listing
  and filtering; ``data`` holds the full record as JSON text (the canonical
  ``Program.model_dump(mode="json")``) so nothing is lost; ``imported_at`` and
  ``source`` say when and from which file it last arrived.
- ``imports``: one row per import (file name, counts, time): an audit trail.

Where the database is (first that applies):
1. the ``url`` argument, 2. ``DATABASE_URL``, 3. SQLite at ``MATCHER_DB``
(a file path), 4. SQLite at ``./matcher.db``. ``postgres://`` and
``postgresql://`` URLs use the psycopg 3 driver.

Nothing touches the database until a method is called: constructing a
:class:`CatalogStore` only prepares the engine. On first use a fresh database
gets the schema from the Alembic migrations in :mod:`matcher.migrations`; one
at an older revision is refused until ``matcher db upgrade`` is run.

SQLite runs in WAL mode with a busy timeout, so several server workers (and a
CLI import) can read while one writes. A ``stamps`` table holds version
numbers that change, in the same transaction, with what they stamp
(:data:`CATALOG_STAMP` on every import or delete), so a server worker can
check cheaply whether its loaded catalog is still current.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import DateTime, Integer, String, Text, create_engine, delete, event, func, select, update
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from .catalog import Catalog, county_key, parse_program_type, parse_sector
from .errors import DataError, MatcherError, NotFoundError, ValidationError
from .records import Program, parse_program

DEFAULT_DB_FILE = "matcher.db"
CATALOG_STAMP = "catalog"
SQLITE_BUSY_TIMEOUT_MS = 10_000


class Base(DeclarativeBase):
    pass


class ProgramRow(Base):
    __tablename__ = "programs"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(40), index=True)
    sector: Mapped[str] = mapped_column(String(40), index=True)
    county: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(500))


class ImportRow(Base):
    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(500))
    added: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    removed: Mapped[int] = mapped_column(Integer)
    total_after: Mapped[int] = mapped_column(Integer)
    replace: Mapped[int] = mapped_column(Integer)  # 0/1: portable across databases
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class StampRow(Base):
    __tablename__ = "stamps"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class ImportSummary:
    """What an import changed."""

    added: int
    updated: int
    removed: int
    total: int
    source: str
    catalog_version: int = 0


def resolve_url(url: str | None = None) -> str:
    """The database URL to use (see the module docstring for the order)."""
    chosen = url or os.environ.get("DATABASE_URL")
    if not chosen:
        path = os.environ.get("MATCHER_DB") or DEFAULT_DB_FILE
        chosen = f"sqlite:///{Path(path).expanduser()}"
    for plain in ("postgres://", "postgresql://"):
        if chosen.startswith(plain):
            chosen = "postgresql+psycopg://" + chosen[len(plain):]
    return chosen


class CatalogStore:
    """Programs in a SQL database; every import is one all-or-nothing transaction.

    ``schema`` (PostgreSQL only) puts the tables in that schema, which must
    exist; tests use it to keep runs apart.
    """

    def __init__(self, url: str | None = None, *, schema: str | None = None) -> None:
        self.url = resolve_url(url)
        try:
            parsed = make_url(self.url)
        except Exception:  # noqa: BLE001 - SQLAlchemy raises several kinds for a bad URL
            raise ValidationError(f"not a database URL: {self.url!r}", field="db") from None
        self.display_url = parsed.render_as_string(hide_password=True)
        options = {"schema_translate_map": {None: schema}} if schema else {}
        self.schema = schema
        try:
            self._engine: Engine = create_engine(self.url, execution_options=options)
        except Exception as exc:  # noqa: BLE001 - e.g. unknown dialect or missing driver
            raise DataError(f"cannot use database {self.display_url}: {exc}", field="db") from None
        if parsed.get_backend_name() == "sqlite":
            event.listen(self._engine, "connect", _sqlite_pragmas)
        self._ready = False

    @property
    def database_file(self) -> Path | None:
        """The SQLite file behind this store, or None for a server database (or in-memory SQLite)."""
        parsed = make_url(self.url)
        if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
            return None
        return Path(parsed.database)

    def exists(self) -> bool:
        """False when the store is a SQLite file not created yet (so read-only commands can skip it)."""
        path = self.database_file
        return path is None or path.exists()

    # ------------------------------------------------------------------ plumbing

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for the migrations and the other tables of the matcher's database)."""
        return self._engine

    def session(self) -> Session:
        """A session on a database whose schema is current: the token store and audit log use it too."""
        return self._session()

    def _session(self) -> Session:
        if not self._ready:
            from .migrations import ensure_schema

            try:
                ensure_schema(self._engine, schema=self.schema, display_url=self.display_url)
            except SQLAlchemyError as exc:
                raise DataError(f"cannot open database {self.display_url}: {_short(exc)}", field="db") from None
            self._ready = True
        return Session(self._engine, expire_on_commit=False)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> CatalogStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ writing

    def import_programs(
        self, programs: Iterable[Program], *, source: str = "", replace: bool = False,
        in_transaction: Callable[[Session, ImportSummary], None] | None = None,
    ) -> ImportSummary:
        """Upsert programs by id in one transaction; with ``replace`` the catalog becomes exactly these.

        If anything fails, from a bad record to a database error half-way,
        the transaction is rolled back and the store is left as it was.
        ``in_transaction`` is called just before the commit (the service writes
        its audit entry there, so the entry and the import commit together).
        """
        now = dt.datetime.now(dt.UTC)
        seen: set[str] = set()
        try:
            with self._session() as session, session.begin():
                before = set(session.scalars(select(ProgramRow.id)))
                if replace:
                    session.execute(delete(ProgramRow))
                batch: list[ProgramRow] = []
                for program in programs:
                    if program.id in seen:
                        raise ValidationError(f"duplicate program id {program.id!r} in import", field="id")
                    seen.add(program.id)
                    batch.append(_to_row(program, now=now, source=source))
                    if len(batch) >= _BATCH:
                        _upsert(session, batch)
                        batch = []
                _upsert(session, batch)
                added, updated = len(seen - before), len(seen & before)
                removed = len(before - seen) if replace else 0
                total = session.scalar(select(func.count()).select_from(ProgramRow)) or 0
                session.add(ImportRow(source=source[:500], added=added, updated=updated, removed=removed,
                                      total_after=total, replace=int(replace), imported_at=now))
                version = bump_stamp(session, CATALOG_STAMP, now=now)
                summary = ImportSummary(added=added, updated=updated, removed=removed, total=total, source=source,
                                        catalog_version=version)
                if in_transaction is not None:
                    in_transaction(session, summary)
        except MatcherError:
            raise
        except SQLAlchemyError as exc:
            raise DataError(f"import failed, nothing was changed: {_short(exc)}", field="db") from None
        return summary

    def delete(self, program_id: str) -> None:
        """Remove one program; NotFoundError if it is not there."""
        with self._session() as session, session.begin():
            result = session.execute(delete(ProgramRow).where(ProgramRow.id == program_id))
            if result.rowcount == 0:  # type: ignore[attr-defined]
                raise NotFoundError(f"no program with id {program_id!r} in the store", field="program_id")
            bump_stamp(session, CATALOG_STAMP)

    def stamp(self, name: str = CATALOG_STAMP) -> int:
        """The version number stamped under ``name`` (0 before the first change): one primary-key read."""
        with self._session() as session:
            return session.scalar(select(StampRow.version).where(StampRow.name == name)) or 0

    # ------------------------------------------------------------------ reading

    def count(self) -> int:
        with self._session() as session:
            return session.scalar(select(func.count()).select_from(ProgramRow)) or 0

    def get(self, program_id: str) -> Program:
        with self._session() as session:
            row = session.get(ProgramRow, program_id)
            if row is None:
                raise NotFoundError(f"no program with id {program_id!r} in the store", field="program_id")
            return _from_row(row)

    def list(
        self, *, sector: str | None = None, type: str | None = None, county: str | None = None  # noqa: A002
    ) -> tuple[Program, ...]:
        """Programs ordered by id, filtered like :meth:`Catalog.filter`."""
        query = select(ProgramRow).order_by(ProgramRow.id)
        if sector is not None:
            query = query.where(ProgramRow.sector == parse_sector(sector).value)
        if type is not None:
            query = query.where(ProgramRow.type == parse_program_type(type).value)
        with self._session() as session:
            rows = list(session.scalars(query))
        if county is not None:
            # Done here rather than in SQL so 'Lane' matches 'Lane County' exactly as Catalog.filter does.
            want = county_key(county)
            rows = [r for r in rows if county_key(r.county or "") == want]
        return tuple(_from_row(r) for r in rows)

    def catalog(self) -> Catalog:
        return Catalog(self.list(), source=f"store {self.display_url}")

    def imports(self) -> tuple[dict[str, object], ...]:
        """The import log, newest first."""
        with self._session() as session:
            rows = session.scalars(select(ImportRow).order_by(ImportRow.id.desc()))
            return tuple({"source": r.source, "added": r.added, "updated": r.updated, "removed": r.removed,
                          "total": r.total_after, "replace": bool(r.replace), "imported_at": r.imported_at}
                         for r in rows)


_BATCH = 500


def bump_stamp(session: Session, name: str, *, now: dt.datetime | None = None) -> int:
    """Add one to the stamp ``name`` inside the caller's transaction; return the new version.

    The row is updated in place (PostgreSQL locks it until commit, SQLite locks the
    file), so two concurrent writers get two different versions.
    """
    now = now or dt.datetime.now(dt.UTC)
    result = session.execute(update(StampRow).where(StampRow.name == name)
                             .values(version=StampRow.version + 1, changed_at=now))
    if result.rowcount == 0:  # type: ignore[attr-defined]
        session.add(StampRow(name=name, version=1, changed_at=now))
        session.flush()
        return 1
    return session.scalar(select(StampRow.version).where(StampRow.name == name)) or 1


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    """WAL lets readers go on while one writer commits; the busy timeout makes a second writer wait, not fail."""
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _upsert(session: Session, rows: list[ProgramRow]) -> None:
    """Replace rows by id: delete then insert, which every database supports inside one transaction."""
    if not rows:
        return
    session.execute(delete(ProgramRow).where(ProgramRow.id.in_([r.id for r in rows])))
    session.add_all(rows)
    session.flush()


def _to_row(program: Program, *, now: dt.datetime, source: str) -> ProgramRow:
    return ProgramRow(
        id=program.id,
        name=program.name,
        provider=program.provider,
        type=program.type.value,
        sector=program.sector.value,
        county=program.location.county,
        data=json.dumps(program.model_dump(mode="json"), ensure_ascii=False, sort_keys=True),
        imported_at=now,
        source=source[:500],
    )


def _from_row(row: ProgramRow) -> Program:
    try:
        return parse_program(json.loads(row.data))
    except (ValueError, ValidationError) as exc:
        raise DataError(f"stored program {row.id!r} is corrupt: {exc}", field="program_id") from None


def _short(exc: SQLAlchemyError) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.splitlines()[0][:300]


def active_catalog(url: str | None = None) -> Catalog:
    """The catalog the matcher works from: the store's when it holds programs,
    else the shipped sample catalog (``Catalog.source`` says which).

    Reading never creates a SQLite file, so a user who has imported nothing
    gets the sample catalog without side effects.
    """
    from .catalog import default_catalog

    with CatalogStore(url) as store:
        if store.exists() and store.count() > 0:
            return store.catalog()
    return default_catalog()
