"""``matcher train``: fit the success model on outcome history, evaluate it, register it, promote it if better."""

from __future__ import annotations

import time
from pathlib import Path

import click

from . import catalog_from, db_option, echo_json, handle_errors, json_option

history_options = [
    click.option("--history", "history_dir", type=click.Path(file_okay=False, path_type=Path),
                 help="History folder (participants, enrollments, outcomes files)."),
    db_option,
    click.option("--programs", "catalog_file", type=click.Path(dir_okay=False, path_type=Path),
                 help="The catalog in force (default: the store's catalog, else the sample)."),
    click.option("--models-dir", type=click.Path(file_okay=False, path_type=Path),
                 help="Model registry folder (default: $MATCHER_MODEL_DIR, else models/)."),
    click.option("--seed", type=int, default=0, show_default=True, help="Seed for every random step."),
]


def with_history_options(func):  # noqa: ANN001, ANN201 - a click decorator
    for option in reversed(history_options):
        func = option(func)
    return func


def register(main: click.Group) -> None:
    main.add_command(train)


@click.command()
@with_history_options
@click.option("--no-promote", is_flag=True, help="Register the new version but do not promote it.")
@click.option("--force", is_flag=True, help="Promote even if it measures worse than the promoted model.")
@click.option("--no-participant-split", is_flag=True, help="Skip the second (participant split) check.")
@json_option
@handle_errors
def train(history_dir: Path | None, db_url: str | None, catalog_file: Path | None, models_dir: Path | None,
          seed: int, no_promote: bool, force: bool, no_participant_split: bool, as_json: bool) -> None:
    """Train on --history DIR or --db URL; the new version replaces the promoted one only if it ranks at least
    as well on the same held-out cohort (unless --force)."""
    from ..learning.registry import ModelRegistry
    from ..learning.training import load_history_source, run_training, training_workers

    if (history_dir is None) == (db_url is None):
        raise click.UsageError("give exactly one of --history DIR or --db URL")
    started = time.perf_counter()

    def say(msg: str) -> None:  # elapsed seconds on each line: an evaluator sees where a long run spends its time
        click.echo(f"[train {time.perf_counter() - started:7.1f} s] {msg}", err=True)

    catalog = catalog_from(None, catalog_file)
    registry = ModelRegistry(models_dir)
    # The workers are forked before the history is read, so that they do not copy it (training_workers).
    with training_workers(catalog) as workers:
        say(f"reading the history from {history_dir if history_dir is not None else 'the database'}")
        data, hidden = load_history_source(history_dir, db_url, catalog, workers=workers)
        out = run_training(data, catalog, registry, promote=not no_promote, force=force, seed=seed,
                           hidden=hidden, participant_split_check=not no_participant_split, progress=say,
                           workers=workers)
    say(f"done: {out['version']}")
    if out["promoted"]:
        from ..audit import Actor
        from ..jobs import announce_model_change

        # A service on this database (--db, else the default one) loads the new model within seconds.
        announce_model_change(db_url, "model.promote", out["version"], Actor.cli(), {"decision": out["decision"]})
    if as_json:
        echo_json({k: v for k, v in out.items() if k != "report"})
        return
    m = out["metrics"]
    click.echo(f"Registered {out['version']} in {registry.root} (blend weight {out['blend_weight']}).")
    click.echo(f"Held-out NDCG@10: model {m['model']['ndcg@10']:.4f}, hand-set {m['hand_set']['ndcg@10']:.4f}, "
               f"most popular {m['most_popular']['ndcg@10']:.4f}, random {m['random']['ndcg@10']:.4f}.")
    p = out["probability"]
    click.echo(f"AUC {p['auc']:.4f}, Brier {p['brier']:.4f}. Fairness flags: {len(out['fairness_flags'])}.")
    click.echo(("Promoted: " if out["promoted"] else "Not promoted: ") + out["decision"])
    click.echo(f"Report: {registry.root / out['version'] / 'report.html'}")
