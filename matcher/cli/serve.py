"""``matcher serve``: run the HTTP service under gunicorn.

What it does, in order:

1. Opens the database the service will use (``--db``, else ``DATABASE_URL``,
   else SQLite at ``MATCHER_DB`` or ``./matcher.db``: the same one the other
   commands use, so tokens and catalogs made with the CLI are what it serves).
   A fresh database gets its schema; one that needs ``matcher db upgrade`` is
   refused with that advice (a board's data is migrated deliberately).
2. Reads a board's settings and self-sufficiency table when they are named
   (``MATCHER_BOARD_SETTINGS``, ``MATCHER_SELF_SUFFICIENCY``), so a bad one is
   reported once, here.
3. Replaces itself with gunicorn running ``api:create_app()`` with the
   settings in ``api/gunicorn_conf.py`` (the same as
   ``gunicorn -c python:api.gunicorn_conf 'api:create_app()'``), which prints
   where it listens as soon as it is listening (and makes the folder the workers share metrics in).

The service is named by its import string, as gunicorn is told: the library
itself never imports the web layer.
"""

from __future__ import annotations

import os
import sys

import click

from ..errors import DataError
from ..store import CatalogStore
from . import db_option, handle_errors

APP = "api:create_app()"
GUNICORN_CONFIG = "python:api.gunicorn_conf"


def register(main: click.Group) -> None:
    main.add_command(serve)


def default_workers() -> int:
    """One per core, plus one to cover a worker busy loading a new catalog."""
    return (os.cpu_count() or 1) + 1


@click.command()
@click.option("--host", default=None, help="Address to listen on (default $MATCHER_HOST or 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port (default $MATCHER_PORT or 8000).")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Worker processes (default $MATCHER_WORKERS or cores + 1).")
@click.option("--threads", type=click.IntRange(1, 64), default=None,
              help="Threads per worker (default $MATCHER_THREADS or 4).")
@db_option
@handle_errors
def serve(host: str | None, port: int | None, workers: int | None, threads: int | None, db_url: str | None) -> None:
    """Start the HTTP service (gunicorn) on the embedded defaults: SQLite and the sample catalog."""
    env = dict(os.environ)
    for name, value in (("MATCHER_HOST", host), ("MATCHER_PORT", port), ("MATCHER_WORKERS", workers),
                        ("MATCHER_THREADS", threads), ("DATABASE_URL", db_url)):
        if value is not None:
            env[name] = str(value)
    prepare_database(env.get("DATABASE_URL"), env.get("MATCHER_DB_SCHEMA"))
    check_board_files(env)
    try:
        import gunicorn  # noqa: F401 - fail here, clearly, rather than in the exec
    except ImportError:
        raise DataError("gunicorn is not installed: pip install gunicorn", field="gunicorn") from None
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, "-m", "gunicorn", "--config", GUNICORN_CONFIG, APP], env)


def check_board_files(env: dict[str, str]) -> None:
    """A board's settings or table that cannot be read stops here with a message naming it, rather than
    every worker failing to start."""
    from ..selfsufficiency import SelfSufficiencyTable
    from ..settings import load_settings

    if env.get("MATCHER_BOARD_SETTINGS"):
        load_settings(env["MATCHER_BOARD_SETTINGS"])
    if env.get("MATCHER_SELF_SUFFICIENCY"):
        SelfSufficiencyTable.from_csv(env["MATCHER_SELF_SUFFICIENCY"])


def prepare_database(url: str | None, schema: str | None) -> None:
    from ..migrations import status, upgrade

    store = CatalogStore(url, schema=schema or None)
    try:
        found = status(store.engine, schema=schema or None)
        if found.state == "fresh":
            after = upgrade(store.engine, schema=schema or None)
            click.echo(f"Created the database schema (revision {after.revision}) in {store.display_url}", err=True)
        elif found.state != "current":
            raise DataError(f"{store.display_url}: {found.message}", field="db")
    except DataError:
        raise
    except Exception as exc:  # noqa: BLE001 - a database that cannot be reached at all
        raise DataError(f"cannot open database {store.display_url}: {str(exc).splitlines()[0][:300]}",
                        field="db") from None
    finally:
        store.close()
