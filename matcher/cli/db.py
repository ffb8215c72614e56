"""``matcher db``: the database schema (Alembic migrations shipped in the library)."""

from __future__ import annotations

import click

from ..store import CatalogStore
from . import db_option, echo_json, handle_errors, json_option


def register(main: click.Group) -> None:
    main.add_command(db)


@click.group()
def db() -> None:
    """The matcher's database: create or upgrade its schema, see its revision."""


@db.command()
@click.option("--revision", default="head", show_default=True, help="Revision to migrate to.")
@click.option("--schema", default=None, help="PostgreSQL schema holding the tables (default: the search path).")
@db_option
@json_option
@handle_errors
def upgrade(revision: str, schema: str | None, db_url: str | None, as_json: bool) -> None:
    """Create the schema, or migrate it to the newest revision (safe to run again)."""
    from ..migrations import status
    from ..migrations import upgrade as run_upgrade

    store = CatalogStore(db_url, schema=schema)
    before = status(store.engine, schema=schema)
    after = run_upgrade(store.engine, schema=schema, revision=revision)
    store.close()
    if as_json:
        echo_json({"db": store.display_url, "before": before.revision, "after": after.revision, "state": after.state})
    elif before.revision == after.revision:
        click.echo(f"{store.display_url}: already at revision {after.revision}.")
    else:
        click.echo(f"{store.display_url}: migrated from {before.revision or 'an empty database'} "
                   f"to revision {after.revision}.")


@db.command()
@click.option("--schema", default=None, help="PostgreSQL schema holding the tables.")
@db_option
@json_option
@handle_errors
def status(schema: str | None, db_url: str | None, as_json: bool) -> None:
    """The schema's revision and whether it needs `matcher db upgrade`."""
    from ..migrations import status as schema_status

    store = CatalogStore(db_url, schema=schema)
    found = schema_status(store.engine, schema=schema)
    store.close()
    if as_json:
        echo_json({"db": store.display_url, "state": found.state, "revision": found.revision, "head": found.head})
    else:
        click.echo(f"{store.display_url}: {found.message}")
