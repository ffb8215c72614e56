"""The objects a request works with, built once per app by ``create_app`` (none opens a connection).

Views reach them through :func:`services`. The history and model blueprints
(next phase) add theirs here: the outcome store and the model registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from matcher.audit import AuditLog
from matcher.auth import TokenStore
from matcher.store import CatalogStore

from .config import Settings
from .runtime import Runtime, Snapshot


@dataclass
class Services:
    settings: Settings
    store: CatalogStore
    tokens: TokenStore
    audit: AuditLog
    runtime: Runtime

    @classmethod
    def build(cls, settings: Settings, *, on_swap: Callable[[Snapshot], None] | None = None) -> Services:
        store = CatalogStore(settings.resolved_database_url, schema=settings.db_schema)
        runtime = Runtime(store, fallback_catalog=settings.catalog_path, check_seconds=settings.reload_check_seconds,
                          on_swap=on_swap)
        return cls(settings=settings, store=store, tokens=TokenStore(store), audit=AuditLog(store), runtime=runtime)


def services() -> Services:
    return current_app.extensions["matcher"]
