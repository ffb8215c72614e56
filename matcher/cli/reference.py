"""``matcher target`` and ``matcher wages``: the reference figures behind the wage outlook.

A coach can look up the self-sufficiency target the matcher uses for a
household, and the local wages of an occupation, without running a match.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from ..records import normalize_code
from ..selfsufficiency import SelfSufficiencyTable
from ..wages import AREA_TITLES, AREAS, wage_for
from . import echo_json, echo_table, handle_errors, json_option


def register(main: click.Group) -> None:
    main.add_command(target)
    main.add_command(wages)


@click.command()
@click.option("--county", help="County name or 5-digit FIPS (default: the regional default, with a note).")
@click.option("--adults", type=click.IntRange(1, 10), default=1, show_default=True)
@click.option("--children", type=click.IntRange(0, 15), default=0, show_default=True)
@click.option("--table", "table_path", type=click.Path(dir_okay=False, path_type=Path),
              help="A board's own self-sufficiency CSV (same columns as the shipped one).")
@json_option
@handle_errors
def target(county: str | None, adults: int, children: int, table_path: Path | None, as_json: bool) -> None:
    """The self-sufficiency hourly wage for a household in a county."""
    table = SelfSufficiencyTable.from_csv(table_path) if table_path else SelfSufficiencyTable.default()
    found = table.target(adults, children, county)
    if as_json:
        echo_json(dataclasses.asdict(found))
        return
    kind = "ESTIMATE" if found.is_estimate else "published figure"
    click.echo(f"{found.county_name}, {adults} adult(s) and {children} child(ren): "
               f"${found.hourly_wage:.2f}/hour per working adult ({kind})")
    click.echo(f"Source: {found.measure}, {found.edition} - {found.source}")
    if found.note:
        click.echo(f"Note: {found.note}")


@click.command()
@click.argument("occupation")
@click.option("--area", type=click.Choice(AREAS), default="portland", show_default=True)
@json_option
@handle_errors
def wages(occupation: str, area: str, as_json: bool) -> None:
    """Hourly wages (BLS OEWS May 2025) for an occupation code such as 47-2061.00."""
    from ..errors import NotFoundError
    from ..taxonomy import load_taxonomy

    code = normalize_code(occupation)
    if code not in load_taxonomy().occupations:
        raise NotFoundError(f"no O*NET-SOC occupation with code {occupation!r} (try: matcher occupations search ...)",
                            field="occupation")
    figures = wage_for(code, area)
    if figures is None:
        if as_json:
            echo_json({"occupation": occupation, "area": area, "wages": None})
        else:
            click.echo(f"BLS publishes no hourly median for {occupation} in {AREA_TITLES[area]} or its fallbacks.")
        return
    if as_json:
        echo_json(dataclasses.asdict(figures))
        return
    where = AREA_TITLES[figures.area]
    fell_back = f" (no figure for {AREA_TITLES[area]}; showing {where})" if figures.fell_back else ""
    click.echo(f"{figures.title}, {where}{fell_back} - {figures.source}")
    echo_table(["10th pct", "25th pct", "median", "75th pct"],
               [[_money(figures.pct10), _money(figures.pct25), _money(figures.median), _money(figures.pct75)]])
    if figures.top_coded:
        click.echo("Figures at $115.00 are BLS's top code: the real wage is at least that.")


def _money(value: float | None) -> str:
    return "-" if value is None else f"${value:.2f}"
