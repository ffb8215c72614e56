"""The objects a request works with, built once per app by ``create_app`` (none opens a connection).

Views reach them through :func:`services`. The store is a
:class:`~matcher.learning.history_store.HistoryStore`: the catalog store with the outcome history's calls.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from matcher.audit import AuditLog
from matcher.auth import TokenStore
from matcher.engine import Recommender
from matcher.errors import ValidationError
from matcher.jobs import JobStore
from matcher.learning.history_store import HistoryStore
from matcher.learning.registry import ModelRegistry
from matcher.selfsufficiency import SelfSufficiencyTable, target_for_profile
from matcher.settings import load_settings

from .config import Settings
from .runtime import Runtime, Snapshot


@dataclass
class Services:
    settings: Settings
    store: HistoryStore  # the catalog store, with the outcome history's calls (one engine, one pool)
    tokens: TokenStore
    audit: AuditLog
    runtime: Runtime
    targets: SelfSufficiencyTable
    registry: ModelRegistry
    jobs: JobStore

    @classmethod
    def build(cls, settings: Settings, *, on_swap: Callable[[Snapshot], None] | None = None) -> Services:
        """Files named by the settings (board settings, a board's table) are read here, so a bad one stops
        the service at start with a message naming it, not at its first request."""
        store = HistoryStore(settings.resolved_database_url, schema=settings.db_schema)
        config = load_settings(settings.board_settings) if settings.board_settings else None
        table = (SelfSufficiencyTable.from_csv(settings.self_sufficiency_table) if settings.self_sufficiency_table
                 else SelfSufficiencyTable.default())
        target = functools.partial(target_for_profile, table=table) if settings.self_sufficiency_table else None

        def make_engine() -> Recommender:
            return Recommender(config, target_for_profile=target)

        registry = ModelRegistry(settings.model_dir)  # None: matcher.paths.models_dir() (the same variable)
        runtime = Runtime(store, fallback_catalog=settings.catalog_path, check_seconds=settings.reload_check_seconds,
                          on_swap=on_swap, make_engine=make_engine, registry=registry, engine_config=config,
                          target_for_profile=target)
        tokens = TokenStore(store, cache_seconds=settings.token_cache_seconds)
        try:
            audit = AuditLog(store, key=settings.audit_key)
        except ValidationError as exc:  # a short key stops the service at start, naming its variable
            raise ValidationError(f"MATCHER_AUDIT_KEY: {exc.message}", field="MATCHER_AUDIT_KEY") from None
        return cls(settings=settings, store=store, tokens=tokens, audit=audit, runtime=runtime, targets=table,
                   registry=registry, jobs=JobStore(store))


def services() -> Services:
    return current_app.extensions["matcher"]
