"""``matcher models``: list, show, promote and roll back registered success models."""

from __future__ import annotations

from pathlib import Path

import click

from . import db_option, echo_json, echo_table, handle_errors, json_option

models_dir_option = click.option("--models-dir", type=click.Path(file_okay=False, path_type=Path),
                                 help="Model registry folder (default: $MATCHER_MODEL_DIR, else models/).")


def register(main: click.Group) -> None:
    main.add_command(models)


@click.group()
def models() -> None:
    """Registered success models: list, show, promote, roll back."""


def _registry(models_dir: Path | None):  # noqa: ANN202
    from ..learning.registry import ModelRegistry

    return ModelRegistry(models_dir)


@models.command(name="list")
@models_dir_option
@json_option
@handle_errors
def list_(models_dir: Path | None, as_json: bool) -> None:
    """Every version, oldest first; * marks the promoted one."""
    versions = _registry(models_dir).versions()
    if as_json:
        echo_json(versions)
        return
    if not versions:
        click.echo("No models registered.")
        return
    echo_table(["", "version", "created", "NDCG@10", "AUC", "data"],
               [["*" if v["promoted"] else "", v["version"], v.get("created", ""),
                 f"{v['metrics']['ndcg@10']:.4f}" if v.get("metrics", {}).get("ndcg@10") is not None else "",
                 f"{v['metrics']['auc']:.4f}" if v.get("metrics", {}).get("auc") is not None else "",
                 (v.get("data_sha256") or "")[:12]] for v in versions])


@models.command()
@click.argument("version", default="promoted")
@models_dir_option
@json_option
@handle_errors
def show(version: str, models_dir: Path | None, as_json: bool) -> None:
    """The model card of VERSION (default: the promoted one), after checking its files."""
    registry = _registry(models_dir)
    card = registry.card(version)
    loaded = registry.load(version)
    if as_json:
        echo_json(card)
        return
    from ..learning.training import card_markdown

    click.echo(card_markdown(card))
    click.echo(f"Files verified (SHA-256) in {registry.root / loaded.version}.")


@models.command()
@click.argument("version")
@click.option("--reason", default="", help="Why (kept in the registry's event log).")
@models_dir_option
@db_option
@handle_errors
def promote(version: str, reason: str, models_dir: Path | None, db_url: str | None) -> None:
    """Serve VERSION from now on (its files are verified first); a running service takes it within seconds."""
    previous = _registry(models_dir).promote(version, reason=reason or "promoted by hand")
    click.echo(f"Promoted {version}" + (f" (was {previous})." if previous else "."))
    _announce(db_url, "model.promote", version, {"previous": previous, "reason": reason})


@models.command()
@click.option("--reason", default="", help="Why (kept in the registry's event log).")
@models_dir_option
@db_option
@handle_errors
def rollback(reason: str, models_dir: Path | None, db_url: str | None) -> None:
    """Serve the previously promoted version again."""
    registry = _registry(models_dir)
    previous = registry.promoted()
    version = registry.rollback(reason=reason or "rolled back by hand")
    click.echo(f"Rolled back: {version} is promoted again.")
    _announce(db_url, "model.rollback", version, {"previous": previous, "reason": reason})


def _announce(db_url: str | None, action: str, version: str, detail: dict[str, object]) -> None:
    """Tell a service on this database (its model version stamp, and the audit trail) that the model changed."""
    from ..audit import Actor
    from ..jobs import announce_model_change

    if announce_model_change(db_url, action, version, Actor.cli(), detail):
        click.echo("The service's workers load it within MATCHER_RELOAD_CHECK_SECONDS (model stamp bumped).")
