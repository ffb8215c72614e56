"""The model registry, for evaluators: train (a background job), list, read a card and report, promote, roll back.

Everything goes through :class:`matcher.learning.registry.ModelRegistry` (which verifies every file's
checksum before it is read). A promotion or rollback changes the registry, then bumps the model's version
stamp and writes its audit entry in one transaction (``model.promote``, ``model.rollback``); the worker
that took it swaps to the new model before it answers, every other worker within
``MATCHER_RELOAD_CHECK_SECONDS`` (:mod:`api.runtime`). Training runs as a job whose state is in the
database (:mod:`matcher.jobs`), so ``GET /jobs/{id}`` can be answered by any worker.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import g
from flask_openapi3 import APIBlueprint, Tag

from matcher.audit import Actor, add_entry
from matcher.auth import Role
from matcher.errors import DataError, ModelCompatibilityError, ModelIntegrityError, NotFoundError, ValidationError
from matcher.jobs import MODEL_STAMP
from matcher.store import bump_stamp

from .. import jobs
from ..access import roles
from ..schemas import ErrorOut, JobOut, JobPath, ModelOut, ModelsOut, PromotedOut, ReasonIn, TrainIn, VersionPath
from ..services import services
from . import PREFIX

bp = APIBlueprint("models", __name__, url_prefix=PREFIX, abp_tags=[Tag(name="models")])


def _actor() -> Actor:
    return Actor(id=g.token.id, name=g.token.name)


@bp.post("/models/train", responses={202: JobOut, 409: ErrorOut})
@roles(Role.EVALUATOR, Role.ADMIN)
def train(body: TrainIn) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Train a model on the recorded referrals and outcomes, in the background: poll the job it returns.

    The new version is registered; it is promoted only if it ranks at least as well as the promoted one on
    the same held-out cohort (unless `force`). One training job runs at a time (409 while one does).
    """
    svc = services()
    params = {"promote": body.promote, "force": body.force, "seed": body.seed,
              "participant_split": body.participant_split, "models_dir": str(svc.registry.root),
              "catalog_path": svc.settings.catalog_path, "board_settings": svc.settings.board_settings}
    job = svc.jobs.create("train", params, _actor())
    svc.audit.record(_actor(), "model.train", subject=job.id, detail={"promote": body.promote, "force": body.force})
    jobs.launch(job, svc.jobs, svc.settings)
    return _job_out(job.to_dict()), 202, {"Location": f"{PREFIX}/jobs/{job.id}"}


@bp.get("/jobs/<job_id>", responses={200: JobOut})
@roles(Role.EVALUATOR, Role.ADMIN)
def job(path: JobPath) -> dict[str, Any]:
    """A background job's state (queued, running, succeeded, failed) and, when done, its result or error."""
    return _job_out(services().jobs.get(path.job_id).to_dict())


def _job_out(job: dict[str, Any]) -> dict[str, Any]:
    # The paths the job was given are the server's own business: not shown.
    job["params"] = {k: v for k, v in job["params"].items() if k not in ("models_dir", "catalog_path",
                                                                         "board_settings")}
    return job


@bp.get("/models", responses={200: ModelsOut})
@roles(Role.EVALUATOR, Role.ADMIN)
def list_models() -> dict[str, Any]:
    """Every registered version, oldest first, with its headline metrics; which is promoted and served."""
    svc = services()
    versions = svc.registry.versions()
    return {"promoted": svc.registry.promoted(), "serving": svc.runtime.snapshot().model_version,
            "models": [{"version": v["version"], "promoted": bool(v["promoted"]), "created": v.get("created"),
                        "metrics": dict(v.get("metrics", {})), "data_sha256": v.get("data_sha256")}
                       for v in versions]}


@bp.get("/models/<version>", responses={200: ModelOut})
@roles(Role.EVALUATOR, Role.ADMIN)
def model(path: VersionPath) -> dict[str, Any]:
    """A version's model card and its evaluation and fairness report (files verified first)."""
    registry = services().registry
    version = registry.resolve(path.version)
    return {"version": version, "promoted": version == registry.promoted(), "card": registry.card(version),
            "report": registry.report(version)}


@bp.post("/models/<version>/promote", responses={200: PromotedOut})
@roles(Role.EVALUATOR, Role.ADMIN)
def promote(path: VersionPath, body: ReasonIn) -> dict[str, Any]:
    """Serve this version from now on, in every worker (its files are verified and it is loaded first)."""
    svc = services()
    version = svc.registry.resolve(path.version)
    try:
        svc.registry.load(version)  # refuse a version that cannot be served before it replaces one that can
    except (ModelIntegrityError, ModelCompatibilityError) as exc:
        raise ValidationError(f"model {version} cannot be promoted: {exc.message}", field="version") from None
    with _writable(svc.registry.root):
        previous = svc.registry.promote(version, reason=body.reason or f"promoted through the API by {g.token.id}")
    _stamp("model.promote", version, {"previous": previous, "reason": body.reason})
    return {"promoted": version, "previous": previous, "serving": svc.runtime.reload().model_version}


@bp.post("/models/rollback", responses={200: PromotedOut})
@roles(Role.EVALUATOR, Role.ADMIN)
def rollback(body: ReasonIn) -> dict[str, Any]:
    """Serve the version promoted before the current one again, in every worker."""
    svc = services()
    previous = svc.registry.promoted()
    try:
        with _writable(svc.registry.root):
            version = svc.registry.rollback(reason=body.reason or f"rolled back through the API by {g.token.id}")
    except NotFoundError as exc:
        raise ValidationError(exc.message, field="version") from None
    _stamp("model.rollback", version, {"previous": previous, "reason": body.reason})
    return {"promoted": version, "previous": previous, "serving": svc.runtime.reload().model_version}


@contextlib.contextmanager
def _writable(root: Path) -> Iterator[None]:
    """A registry the service cannot write (e.g. the one shipped inside an installed package) is a 503 that
    says what to do, not a 500."""
    try:
        yield
    except OSError as exc:
        raise DataError(f"the model registry at {root} cannot be changed ({exc.strerror or type(exc).__name__}): "
                        "set MATCHER_MODEL_DIR to a folder the service may write", field="MATCHER_MODEL_DIR") from None


def _stamp(action: str, version: str, detail: dict[str, Any]) -> None:
    """Bump the model stamp (every worker reloads) with the audit entry, in one transaction."""
    actor = _actor()
    with services().store.session() as session, session.begin():
        bump_stamp(session, MODEL_STAMP)
        add_entry(session, actor, action, subject=version, detail={k: v for k, v in detail.items() if v})
