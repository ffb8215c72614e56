"""The service's settings: every one from an environment variable, documented in one table.

``docs/api.md`` shows the same table; ``tests/api/test_config.py`` checks the
two agree. ``create_app(config)`` takes overrides by setting name (tests use
that); nothing is read from the environment at import time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from matcher.errors import ValidationError
from matcher.input_files import DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class Setting:
    env: str
    default: str
    help: str


#: name -> (environment variable, default shown in the docs, what it does)
SETTINGS: dict[str, Setting] = {
    "database_url": Setting("DATABASE_URL", "(unset)",
                            "The database, e.g. `postgresql://user@host/matcher`. Unset: SQLite at `MATCHER_DB`."),
    "sqlite_path": Setting("MATCHER_DB", "`./matcher.db`",
                           "The SQLite file used when `DATABASE_URL` is unset (the same one the CLI uses)."),
    "db_schema": Setting("MATCHER_DB_SCHEMA", "(unset)", "PostgreSQL only: keep the tables in this schema."),
    "redis_url": Setting("REDIS_URL", "(unset)",
                         "Rate-limit counters shared by every worker and machine, e.g. `redis://127.0.0.1:6379/0`. "
                         "Unset: counted in each worker's memory."),
    "rate_limit_prefix": Setting("MATCHER_RATE_LIMIT_PREFIX", "`matcher`", "Prefix of the rate-limit keys in Redis."),
    "public_rate_limit": Setting("MATCHER_PUBLIC_RATE_LIMIT", "`300/minute;20/second`",
                                 "Limit per client address on each public endpoint (requests with a valid token "
                                 "are not limited)."),
    "anonymous_recommendations": Setting("MATCHER_ANONYMOUS_RECOMMENDATIONS", "`false`",
                                         "`true` lets `POST /recommendations` be called without a token "
                                         "(rate limited), for a board's own kiosk or web form."),
    "board_settings": Setting("MATCHER_BOARD_SETTINGS", "(unset)",
                              "A board's engine settings (TOML, as `matcher recommend --config`: weights, supports "
                              "it arranges, travel ranges...). Unset: the documented defaults."),
    "self_sufficiency_table": Setting("MATCHER_SELF_SUFFICIENCY", "the shipped table",
                                      "A board's own self-sufficiency CSV (as `matcher recommend "
                                      "--self-sufficiency`), for recommendations and `GET /target`."),
    "catalog_path": Setting("MATCHER_CATALOG", "the sample catalog",
                            "Catalog file (CSV, JSON, JSON Lines) served while the database holds no programs."),
    "model_dir": Setting("MATCHER_MODEL_DIR", "the shipped `models/`",
                         "The model registry the service serves from and trains into (the same folder as "
                         "`matcher models --models-dir`; `matcher train` and `matcher models` read this variable too; "
                         "`MATCHER_MODELS_DIR`, the older spelling, is still read)."),
    "max_body_bytes": Setting("MATCHER_MAX_BODY_BYTES", "`65536`",
                              "Largest request body (413 above it), except catalog uploads."),
    "max_import_bytes": Setting("MATCHER_MAX_IMPORT_BYTES", f"`{DEFAULT_MAX_BYTES}`",
                                "Largest catalog upload (`PUT /programs`, `POST /programs/validate`)."),
    "batch_max": Setting("MATCHER_BATCH_MAX", "`50`",
                         "Most profiles in one `POST /recommendations/batch` (larger caseloads: the CLI)."),
    "reload_check_seconds": Setting("MATCHER_RELOAD_CHECK_SECONDS", "`2`",
                                    "How often a worker checks the catalog version stamp (one indexed read)."),
    "token_cache_seconds": Setting("MATCHER_TOKEN_CACHE_SECONDS", "`5`",
                                   "How long a worker trusts a token it has checked without reading the database "
                                   "again; a revoked token is refused by every worker within this time. `0`: "
                                   "read it on every request."),
    "trusted_proxies": Setting("MATCHER_TRUSTED_PROXIES", "`0`",
                               "Reverse proxies in front of the app whose `X-Forwarded-For` is trusted."),
    "log_level": Setting("MATCHER_LOG_LEVEL", "`INFO`", "Level of the JSON-lines log on stderr."),
    "host": Setting("MATCHER_HOST", "`127.0.0.1`", "`matcher serve`: address to listen on."),
    "port": Setting("MATCHER_PORT", "`8000`", "`matcher serve`: port to listen on."),
    "workers": Setting("MATCHER_WORKERS", "cores + 1", "`matcher serve`: gunicorn worker processes."),
    "threads": Setting("MATCHER_THREADS", "`4`", "`matcher serve`: threads per worker."),
    "metrics_dir": Setting("PROMETHEUS_MULTIPROC_DIR", "a fresh temporary folder",
                           "Where workers share their metrics (`matcher serve` makes and empties it)."),
    # The job-seeker kiosk at / (api/kiosk, docs/kiosk.md).
    "kiosk_enabled": Setting("MATCHER_KIOSK", "`true`", "`false` turns the job-seeker kiosk at `/` off "
                             "(the API is unchanged)."),
    "kiosk_reset_minutes": Setting("MATCHER_KIOSK_RESET_MINUTES", "`5`",
                                   "Kiosk: minutes without use after which everything entered is cleared."),
    "audit_key": Setting("MATCHER_AUDIT_KEY", "a key kept in the database",
                         "Key (16+ characters) of the keyed hash by which the audit trail names participants. "
                         "Keep it outside the database, so a copy of the database cannot be read back to "
                         "ids. Changing it gives participants new names in the trail."),
    "kiosk_secret_key": Setting("MATCHER_KIOSK_SECRET_KEY", "a random key per start",
                                "Kiosk: key that encrypts the answers cookie and signs its forms. Set the same "
                                "one on every machine behind a load balancer."),
    "kiosk_secure_cookies": Setting("MATCHER_KIOSK_SECURE_COOKIES", "`true`",
                                    "Kiosk: send its cookie only over HTTPS (browsers treat `localhost` as "
                                    "secure). `false` only for a plain-HTTP test setup."),
    "kiosk_languages": Setting("MATCHER_KIOSK_LANGUAGES", "`en,es`",
                               "Kiosk: languages offered, in order (each needs message catalogs: docs/kiosk.md)."),
    "kiosk_top": Setting("MATCHER_KIOSK_TOP", "`5`", "Kiosk: how many matches the results page shows (1-10)."),
    "kiosk_keep_days": Setting("MATCHER_KIOSK_KEEP_DAYS", "`30`",
                               "Kiosk: days a saved list or a contact request is kept before it is deleted."),
}


@dataclass(frozen=True)
class Settings:
    database_url: str | None = None
    sqlite_path: str | None = None
    db_schema: str | None = None
    redis_url: str | None = None
    rate_limit_prefix: str = "matcher"
    public_rate_limit: str = "300/minute;20/second"
    anonymous_recommendations: bool = False
    board_settings: str | None = None
    self_sufficiency_table: str | None = None
    catalog_path: str | None = None
    model_dir: str | None = None
    max_body_bytes: int = 64 * 1024
    max_import_bytes: int = DEFAULT_MAX_BYTES
    batch_max: int = 50
    reload_check_seconds: float = 2.0
    token_cache_seconds: float = 5.0
    trusted_proxies: int = 0
    log_level: str = "INFO"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int | None = None
    threads: int = 4
    metrics_dir: str | None = None
    kiosk_enabled: bool = True
    kiosk_reset_minutes: float = 5.0
    audit_key: str | None = None
    kiosk_secret_key: str | None = None
    kiosk_secure_cookies: bool = True
    kiosk_languages: str = "en,es"
    kiosk_top: int = 5
    kiosk_keep_days: int = 30

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(SETTINGS[f.name].env)
            if raw is not None and raw.strip() != "":
                values[f.name] = _convert(f.name, f.type, raw.strip())
        settings = cls(**values)
        unknown = set(overrides) - {f.name for f in fields(cls)}
        if unknown:
            raise ValidationError(f"unknown setting(s): {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
        return replace(settings, **overrides)

    @property
    def resolved_database_url(self) -> str | None:
        """What the store should open (None: the library's default, ./matcher.db)."""
        if self.database_url:
            return self.database_url
        if self.sqlite_path:
            return f"sqlite:///{self.sqlite_path}"
        return None


def _convert(name: str, kind: Any, raw: str) -> Any:
    env = SETTINGS[name].env
    text = str(kind)
    try:
        if "bool" in text:
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if "int" in text:
            return int(raw)
        if "float" in text:
            return float(raw)
    except ValueError:
        raise ValidationError(f"{env}={raw!r} is not a valid value", field=env) from None
    return raw
