"""What a worker serves from: the loaded catalog and fitted engine, swapped whole when they change.

A :class:`Snapshot` is immutable: a request takes the current one once and
uses it to the end, so a swap never changes what a request in flight sees.
:class:`Runtime` holds the current snapshot. At most every
``reload_check_seconds`` a request reads the catalog's version stamp (one
primary-key read); when it has moved, a background thread loads the new
catalog and fits a new engine while requests go on with the old snapshot,
then swaps the reference (load, then swap). If the load fails, the old
snapshot keeps serving and :meth:`Runtime.readiness` says why.

The first snapshot is loaded on first use. Under ``matcher serve`` each worker
loads it right after it starts (no request waits for it) and runs a watcher
thread that reads the stamp every ``reload_check_seconds`` even when no request
comes, so an idle worker is current before its next request.

The model (phase 2, the model registry): a :class:`Versions` already carries a
``model`` field; the registry's stamp and the loaded model join the snapshot
the same way, and ``model_version`` stops being None.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from matcher.catalog import Catalog, default_catalog, load_catalog
from matcher.engine import Recommender
from matcher.errors import MatcherError
from matcher.query import FilteredRecommender
from matcher.store import CATALOG_STAMP, CatalogStore

log = logging.getLogger("matcher.api.runtime")
RETRY_FAILED_SECONDS = 30.0


@dataclass(frozen=True)
class Versions:
    catalog: int
    model: str | None = None


@dataclass(frozen=True)
class Snapshot:
    versions: Versions
    catalog: Catalog
    recommender: FilteredRecommender
    loaded_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def catalog_version(self) -> int:
        return self.versions.catalog

    @property
    def model_version(self) -> str | None:
        return self.versions.model

    def catalog_info(self) -> dict[str, object]:
        return {"version": self.versions.catalog, "source": self.catalog.source, "programs": len(self.catalog)}


class Runtime:
    """The current :class:`Snapshot` of one worker, and the loading of the next."""

    def __init__(self, store: CatalogStore, *, fallback_catalog: str | None = None,
                 check_seconds: float = 2.0, on_swap: Callable[[Snapshot], None] | None = None,
                 make_engine: Callable[[], Recommender] = Recommender) -> None:
        self.store = store
        self.make_engine = make_engine
        self.fallback_catalog = fallback_catalog
        self.check_seconds = check_seconds
        self.on_swap = on_swap
        self._current: Snapshot | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()  # one load at a time
        self._loader: threading.Thread | None = None
        self._watcher: threading.Thread | None = None
        self._failed_at = 0.0
        self._stopped = threading.Event()
        self.last_error: str | None = None
        self.failed_versions: Versions | None = None

    # ------------------------------------------------------------------ serving

    def snapshot(self) -> Snapshot:
        """The snapshot to serve this request from (loading the first one if there is none yet)."""
        current = self._current
        if current is None:
            return self.reload()
        if time.monotonic() - self._checked_at >= self.check_seconds:
            self._checked_at = time.monotonic()
            try:
                latest = self.versions()
            except MatcherError as exc:  # the database is away: keep serving what we have
                self.last_error = f"cannot read the catalog version: {exc.message}"
                return current
            if latest != current.versions and not self._failed_recently(latest):
                self._reload_in_background()
        return current

    @property
    def loaded(self) -> Snapshot | None:
        return self._current

    def versions(self) -> Versions:
        return Versions(catalog=self.store.stamp(CATALOG_STAMP))

    # ------------------------------------------------------------------ loading

    def reload(self) -> Snapshot:
        """Load the catalog at the current stamp and fit an engine, then swap; return the snapshot now served.

        On failure the previous snapshot stays (and the error is kept for /readyz);
        with no previous one the error is raised.
        """
        with self._lock:
            versions: Versions | None = None
            try:
                versions = self.versions()
                current = self._current
                if current is not None and current.versions == versions:
                    return current
                catalog = self._load_catalog()
                snapshot = Snapshot(versions, catalog, FilteredRecommender(catalog, self.make_engine))
            except MatcherError as exc:
                self.last_error = exc.message
                self.failed_versions = versions
                self._failed_at = time.monotonic()
                if self._current is None:
                    raise
                log.warning("catalog reload failed; still serving the previous catalog",
                            extra={"event": "catalog_reload_failed", "error": exc.code})
                return self._current
            self._current = snapshot
            self._checked_at = time.monotonic()
            self.last_error = None
            self.failed_versions = None
        log.info("catalog loaded", extra={"event": "catalog_loaded", "catalog_version": versions.catalog,
                                          "programs": len(catalog)})
        if self.on_swap is not None:
            self.on_swap(snapshot)
        return snapshot

    def _failed_recently(self, versions: Versions) -> bool:
        """A version that failed to load is tried again only after :data:`RETRY_FAILED_SECONDS`
        (the failure may have been passing, a database restart mid-load; or not, a corrupt row)."""
        return versions == self.failed_versions and time.monotonic() - self._failed_at < RETRY_FAILED_SECONDS

    def _reload_in_background(self) -> None:
        if self._loader is not None and self._loader.is_alive():
            return
        self._loader = threading.Thread(target=self._background_reload, name="matcher-reload", daemon=True)
        self._loader.start()

    def _background_reload(self) -> None:
        try:
            self.reload()
        except Exception:  # noqa: BLE001 - a background thread must not die silently
            log.exception("catalog reload crashed", extra={"event": "catalog_reload_crashed"})

    def watch(self) -> threading.Thread:
        """Check the stamp every ``check_seconds`` in a background thread, whether requests come or not,
        so an idle worker is current before its next request (``matcher serve`` starts one per worker)."""
        if self._watcher is not None and self._watcher.is_alive():
            return self._watcher
        self._watcher = threading.Thread(target=self._watch, name="matcher-watch", daemon=True)
        self._watcher.start()
        return self._watcher

    def _watch(self) -> None:
        interval = max(self.check_seconds, 0.1)
        while not self._stopped.wait(interval):
            current = self._current
            try:
                latest = self.versions()
                if current is None or (latest != current.versions and not self._failed_recently(latest)):
                    self.reload()
            except MatcherError as exc:
                self.last_error = exc.message
            except Exception:  # noqa: BLE001 - the watcher must keep watching
                log.exception("catalog watcher failed", extra={"event": "catalog_watch_failed"})

    def stop(self) -> None:
        self._stopped.set()

    def wait_for_reload(self, timeout: float = 30.0) -> None:
        loader = self._loader
        if loader is not None:
            loader.join(timeout)

    def _load_catalog(self) -> Catalog:
        """The store's catalog when it holds programs, else the configured file, else the sample."""
        if self.store.count() > 0:
            return self.store.catalog()
        if self.fallback_catalog:
            catalog = load_catalog(Path(self.fallback_catalog))
            return Catalog(catalog.programs, source=f"file {Path(self.fallback_catalog).name}")
        return default_catalog()

    # ------------------------------------------------------------------ readiness

    def readiness(self) -> dict[str, object]:
        """Is this worker ready, and why not: {"ready": bool, "checks": {name: {"ok": bool, ...}}}."""
        checks: dict[str, dict[str, object]] = {}
        try:
            versions = self.versions()
            checks["database"] = {"ok": True}
        except MatcherError as exc:
            versions = None
            checks["database"] = {"ok": False, "reason": exc.message}
        try:
            snapshot = self._current or (self.reload() if versions is not None else None)
        except MatcherError as exc:
            snapshot = None
            self.last_error = exc.message
        if snapshot is None:
            checks["catalog"] = {"ok": False, "reason": self.last_error or "no catalog loaded"}
        else:
            info: dict[str, object] = {"ok": len(snapshot.catalog) > 0, **snapshot.catalog_info()}
            if not len(snapshot.catalog):
                info["reason"] = "the catalog has no programs"
            if self.last_error:
                info["warning"] = self.last_error
            if versions is not None and versions.catalog != snapshot.catalog_version:
                info["newer_version"] = versions.catalog
            checks["catalog"] = info
        checks["model"] = {"ok": True, "version": None,
                           "note": "no learned model yet: ranking uses the engine's hand-set weights"}
        return {"ready": all(bool(c["ok"]) for c in checks.values()), "checks": checks}
