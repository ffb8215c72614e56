"""Alembic environment: run by :func:`matcher.migrations.upgrade` with a connection it opened.

The connection (and the PostgreSQL schema to use, if any) arrive in
``config.attributes``; nothing here reads an ini file or the environment.
"""

from __future__ import annotations

from alembic import context

from matcher.migrations import target_metadata

config = context.config
connection = config.attributes["connection"]
schema = config.attributes.get("schema")

context.configure(
    connection=connection,
    target_metadata=target_metadata(),
    version_table_schema=schema,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
