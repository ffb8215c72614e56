"""``matcher demo``: the main job on the shipped defaults.

Ranks the regional sample catalog for a few fictional job seekers and prints
what a coach would see, so a new user can judge the product in one command.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..catalog import default_catalog
from ..learning.serving import promoted_or_hand_set
from ..paths import data_dir
from ..profiles_io import iter_profiles
from . import echo_json, handle_errors, json_option
from .recommend import print_recommendations


def register(main: click.Group) -> None:
    main.add_command(demo)


@click.command()
@click.option("--top", type=click.IntRange(1, 50), default=3, show_default=True, help="Programs to show per seeker.")
@click.option("--seekers", "seekers_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Profiles to rank for (JSON Lines); default: the shipped demo seekers.")
@json_option
@handle_errors
def demo(top: int, seekers_path: Path | None, as_json: bool) -> None:
    """Rank the sample catalog for a few example job seekers."""
    catalog = default_catalog()
    engine, ranked_by = promoted_or_hand_set(catalog)
    path = seekers_path or data_dir() / "demo_seekers.jsonl"
    results = []
    for _row, profile in iter_profiles(path):
        result = engine.recommend(profile, top=top)
        if as_json:
            results.append(result.to_dict())
            continue
        click.echo("=" * 78)
        click.echo(f"Seeker {profile.id or '(no id)'}: {_summary(profile)}")
        click.echo("=" * 78)
        print_recommendations(result, catalog)
        click.echo("")
    if as_json:
        echo_json(results)
    else:
        click.echo(ranked_by)
        click.echo("This is fictional sample data: see training_data/SAMPLE_CATALOG.md.")


def _summary(profile) -> str:  # noqa: ANN001 - a SeekerProfile
    parts = []
    if profile.zip:
        parts.append(f"ZIP {profile.zip}")
    if profile.interests.sectors:
        parts.append("interested in " + ", ".join(s.label.lower() for s in profile.interests.sectors))
    if profile.work_history:
        parts.append("worked as " + ", ".join(profile.work_history[:2]))
    if profile.needs_income:
        parts.append("needs income now")
    if profile.barriers:
        parts.append(f"{len(profile.barriers)} barrier(s) on file")
    return "; ".join(parts) or "almost nothing filled in"
