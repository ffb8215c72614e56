"""``matcher evaluate``: measure a registered model on held-out history beside the baselines, with the audit."""

from __future__ import annotations

import json
from pathlib import Path

import click

from . import catalog_from, echo_json, handle_errors, json_option
from .train import with_history_options


def register(main: click.Group) -> None:
    main.add_command(evaluate)


@click.command()
@with_history_options
@click.option("--model", "version", default="promoted", show_default=True, help="Model version to evaluate.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report here (.html; the JSON goes beside it as .json).")
@json_option
@handle_errors
def evaluate(history_dir: Path | None, db_url: str | None, catalog_file: Path | None, models_dir: Path | None,
             seed: int, version: str, out: Path | None, as_json: bool) -> None:
    """Time-split evaluation: AUC, Brier, calibration, NDCG@5/@10, recall@10, MAP@10 (replay, IPS and, for a
    generated history, true), against random, most-popular and the hand-set engine, and the fairness audit."""
    from ..learning.registry import ModelRegistry
    from ..learning.report import render_html
    from ..learning.training import load_history_source, run_evaluation

    if (history_dir is None) == (db_url is None):
        raise click.UsageError("give exactly one of --history DIR or --db URL")
    catalog = catalog_from(None, catalog_file)
    data, hidden = load_history_source(history_dir, db_url, catalog)
    report = run_evaluation(data, catalog, ModelRegistry(models_dir), version, hidden=hidden, seed=seed,
                            progress=lambda msg: click.echo(f"[evaluate] {msg}", err=True))
    if out is not None:
        out.write_text(render_html(report), encoding="utf-8")
        out.with_suffix(".json").write_text(json.dumps(report, indent=2, sort_keys=True, default=str) + "\n",
                                            encoding="utf-8")
    if as_json:
        echo_json(report)
        return
    t = report["time_split"]
    click.echo(f"Model {report['version']} on {t['split']['description']} ({t['split']['ranked_queries']:,} ranked "
               f"queries):")
    names = list(t["ranking"])
    keys = ["ndcg@5", "ndcg@10", "recall@10", "map@10", "ips_ndcg@10", "true_ndcg@10"]
    click.echo("  " + "ranker".ljust(14) + "".join(k.rjust(14) for k in keys))
    for name in names:
        row = t["ranking"][name]
        click.echo("  " + name.ljust(14) + "".join(
            ("-" if row.get(k) is None else f"{row[k]:.4f}").rjust(14) for k in keys))
    p = t["probability"]["model"]
    click.echo(f"  AUC {p['auc']:.4f}  Brier {p['brier']:.4f}  ECE {p['ece']:.4f}; "
               f"fairness flags: {len(t['fairness']['flags'])}")
    if out is not None:
        click.echo(f"Report: {out}")
