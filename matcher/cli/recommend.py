"""``matcher recommend``: rank programs for one seeker, or for a whole caseload."""

from __future__ import annotations

import functools
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from ..catalog import Catalog
from ..engine import Recommender
from ..errors import FieldProblem, InputFileError, ValidationError
from ..explain import Recommendation, RecommendationList
from ..profiles_io import iter_profiles, load_profile
from ..rules import RULE_BY_NAME
from ..selfsufficiency import SelfSufficiencyTable, target_for_profile
from ..settings import load_settings
from . import catalog_from, db_option, echo_json, echo_table, handle_errors, json_option


def register(main: click.Group) -> None:
    main.add_command(recommend)


@click.command()
@click.option("--profile", "profile_path", type=click.Path(dir_okay=False, path_type=Path),
              help="One seeker's profile (JSON).")
@click.option("--profiles", "profiles_path", type=click.Path(dir_okay=False, path_type=Path),
              help="A caseload: JSON Lines (or a JSON list) of profiles; needs --out.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write one JSON line of recommendations per profile (with --profiles).")
@click.option("--programs", "programs_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Catalog file (CSV or JSON); default: the store's catalog, else the shipped sample.")
@db_option
@click.option("--self-sufficiency", "ss_path", type=click.Path(dir_okay=False, path_type=Path),
              help="A board's own self-sufficiency table (CSV, same columns as the shipped one).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The board's engine settings (TOML; see docs/examples/board.toml).")
@click.option("--top", type=click.IntRange(1, 1000), default=10, show_default=True, help="How many programs to list.")
@click.option("--skip-invalid", is_flag=True,
              help="With --profiles: report bad profiles (line and field) and rank the good ones.")
@json_option
@handle_errors
def recommend(profile_path: Path | None, profiles_path: Path | None, out_path: Path | None,
              programs_path: Path | None, db_url: str | None, ss_path: Path | None, config_path: Path | None,
              top: int, skip_invalid: bool, as_json: bool) -> None:
    """Rank training programs for a job seeker, with reasons, gaps, supports and blockers.

    \b
    matcher recommend --profile seeker.json [--programs catalog.csv] [--top 10] [--json]
    matcher recommend --profiles caseload.jsonl --out recs.jsonl [--programs catalog.json]
    """
    if (profile_path is None) == (profiles_path is None):
        raise ValidationError("give either --profile (one seeker) or --profiles (a caseload)", field="profile")
    if profiles_path is not None and out_path is None:
        raise ValidationError("--profiles needs --out for the results file", field="out")
    config = load_settings(config_path) if config_path is not None else None
    catalog = catalog_from(db_url, programs_path)
    engine = Recommender(config, target_for_profile=_targets_from(ss_path)).fit(catalog)
    if profile_path is not None:
        result = engine.recommend(load_profile(profile_path), top=top)
        if as_json:
            echo_json(result.to_dict())
        else:
            print_recommendations(result, catalog)
        return
    assert profiles_path is not None and out_path is not None
    skipped: list[FieldProblem] | None = [] if skip_invalid else None
    written = _score_caseload(engine, profiles_path, out_path, top, skipped)
    summary: dict[str, Any] = {"profiles": written, "out": str(out_path), "catalog": catalog.source,
                               "programs": len(catalog)}
    if skipped is not None:
        summary["skipped"] = [p.to_dict() for p in skipped]
    if as_json:
        echo_json(summary)
        return
    click.echo(f"Wrote recommendations for {written:,} profiles to {out_path}")
    if skipped:
        rows = sorted({p.row for p in skipped if p.row is not None})
        click.echo(f"Skipped {len(rows):,} invalid profile(s):", err=True)
        for problem in skipped[:50]:
            click.echo(f"  - {problem}", err=True)


def _targets_from(path: Path | None):  # noqa: ANN202 - None or a profile -> target function
    """The board's own self-sufficiency table when one is given (None: the shipped table)."""
    if path is None:
        return None
    table = SelfSufficiencyTable.from_csv(path)
    return functools.partial(target_for_profile, table=table)


def _score_caseload(engine: Recommender, path: Path, out_path: Path, top: int,
                    skipped: list[FieldProblem] | None) -> int:
    """Rank every profile into ``out_path``, written to a temporary file beside it and renamed only when
    the whole caseload is done: a failure never empties or half-writes an existing results file."""
    from tqdm import tqdm

    total = _count_lines(path)
    rows: list[int] = []

    def profiles():  # noqa: ANN202 - a generator feeding the engine while remembering each row number
        for row, profile in iter_profiles(path, skipped=skipped):
            rows.append(row)
            yield profile

    written = 0
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".tmp", dir=out_path.parent or ".")
    except OSError as exc:
        raise InputFileError(f"cannot write {out_path}: {exc.strerror}", field="out") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out, \
                tqdm(total=total, unit="profile", file=sys.stderr, desc="Scoring", disable=None) as bar:
            for result in engine.recommend_batch(profiles(), top=top):
                record = {"row": rows[written], **result.to_dict()}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += 1
                bar.update(1)
        os.replace(tmp, out_path)
    except OSError as exc:
        raise InputFileError(f"cannot write {out_path}: {exc.strerror}", field="out") from None
    finally:
        tmp.unlink(missing_ok=True)
    return written


def _count_lines(path: Path) -> int | None:
    if path.suffix.lower() not in (".jsonl", ".ndjson"):
        return None
    try:
        with open(path, "rb") as fh:
            return sum(1 for line in fh if line.strip())
    except OSError:
        return None


def print_recommendations(result: RecommendationList, catalog: Catalog) -> None:
    """The readable ranked table, then each program's reasons, blockers, supports, gaps and checks."""
    click.echo(f"Catalog: {catalog.source or 'given file'} ({result.catalog_size:,} programs; "
               f"{result.eligible_count:,} fit the hard requirements)")
    if result.excluded_by_reason:
        reasons = ", ".join(f"{RULE_BY_NAME[name].summary} {count}" if name in RULE_BY_NAME else f"{name} {count}"
                            for name, count in sorted(result.excluded_by_reason.items(), key=lambda kv: -kv[1]))
        click.echo(f"Left out ({result.excluded_count:,}, each under its first reason): {reasons}")
    for unmatched in result.unmatched:
        click.echo(unmatched.message)
    for note in result.notes:
        click.echo(f"Note: {note}")
    for opening in result.openings:
        click.echo(f"Would open more: {opening.message}")
    if not result.items:
        return
    click.echo("")
    echo_table(["#", "score", "program", "provider", "type", "miles"],
               [[r.rank, f"{r.score * 100:.0f}", r.name, r.provider, r.type.replace("_", " "),
                 "online" if r.distance_miles is None and r.parts.distance == 1 else
                 ("-" if r.distance_miles is None else f"{r.distance_miles:.0f}")] for r in result.items],
               max_width=44)
    for r in result.items:
        _print_item(r)
    if result.to_arrange or result.shared_checks:
        click.echo("")
        click.echo("For the whole list:")
    for s in result.to_arrange:
        click.echo(f"   {s.message} (not offered by {_ranks(s.ranks)})")
    for c in result.shared_checks:
        click.echo(f"   Check: {c.message} ({_ranks(c.ranks)})")


def _ranks(ranks: tuple[int, ...]) -> str:
    return ", ".join(f"#{r}" for r in ranks)


def _print_item(r: Recommendation) -> None:
    click.echo("")
    flag = "  [needs a remedy]" if r.flagged else ("  [funding to arrange]" if r.needs_funding else "")
    click.echo(f"{r.rank}. {r.name} ({r.provider}){flag}")
    sections = [
        ("Why", r.reasons),
        ("Blockers", [b.message for b in r.blockers]),
        ("Supports", [s.message for s in r.supports]),
        ("Skill gaps", [g.message for g in r.skill_gaps]),
        ("Check", r.checks),
        ("Note", r.notes),
    ]
    for title, lines in sections:
        for i, line in enumerate(lines):
            label = f"{title}:" if i == 0 else ""
            click.echo(f"   {label:<12}{line}")
