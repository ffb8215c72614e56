"""``matcher programs``: validate, import, list, show and export training-program catalogs."""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from ..catalog import ImportResult, read_catalog, write_csv, write_json
from ..errors import FieldProblem
from ..records import Program
from ..store import CatalogStore
from . import catalog_from, db_option, echo_json, echo_table, handle_errors, json_option

# Files bigger than this get a progress bar on stderr.
PROGRESS_MIN_BYTES = 1_000_000

file_option = click.option("--file", "catalog_file", type=click.Path(dir_okay=False, path_type=Path),
                           help="Read programs from this catalog file instead of the store.")


def register(main: click.Group) -> None:
    main.add_command(programs)


@click.group()
def programs() -> None:
    """Training-program catalogs: check and import files, list, show and export programs."""


# --------------------------------------------------------------------------- validate / import


@programs.command()
@click.argument("file", type=click.Path(path_type=Path))
@json_option
@handle_errors
def validate(file: Path, as_json: bool) -> None:
    """Check a catalog file (CSV, JSON or JSON Lines) without importing it."""
    result = _read(file)
    if as_json:
        echo_json({"ok": result.ok, "file": str(file), "rows": result.rows_read,
                   "valid_programs": len(result.programs),
                   "problems": [p.to_dict() for p in result.problems]})
    elif result.ok:
        click.echo(f"OK: {len(result.programs)} programs in {file}")
    else:
        _echo_problems(result.problems)
        click.echo(f"{len(result.bad_rows) or len(result.problems)} of {result.rows_read} records have problems "
                   f"({len(result.problems)} problems).")
    if not result.ok:
        sys.exit(2)


@programs.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Import the valid programs and report the bad rows.")
@click.option("--replace", is_flag=True, help="Replace the store's whole catalog with this file.")
@db_option
@json_option
@handle_errors
def import_(file: Path, skip_invalid: bool, replace: bool, db_url: str | None, as_json: bool) -> None:
    """Validate a catalog file, then import it into the store in one transaction.

    If any row is invalid nothing is imported, unless --skip-invalid is given.
    """
    result = _read(file)
    if not result.ok and not skip_invalid:
        if as_json:
            echo_json({"imported": False, "file": str(file), "rows": result.rows_read,
                       "problems": [p.to_dict() for p in result.problems]})
        else:
            _echo_problems(result.problems)
            click.echo(f"Nothing was imported: {len(result.bad_rows) or len(result.problems)} of "
                       f"{result.rows_read} records have problems. Fix them, or use --skip-invalid.")
        sys.exit(2)

    store = CatalogStore(db_url)
    with _progress(len(result.programs), "importing", enabled=_is_large(file)) as bar:
        summary = store.import_programs(_counted(result.programs, bar), source=file.name, replace=replace)
    if as_json:
        echo_json({"imported": True, "file": str(file), "db": store.display_url, "rows": result.rows_read,
                   "added": summary.added, "updated": summary.updated, "removed": summary.removed,
                   "skipped_rows": len(result.bad_rows), "total": summary.total,
                   "problems": [p.to_dict() for p in result.problems]})
        return
    if result.problems:
        _echo_problems(result.problems)
        click.echo(f"Skipped {len(result.bad_rows)} invalid records.")
    click.echo(f"Imported {len(result.programs)} programs from {file.name} into {store.display_url}: "
               f"{summary.added} added, {summary.updated} updated, {summary.removed} removed. "
               f"The store now holds {summary.total} programs.")


def _read(file: Path) -> ImportResult:
    # Problems are collected (skip_invalid) so they can be shown as a table; the
    # commands decide whether they stop the import.
    with _progress(None, "reading", enabled=_is_large(file)) as bar:
        return read_catalog(file, skip_invalid=True, progress=lambda n: bar.update(1))


def _is_large(file: Path) -> bool:
    try:
        return file.stat().st_size >= PROGRESS_MIN_BYTES
    except OSError:
        return False


def _progress(total: int | None, desc: str, *, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=" programs", file=sys.stderr, disable=not enabled, leave=False)


def _counted(items: Sequence[Program], bar: Any) -> Any:
    for item in items:
        bar.update(1)
        yield item


def _echo_problems(problems: Sequence[FieldProblem]) -> None:
    echo_table(["row", "field", "problem", "value"],
               [[p.row if p.row is not None else "", p.field, p.message, p.value or ""] for p in problems],
               max_width=70)


# --------------------------------------------------------------------------- list / show / export


@programs.command(name="list")
@click.option("--sector", help="Only this sector (e.g. construction, healthcare).")
@click.option("--type", "type_", metavar="TYPE",
              help="Only this program type: ojt, apprenticeship, pre-apprenticeship, ost, ...")
@click.option("--county", help="Only programs in this county (e.g. Multnomah).")
@db_option
@file_option
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Show at most N programs.")
@json_option
@handle_errors
def list_(sector: str | None, type_: str | None, county: str | None, db_url: str | None,
          catalog_file: Path | None, limit: int | None, as_json: bool) -> None:
    """List programs from the store (or the sample catalog when the store is empty)."""
    catalog = catalog_from(db_url, catalog_file)
    matching = catalog.filter(sector=sector, type=type_, county=county)
    shown = matching.programs[:limit] if limit else matching.programs
    if as_json:
        echo_json({"source": catalog.source, "total": len(matching), "shown": len(shown),
                   "programs": [p.model_dump(mode="json") for p in shown]})
        return
    click.echo(f"Programs from {catalog.source}: {len(shown)} shown of {len(matching)} matching"
               f" ({len(catalog)} in catalog)")
    echo_table(["id", "type", "sector", "county", "weeks", "paid", "name"],
               [[p.id, p.type.value, p.sector.value, p.location.county or p.location.delivery.value,
                 f"{p.duration_weeks:g}", p.paid.kind.value, p.name] for p in shown], max_width=50)


@programs.command()
@click.argument("program_id")
@db_option
@file_option
@json_option
@handle_errors
def show(program_id: str, db_url: str | None, catalog_file: Path | None, as_json: bool) -> None:
    """Show every field of one program."""
    catalog = catalog_from(db_url, catalog_file)
    program = catalog.get(program_id)
    if as_json:
        echo_json(program.model_dump(mode="json"))
        return
    click.echo(f"{program.name} ({program.id}) - from {catalog.source}")
    for key, value in _flatten(program.model_dump(mode="json")):
        click.echo(f"  {key}: {value}")


def _flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            out.extend(_flatten(value, f"{prefix}{key}."))
        elif isinstance(value, list):
            out.append((f"{prefix}{key}", ", ".join(str(v) for v in value) or "-"))
        else:
            out.append((f"{prefix}{key}", "-" if value is None else str(value)))
    return out


@programs.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), required=True)
@click.argument("out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@db_option
@file_option
@handle_errors
def export(fmt: str, out: Path, db_url: str | None, catalog_file: Path | None) -> None:
    """Write the catalog (store, else sample) to OUT as CSV or canonical JSON ('-' for stdout)."""
    catalog = catalog_from(db_url, catalog_file)
    writer = write_csv if fmt == "csv" else write_json
    if str(out) == "-":
        buffer = io.StringIO()
        writer(catalog, buffer)
        click.echo(buffer.getvalue(), nl=False)
        return
    count = writer(catalog, out)
    click.echo(f"Wrote {count} programs from {catalog.source} to {out} ({fmt}).", err=True)
