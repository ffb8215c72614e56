"""``matcher tokens``: create, list and revoke the API tokens the service accepts.

A token is printed once, when created; the database keeps only its hash.
Each creation and revocation is written to the audit trail.
"""

from __future__ import annotations

import click

from ..audit import Actor, AuditLog
from ..auth import Role, TokenStore
from ..store import CatalogStore
from . import db_option, echo_json, echo_table, handle_errors, json_option


def register(main: click.Group) -> None:
    main.add_command(tokens)


@click.group()
def tokens() -> None:
    """API tokens for the service: one per person or system, each with a role."""


@tokens.command()
@click.option("--name", required=True, help="Who or what the token is for, e.g. 'Ana (Lane WorkSource)'.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True,
              help="coach: recommendations; evaluator: models; admin: everything, catalog imports included.")
@db_option
@json_option
@handle_errors
def create(name: str, role: str, db_url: str | None, as_json: bool) -> None:
    """Create a token and print it (this is the only time it is shown)."""
    store = CatalogStore(db_url)
    actor = Actor.cli()
    info, token = TokenStore(store).create(name, role, created_by=actor.id)
    AuditLog(store).record(actor, "token.create", subject=info.id, detail={"name": info.name, "role": info.role.value})
    if as_json:
        echo_json({**info.to_dict(), "token": token})
        return
    click.echo(f"Created {info.role.value} token {info.id} for {info.name!r} in {store.display_url}.")
    click.echo("Send it as 'Authorization: Bearer <token>'. It is shown only this once:")
    click.echo(token)


@tokens.command(name="list")
@click.option("--all", "include_revoked", is_flag=True, help="Include revoked tokens.")
@db_option
@json_option
@handle_errors
def list_(include_revoked: bool, db_url: str | None, as_json: bool) -> None:
    """List tokens (never their secrets)."""
    found = TokenStore(CatalogStore(db_url)).list(include_revoked=include_revoked)
    if as_json:
        echo_json([t.to_dict() for t in found])
        return
    if not found:
        click.echo("No tokens yet: create one with `matcher tokens create --name NAME --role coach`.")
        return
    echo_table(["id", "role", "name", "created", "by", "revoked"],
               [[t.id, t.role.value, t.name, t.created_at.strftime("%Y-%m-%d %H:%M"), t.created_by,
                 t.revoked_at.strftime("%Y-%m-%d %H:%M") if t.revoked_at else ""] for t in found])


@tokens.command()
@click.argument("token_id")
@db_option
@json_option
@handle_errors
def revoke(token_id: str, db_url: str | None, as_json: bool) -> None:
    """Revoke a token by its id: it stops working at once."""
    store = CatalogStore(db_url)
    info = TokenStore(store).revoke(token_id)
    AuditLog(store).record(Actor.cli(), "token.revoke", subject=info.id, detail={"name": info.name})
    if as_json:
        echo_json(info.to_dict())
    else:
        click.echo(f"Revoked token {info.id} ({info.role.value}, {info.name!r}).")
