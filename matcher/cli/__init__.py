"""The ``matcher`` command: a thin click layer over the library.

Each area has its own module (``skills``, ``programs``, ``recommend``...) that
registers a command group here. Commands do three things only: parse options,
call one library function, print the result as a table or, with ``--json``,
as JSON. Library errors (:class:`matcher.errors.MatcherError`) become a short
message on stderr (or the JSON error shape) and exit status 2.
"""

from __future__ import annotations

import functools
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..errors import MatcherError

if TYPE_CHECKING:
    from ..catalog import Catalog

F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(func: F) -> F:
    """Turn library errors into a clean message and exit code 2, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MatcherError as exc:
            as_json = bool(kwargs.get("as_json"))
            if as_json:
                click.echo(json.dumps(exc.to_dict(), indent=2))
            else:
                click.echo(f"Error: {exc.message}", err=True)
                for problem in exc.problems[:50]:
                    click.echo(f"  - {problem}", err=True)
                if len(exc.problems) > 50:
                    click.echo(f"  ... and {len(exc.problems) - 50} more", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
db_option = click.option("--db", "db_url", metavar="URL",
                         help="Database URL (default: $DATABASE_URL, else SQLite at $MATCHER_DB or ./matcher.db).")


def catalog_from(db_url: str | None, catalog_file: Path | None) -> Catalog:
    """The catalog a command works on: a given file, else the store if it has programs, else the sample."""
    from ..catalog import load_catalog
    from ..store import active_catalog

    if catalog_file is not None:
        if db_url:
            raise click.UsageError("give a catalog file or --db, not both")
        return load_catalog(catalog_file)
    catalog = active_catalog(db_url)
    if db_url and not catalog.source.startswith("store"):
        click.echo(f"(the store {db_url} has no programs; using the sample catalog)", err=True)
    return catalog


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def echo_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, max_width: int = 60) -> None:
    """Print a plain aligned table; long cells are cut so lines stay readable."""

    def cell(value: Any) -> str:
        text = "" if value is None else str(value)
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    body = [[cell(v) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in body:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(value))
    click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip())
    click.echo("  ".join("-" * w for w in widths))
    for row in body:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())


# Each command's area module, imported only when the command runs (or --help lists them), so that
# `matcher skills normalize` does not pay for the engine, the store and SQLAlchemy.
AREA_OF_COMMAND = {
    "skills": "skills", "occupations": "skills", "programs": "programs", "recommend": "recommend",
    "target": "reference", "wages": "reference", "demo": "demo",
    "serve": "serve", "db": "db", "tokens": "tokens",
}
AREA_OF_COMMAND.update(history="history", train="train", evaluate="evaluate", models="models")  # learning (issue 8)


class _AreaGroup(click.Group):
    """A click group whose commands are registered by their area module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(AREA_OF_COMMAND))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in AREA_OF_COMMAND:
            load_area(AREA_OF_COMMAND[cmd_name])
        return super().get_command(ctx, cmd_name)


def load_area(name: str) -> None:
    """Import one area module and register its commands on ``main`` (once)."""
    module = importlib.import_module(f"{__name__}.{name}")
    module.register(main)


@click.group(cls=_AreaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="training-program-matcher")
def main() -> None:
    """Match job seekers to training programs: skills, catalog and recommendations."""
