"""``matcher history``: validate, import and export outcome history (docs/learning.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..catalog import Catalog
from ..errors import FieldProblem
from . import catalog_from, db_option, echo_json, echo_table, handle_errors, json_option

programs_option = click.option("--programs", "catalog_file", type=click.Path(dir_okay=False, path_type=Path),
                               help="The catalog in force (default: the store's catalog, else the sample).")


def register(main: click.Group) -> None:
    main.add_command(history)


@click.group()
def history() -> None:
    """Outcome history: participants, enrollments and outcomes (CSV or JSON Lines, one file per table)."""


def _catalog(catalog_file: Path | None) -> Catalog:
    return catalog_from(None, catalog_file)


def _echo_problems(problems: tuple[FieldProblem, ...] | list[FieldProblem]) -> None:
    echo_table(["table.field", "row", "problem", "value"],
               [[p.field, p.row if p.row is not None else "", p.message, p.value or ""] for p in problems[:200]],
               max_width=70)
    if len(problems) > 200:
        click.echo(f"... and {len(problems) - 200} more problems")


@history.command()
@click.argument("folder", type=click.Path(path_type=Path))
@programs_option
@json_option
@handle_errors
def validate(folder: Path, catalog_file: Path | None, as_json: bool) -> None:
    """Check a history folder without importing it (exit status 2 when any row is bad)."""
    from ..learning.history_io import read_history

    result = read_history(folder, catalog=_catalog(catalog_file), skip_invalid=True)
    if as_json:
        echo_json({"ok": result.ok, "folder": str(folder), "rows": result.rows_read,
                   "valid": result.history.counts(), "problems": [p.to_dict() for p in result.problems]})
    elif result.ok:
        counts = result.history.counts()
        click.echo(f"OK: {counts['participants']:,} participants, {counts['enrollments']:,} enrollments, "
                   f"{counts['outcomes']:,} outcomes ({counts['labelled']:,} with a known success label)")
    else:
        _echo_problems(result.problems)
        click.echo(f"{len(result.problems)} problems in {sum(result.rows_read.values()):,} rows.")
    if not result.ok:
        sys.exit(2)


@history.command(name="import")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows (and those not depending on a bad one).")
@programs_option
@db_option
@json_option
@handle_errors
def import_(folder: Path, skip_invalid: bool, catalog_file: Path | None, db_url: str | None, as_json: bool) -> None:
    """Validate a history folder, then import it into the store in one transaction.

    Nothing is imported if any row is invalid, unless --skip-invalid is given.
    """
    from ..learning.history_io import read_history
    from ..learning.history_store import HistoryStore

    result = read_history(folder, catalog=_catalog(catalog_file), skip_invalid=True)
    if not result.ok and not skip_invalid:
        if as_json:
            echo_json({"imported": False, "problems": [p.to_dict() for p in result.problems]})
        else:
            _echo_problems(result.problems)
            click.echo(f"Nothing was imported: {len(result.problems)} problems. Fix them, or use --skip-invalid.")
        sys.exit(2)
    with HistoryStore(db_url) as store:
        counts = store.import_history(result.history, source=str(folder))
        if as_json:
            echo_json({"imported": True, "db": store.display_url, **counts,
                       "skipped_problems": [p.to_dict() for p in result.problems]})
            return
        if result.problems:
            _echo_problems(result.problems)
        click.echo(f"Imported {counts['participants']:,} participants, {counts['enrollments']:,} enrollments and "
                   f"{counts['outcomes']:,} outcomes into {store.display_url}.")


@history.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True)
@click.option("--gzip", "compress", is_flag=True, help="Compress each file (.gz).")
@db_option
@handle_errors
def export(folder: Path, fmt: str, compress: bool, db_url: str | None) -> None:
    """Write the store's history to FOLDER (one file per table)."""
    from ..learning.history_io import write_history
    from ..learning.history_store import HistoryStore

    with HistoryStore(db_url) as store:
        data = store.history()
    files = write_history(data, folder, format=fmt, compress=compress)
    click.echo(f"Wrote {len(data.participants):,} participants, {len(data.enrollments):,} enrollments and "
               f"{len(data.outcomes):,} outcomes to {', '.join(str(p) for p in files.values())}.", err=True)
