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

The model: :class:`Versions` holds the catalog's stamp and the model's
(:data:`matcher.jobs.MODEL_STAMP`, bumped by every promotion and rollback, from
the API or the CLI). A new snapshot loads the registry's promoted model
(:meth:`~matcher.learning.registry.ModelRegistry.load`, which verifies every
checksum) and binds it to the catalog through
:class:`~matcher.learning.serving.ModelRecommender` before it is swapped in,
so a model that fails its checks never replaces the one serving: the previous
snapshot (catalog and model) keeps serving, ``/readyz`` says why, and the load
is tried again after :data:`RETRY_FAILED_SECONDS`. A worker with nothing loaded
yet whose promoted model fails serves the hand-set engine and is not ready
(``/readyz`` 503, the model check saying why), rather than serving nothing.
No promoted model: the hand-set engine, and ``model_version`` is None.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matcher.catalog import Catalog, default_catalog, load_catalog
from matcher.engine import EngineConfig, RecommendationList, Recommender
from matcher.errors import MatcherError
from matcher.jobs import MODEL_STAMP
from matcher.learning.registry import LoadedModel, ModelRegistry
from matcher.learning.serving import ModelRecommender
from matcher.query import FilteredRecommender
from matcher.records import SeekerProfile
from matcher.store import CATALOG_STAMP, CatalogStore

log = logging.getLogger("matcher.api.runtime")
RETRY_FAILED_SECONDS = 30.0


@dataclass(frozen=True)
class Versions:
    catalog: int
    model: int = 0


@dataclass(frozen=True)
class Snapshot:
    versions: Versions
    catalog: Catalog
    recommender: FilteredRecommender
    model: LoadedModel | None = None
    model_error: str | None = None  # the promoted model could not be loaded (hand-set engine serving)
    loaded_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def catalog_version(self) -> int:
        return self.versions.catalog

    @property
    def model_version(self) -> str | None:
        return self.model.version if self.model is not None else None

    def catalog_info(self) -> dict[str, object]:
        return {"version": self.versions.catalog, "source": self.catalog.source, "programs": len(self.catalog)}


class _Loaded(ModelRegistry):
    """A registry that hands back one model :meth:`ModelRegistry.load` already verified and read, so each
    filtered slice binds it (through ModelRecommender's own constructor) without reading its files again."""

    def __init__(self, loaded: LoadedModel) -> None:
        super().__init__(None)
        self.loaded = loaded

    def load(self, version: str | None = None) -> LoadedModel:
        return self.loaded


class ModelEngine:
    """What :class:`~matcher.query.FilteredRecommender` needs of an engine (``fit``, ``recommend``), ranking
    with a learned model through :class:`~matcher.learning.serving.ModelRecommender`'s public calls. Other
    attributes (the taxonomy the kiosk reads...) are the underlying fitted engine's."""

    def __init__(self, loaded: LoadedModel, config: EngineConfig | None = None, *,
                 target_for_profile: Any = None) -> None:
        self.loaded = loaded
        self.config = config
        self.target_for_profile = target_for_profile
        self._fitted: ModelRecommender | None = None

    def fit(self, catalog: Catalog) -> ModelEngine:
        fitted = ModelEngine(self.loaded, self.config, target_for_profile=self.target_for_profile)
        fitted._fitted = ModelRecommender(catalog, registry=_Loaded(self.loaded), config=self.config,
                                          target_for_profile=self.target_for_profile)
        return fitted

    def recommend(self, profile: SeekerProfile, *, top: int | None = 10) -> RecommendationList:
        assert self._fitted is not None, "fit() first"
        return self._fitted.recommend(profile, top=top)

    def __getattr__(self, name: str) -> object:
        fitted = self.__dict__.get("_fitted")
        if fitted is None:
            raise AttributeError(name)
        return getattr(fitted.engine, name)


class Runtime:
    """The current :class:`Snapshot` of one worker, and the loading of the next."""

    def __init__(self, store: CatalogStore, *, fallback_catalog: str | None = None,
                 check_seconds: float = 2.0, on_swap: Callable[[Snapshot], None] | None = None,
                 make_engine: Callable[[], Recommender] = Recommender, registry: ModelRegistry | None = None,
                 engine_config: EngineConfig | None = None, target_for_profile: Any = None) -> None:
        self.store = store
        self.target_for_profile = target_for_profile  # a board's self-sufficiency table, for the model's engine too
        self.make_engine = make_engine
        self.registry = registry
        self.engine_config = engine_config
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
        return Versions(catalog=self.store.stamp(CATALOG_STAMP),
                        model=self.store.stamp(MODEL_STAMP) if self.registry is not None else 0)

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
                snapshot = self._snapshot(versions, catalog, has_previous=current is not None)
            except MatcherError as exc:
                self.last_error = exc.message
                self.failed_versions = versions
                self._failed_at = time.monotonic()
                if self._current is None:
                    raise
                log.warning("reload failed; still serving the previous catalog and model",
                            extra={"event": "catalog_reload_failed", "error": exc.code})
                return self._current
            self._current = snapshot
            self._checked_at = time.monotonic()
            self.last_error = None
            self.failed_versions = None
        log.info("catalog loaded", extra={"event": "catalog_loaded", "catalog_version": versions.catalog,
                                          "programs": len(catalog), "model_version": snapshot.model_version})
        if self.on_swap is not None:
            self.on_swap(snapshot)
        return snapshot

    def _snapshot(self, versions: Versions, catalog: Catalog, *, has_previous: bool) -> Snapshot:
        """Load the promoted model (if any) and fit the engines for ``catalog``: everything before the swap."""
        promoted = None
        if self.registry is not None:
            try:
                promoted = self.registry.promoted()
                loaded = self.registry.load(promoted) if promoted is not None else None
                if loaded is not None:
                    model = ModelEngine(loaded, self.engine_config, target_for_profile=self.target_for_profile)
                    recommender = FilteredRecommender(catalog, lambda: model)  # type: ignore[arg-type,return-value]
                    return Snapshot(versions, catalog, recommender, model=loaded)
            except (MatcherError, ValueError) as exc:
                message = getattr(exc, "message", None) or str(exc)
                why = f"the promoted model {promoted} cannot be served: {message}" if promoted else \
                    f"the model registry cannot be read: {message}"
                if has_previous:
                    raise MatcherError(why, field="model") from None
                log.warning("promoted model not loaded; the hand-set engine serves until it is",
                            extra={"event": "model_load_failed", "error": getattr(exc, "code", "value_error")})
                return Snapshot(versions, catalog, FilteredRecommender(catalog, self.make_engine), model_error=why)
        return Snapshot(versions, catalog, FilteredRecommender(catalog, self.make_engine))

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
            failed = self.failed_versions
            if self.last_error and (failed is None or failed.catalog != snapshot.catalog_version):
                info["warning"] = self.last_error  # (a model that failed to load is the model check's warning)
            if versions is not None and versions.catalog != snapshot.catalog_version:
                info["newer_version"] = versions.catalog
            checks["catalog"] = info
        checks["model"] = self._model_check(snapshot)
        return {"ready": all(bool(c["ok"]) for c in checks.values()), "checks": checks}

    def _model_check(self, snapshot: Snapshot | None) -> dict[str, object]:
        if snapshot is None:
            return {"ok": False, "version": None, "reason": "nothing loaded yet"}
        if snapshot.model_error:
            return {"ok": False, "version": None, "reason": snapshot.model_error + "; the hand-set engine is "
                    "serving meanwhile"}
        check: dict[str, object] = {"ok": True, "version": snapshot.model_version}
        if snapshot.model is None:
            check["note"] = "no model is promoted: ranking uses the engine's hand-set weights"
        if self.last_error and self.failed_versions is not None and \
                self.failed_versions.model != snapshot.versions.model:
            check["warning"] = f"{self.last_error}; still serving {snapshot.model_version or 'the hand-set engine'}"
        return check
