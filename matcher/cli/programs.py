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


mapping_option = click.option(
    "--mapping", metavar="NAME|FILE",
    help="Read a published file through a source mapping: a shipped one (tx-etpl, nj-etpl, ipeds, partner-finder, "
         "eta-9171; see 'matcher programs mappings') or a mapping TOML file.")
source_format_option = click.option(
    "--format", "source_format", type=click.Choice(["csv", "json", "jsonl", "ctdl"]), default=None,
    help="File format (default: from the suffix; ctdl = Credential Engine JSON-LD, a file or a folder).")


@programs.command()
@click.argument("file", type=click.Path(path_type=Path))
@mapping_option
@source_format_option
@json_option
@handle_errors
def validate(file: Path, mapping: str | None, source_format: str | None, as_json: bool) -> None:
    """Check a catalog file without importing it: our CSV/JSON, a mapped source file, or CTDL."""
    if mapping or _is_ctdl(file, source_format):
        found = _read_source(file, mapping)
        if as_json:
            echo_json({"ok": found.ok, "file": str(file), "report": found.report.to_dict()})
        else:
            for line in found.report.lines():
                click.echo(line)
            click.echo("")
            click.echo(f"OK: {found.report.valid:,} programs would be imported." if found.ok else
                       f"{len(found.report.rejected_rows):,} of {found.report.rows_read:,} rows have problems; "
                       f"{found.report.valid:,} are valid.")
        if not found.ok:
            sys.exit(2)
        return
    result = _read(file, source_format)
    if as_json:
        echo_json({"ok": result.ok, "file": str(file), "rows": result.rows_read,
                   "valid_programs": len(result.programs),
                   "problems": [p.to_dict() for p in result.problems],
                   "warnings": [p.to_dict() for p in result.warnings]})
    elif result.ok:
        _echo_warnings(result.warnings)
        click.echo(f"OK: {len(result.programs)} programs in {file}")
    else:
        _echo_problems(result.problems)
        click.echo(f"{len(result.bad_rows) or len(result.problems)} of {result.rows_read} records have problems "
                   f"({len(result.problems)} problems).")
    if not result.ok:
        sys.exit(2)


@programs.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))
@mapping_option
@source_format_option
@click.option("--skip-invalid", is_flag=True, help="Import the valid programs and report the bad rows.")
@click.option("--merge-duplicates", is_flag=True,
              help="Merge each likely duplicate (same provider and CIP, near-same name) into the program already "
                   "there, keeping the source of every field. Without it duplicates are only reported.")
@click.option("--replace", is_flag=True, help="Replace the store's whole catalog with this file.")
@db_option
@json_option
@handle_errors
def import_(file: Path, mapping: str | None, source_format: str | None, skip_invalid: bool, merge_duplicates: bool,
            replace: bool, db_url: str | None, as_json: bool) -> None:
    """Validate a catalog file, then import it into the store in one transaction.

    Our own CSV/JSON, a published file read through --mapping (a state ETPL,
    IPEDS, Partner Finder, ETA-9171 or your own mapping), or CTDL JSON-LD. If
    any row is invalid nothing is imported, unless --skip-invalid is given.
    """
    if mapping or _is_ctdl(file, source_format):
        _import_source(file, mapping, skip_invalid=skip_invalid, merge=merge_duplicates, replace=replace,
                       db_url=db_url, as_json=as_json)
        return
    if merge_duplicates:
        raise click.UsageError("--merge-duplicates needs --mapping or --format ctdl (our own catalog files have ids)")
    result = _read(file, source_format)
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
                   "problems": [p.to_dict() for p in result.problems],
                   "warnings": [p.to_dict() for p in result.warnings]})
        return
    _echo_warnings(result.warnings)
    if result.problems:
        _echo_problems(result.problems)
        click.echo(f"Skipped {len(result.bad_rows)} invalid records.")
    click.echo(f"Imported {len(result.programs)} programs from {file.name} into {store.display_url}: "
               f"{summary.added} added, {summary.updated} updated, {summary.removed} removed. "
               f"The store now holds {summary.total} programs.")


def _read(file: Path, fmt: str | None = None) -> ImportResult:
    # Problems are collected (skip_invalid) so they can be shown as a table; the
    # commands decide whether they stop the import.
    with _progress(None, "reading", enabled=_is_large(file)) as bar:
        return read_catalog(file, skip_invalid=True, format=fmt, progress=lambda n: bar.update(1))


def _is_ctdl(file: Path, fmt: str | None) -> bool:
    if fmt is not None:
        return fmt == "ctdl"
    if file.is_dir():
        return True
    if file.suffix.lower() not in (".json", ".jsonld") or not file.is_file():
        return False
    from ..ctdl import looks_like_ctdl

    with file.open(encoding="utf-8", errors="replace") as fh:
        return looks_like_ctdl(fh.read(20_000))


def _read_source(file: Path, mapping: str | None, existing: Sequence[Program] = (), merge: bool = False) -> Any:
    """A mapped source file or CTDL, every problem collected (the caller decides what stops the import)."""
    if mapping is None:
        from ..ctdl import read_ctdl

        return read_ctdl(file, skip_invalid=True, existing=existing, merge_duplicates=merge)
    from ..sources import import_file

    with _progress(None, "reading", enabled=_is_large(file), unit=" rows") as bar:
        return import_file(file, mapping, skip_invalid=True, existing=existing, merge_duplicates=merge,
                           progress=lambda n: bar.update(1))


def _import_source(file: Path, mapping: str | None, *, skip_invalid: bool, merge: bool, replace: bool,
                   db_url: str | None, as_json: bool) -> None:
    store = CatalogStore(db_url)
    existing = store.list() if (store.exists() and store.count() and not replace) else ()
    found = _read_source(file, mapping, existing, merge)
    report = found.report
    if not found.ok and not skip_invalid:
        if as_json:
            echo_json({"imported": False, "file": str(file), "report": report.to_dict()})
        else:
            for line in report.lines():
                click.echo(line)
            click.echo("")
            click.echo(f"Nothing was imported: {len(report.rejected_rows):,} of {report.rows_read:,} rows have "
                       f"problems. Fix them, or use --skip-invalid to import the {report.valid:,} valid programs.")
        sys.exit(2)
    with _progress(len(found.programs), "importing", enabled=_is_large(file)) as bar:
        summary = store.import_programs(_counted(found.programs, bar), source=file.name, replace=replace)
    if as_json:
        echo_json({"imported": True, "file": str(file), "db": store.display_url, "added": summary.added,
                   "updated": summary.updated, "removed": summary.removed, "total": summary.total,
                   "report": report.to_dict()})
        return
    for line in report.lines():
        click.echo(line)
    click.echo("")
    merged = sum(d.merged for d in report.duplicates)
    click.echo(f"Imported {len(found.programs):,} programs from {file.name} into {store.display_url}: "
               f"{summary.added:,} added, {summary.updated:,} updated, {summary.removed:,} removed"
               + (f", {merged:,} duplicates merged" if merged else "")
               + (f", {len(report.rejected_rows):,} invalid rows skipped" if report.rejected else "")
               + f". The store now holds {summary.total:,} programs.")


def _is_large(file: Path) -> bool:
    try:
        return file.stat().st_size >= PROGRESS_MIN_BYTES
    except OSError:
        return False


def _progress(total: int | None, desc: str, *, enabled: bool, unit: str = " programs") -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, disable=not enabled, leave=False)


def _counted(items: Sequence[Program], bar: Any) -> Any:
    for item in items:
        bar.update(1)
        yield item


def _echo_problems(problems: Sequence[FieldProblem]) -> None:
    echo_table(["row", "field", "problem", "value"],
               [[p.row if p.row is not None else "", p.field, p.message, p.value or ""] for p in problems],
               max_width=70)


def _echo_warnings(warnings: Sequence[FieldProblem]) -> None:
    if warnings:
        click.echo(f"Warnings ({len(warnings)}; the rows are kept):")
        _echo_problems(warnings)


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
                 "-" if p.duration_weeks is None else f"{p.duration_weeks:g}", p.paid.kind.value, p.name]
                for p in shown], max_width=50)


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
    data = program.model_dump(mode="json", exclude={"sources", "provenance"})
    for key, value in _flatten(data):
        entry = program.field_source(key)
        said = f"  [{entry.status.value}{': ' + entry.note if entry.note else ''}]" if entry is not None else ""
        click.echo(f"  {key}: {value}{said}")
    for ref in program.sources:
        where = ", ".join(x for x in [ref.file or "", f"row {ref.row}" if ref.row else "",
                                      f"updated {ref.updated}" if ref.updated else ""] if x)
        click.echo(f"  source: {ref.key}" + (f" ({where})" if where else ""))


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
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "ctdl"]), required=True,
              help="csv (formula-like cells neutralised), canonical json, or ctdl (JSON-LD @graph).")
@click.argument("out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@db_option
@file_option
@handle_errors
def export(fmt: str, out: Path, db_url: str | None, catalog_file: Path | None) -> None:
    """Write the catalog (store, else sample) to OUT as CSV, canonical JSON or CTDL ('-' for stdout)."""
    catalog = catalog_from(db_url, catalog_file)
    writer = {"csv": write_csv, "json": write_json, "ctdl": write_ctdl}[fmt]
    if str(out) == "-":
        buffer = io.StringIO()
        writer(catalog, buffer)
        click.echo(buffer.getvalue(), nl=False)
        return
    count = writer(catalog, out)
    click.echo(f"Wrote {count} programs from {catalog.source} to {out} ({fmt}).", err=True)


def write_ctdl(catalog: Any, out: Any) -> int:
    """The catalog as one CTDL JSON-LD document (``@graph``); returns the count."""
    import json

    from ..ctdl import catalog_to_ctdl

    programs = list(catalog)
    text = json.dumps(catalog_to_ctdl(programs), indent=2, ensure_ascii=False) + "\n"
    if isinstance(out, Path):
        out.write_text(text, encoding="utf-8")
    else:
        out.write(text)
    return len(programs)


@programs.command(name="mappings")
@click.argument("name", required=False)
@json_option
@handle_errors
def mappings(name: str | None, as_json: bool) -> None:
    """List the shipped source mappings, or show one (the columns it reads and what they fill)."""
    from ..sources import load_mapping, shipped_mappings

    found = shipped_mappings()
    if name is None:
        rows = []
        for key, path in found.items():
            m = load_mapping(path)
            rows.append({"name": key, "title": m.source.title, "file": str(path), "fields": len(m.fields)})
        if as_json:
            echo_json(rows)
            return
        echo_table(["name", "title", "fields"], [[r["name"], r["title"], r["fields"]] for r in rows], max_width=80)
        click.echo("Use one with: matcher programs import FILE --mapping NAME (docs/sources.md: write your own).")
        return
    m = load_mapping(name)
    if as_json:
        echo_json(m.model_dump(mode="json", exclude_defaults=True))
        return
    click.echo(f"{m.source.title} ({m.name})")
    echo_table(["program field", "from", "convert", "else"],
               [[field, ", ".join(fm.source_columns) or "-", fm.convert,
                 "; ".join(x for x in [f"derive {fm.derive}" if fm.derive else "",
                                       f"default {fm.default!r}" if fm.default is not None else ""] if x)]
                for field, fm in m.fields.items()], max_width=60)
