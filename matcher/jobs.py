"""Background jobs (a model training run) whose state lives in the database, so any server worker, on any
machine, can answer "how is job X doing?".

A job row (``jobs``) is made ``queued`` by whoever asks; the work runs in its own process,
``python -m matcher.jobs JOB_ID [--schema S]`` (the database from ``DATABASE_URL`` / ``MATCHER_DB``, as
every command finds it: a URL with a password never appears in a process list), which marks it
``running``, writes a heartbeat every :data:`HEARTBEAT_SECONDS`, and ends it ``succeeded`` (with a
JSON result) or ``failed`` (with a message). A job whose process died without ending it is shown as
``failed`` once its heartbeat is older than :data:`STALE_SECONDS`, so a killed worker never leaves a job
"running" forever.

Kinds: ``train`` (:func:`run_train`): train on the outcome history in the database, register the new
version, promote it if the gate allows; a promotion bumps :data:`MODEL_STAMP` and writes a
``model.promote`` audit entry naming who asked for the job, in one transaction, so every server worker
loads the new model.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import secrets
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from .audit import Actor, add_entry
from .errors import MatcherError, NotFoundError, ValidationError
from .store import Base, CatalogStore, bump_stamp

#: The version stamp every model promotion or rollback bumps (server workers watch it).
MODEL_STAMP = "model"
HEARTBEAT_SECONDS = 10.0
#: Exit code of ``python -m matcher.jobs`` when the job failed and its failure is recorded (any other
#: non-zero code means the process died before it could record anything).
EXIT_FAILED_RECORDED = 3
STALE_SECONDS = 120.0
KINDS = ("train",)
ACTIVE = ("queued", "running")


class JobRow(Base):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), index=True)
    params: Mapped[str] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))
    actor_name: Mapped[str] = mapped_column(String(100))
    pid: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Job:
    id: str
    kind: str
    status: str
    params: dict[str, Any]
    result: dict[str, Any] | None
    error: str | None
    actor: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None

    def to_dict(self) -> dict[str, Any]:
        def iso(value: dt.datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {"id": self.id, "kind": self.kind, "status": self.status, "params": self.params,
                "result": self.result, "error": self.error, "requested_by": self.actor,
                "created_at": self.created_at.isoformat(), "started_at": iso(self.started_at),
                "finished_at": iso(self.finished_at)}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


class JobStore:
    """Jobs in the matcher's database (the store's engine and schema)."""

    def __init__(self, store: CatalogStore) -> None:
        self.store = store

    def create(self, kind: str, params: dict[str, Any], actor: Actor, *, one_at_a_time: bool = True) -> Job:
        """A new ``queued`` job; with ``one_at_a_time``, refused (JobConflictError) while another of its kind
        is queued or running."""
        if kind not in KINDS:
            raise ValidationError(f"unknown job kind {kind!r}", field="kind")
        with self.store.session() as session, session.begin():
            if one_at_a_time:
                for row in session.scalars(select(JobRow).where(JobRow.kind == kind, JobRow.status.in_(ACTIVE))):
                    if not _stale(row):
                        raise JobConflictError(f"a {kind} job is already {row.status}: {row.id}", field="job")
                    _mark_stale(row)
            row = JobRow(id=secrets.token_hex(8), kind=kind, status="queued", params=json.dumps(params, sort_keys=True),
                         actor=actor.id[:100], actor_name=actor.name[:100], created_at=_now())
            session.add(row)
            session.flush()
            return _job(row)

    def get(self, job_id: str) -> Job:
        with self.store.session() as session, session.begin():
            row = session.get(JobRow, str(job_id)[:32])
            if row is None:
                raise NotFoundError(f"no job {str(job_id)[:32]!r}", field="job_id")
            if row.status in ACTIVE and _stale(row):
                _mark_stale(row)
            return _job(row)

    def start(self, job_id: str) -> Job:
        with self.store.session() as session, session.begin():
            row = session.get(JobRow, job_id)
            if row is None:
                raise NotFoundError(f"no job {job_id!r}", field="job_id")
            if row.status != "queued":
                raise JobConflictError(f"job {job_id} is {row.status}, not queued", field="job_id")
            row.status, row.pid, row.started_at, row.heartbeat_at = "running", os.getpid(), _now(), _now()
            return _job(row)

    def heartbeat(self, job_id: str) -> None:
        with self.store.session() as session, session.begin():
            row = session.get(JobRow, job_id)
            if row is not None and row.status == "running":
                row.heartbeat_at = _now()

    def finish(self, job_id: str, *, result: dict[str, Any] | None = None, error: str | None = None,
               in_transaction: Callable[[Any], None] | None = None) -> Job:
        """End a job: ``succeeded`` with ``result``, or ``failed`` with ``error``; ``in_transaction`` runs
        before the commit (a promotion's stamp and audit entry)."""
        with self.store.session() as session, session.begin():
            row = session.get(JobRow, job_id)
            if row is None:
                raise NotFoundError(f"no job {job_id!r}", field="job_id")
            if row.status not in ACTIVE:
                return _job(row)
            row.status = "failed" if error is not None else "succeeded"
            row.error = error[:2000] if error is not None else None
            row.result = json.dumps(result, sort_keys=True, default=str) if result is not None else None
            row.finished_at = _now()
            if in_transaction is not None:
                in_transaction(session)
            return _job(row)


class JobConflictError(MatcherError):
    """Another job of the same kind is queued or running."""

    code = "conflict"


def _stale(row: JobRow) -> bool:
    seen = _utc(row.heartbeat_at) or _utc(row.created_at)
    return seen is not None and (_now() - seen).total_seconds() > STALE_SECONDS


def _mark_stale(row: JobRow) -> None:
    row.status = "failed"
    row.error = "the job's process stopped without finishing it (no heartbeat)"
    row.finished_at = _now()


def _job(row: JobRow) -> Job:
    created = _utc(row.created_at)
    assert created is not None
    return Job(id=row.id, kind=row.kind, status=row.status, params=json.loads(row.params),
               result=json.loads(row.result) if row.result else None, error=row.error, actor=row.actor,
               created_at=created, started_at=_utc(row.started_at), finished_at=_utc(row.finished_at))


# --------------------------------------------------------------------------- running a job (its own process)


def run_train(store: CatalogStore, job: Job, actor: Actor) -> tuple[dict[str, Any], Callable[[Any], None] | None]:
    """Train on the store's history; the result, and what to commit with the job's end (a promotion)."""
    from pathlib import Path

    from .catalog import Catalog, default_catalog, load_catalog
    from .learning.history_store import HistoryStore
    from .learning.registry import ModelRegistry
    from .learning.training import run_training
    from .settings import load_settings

    params = job.params
    if store.count() > 0:
        catalog = store.catalog()
    elif params.get("catalog_path"):
        loaded = load_catalog(Path(params["catalog_path"]))
        catalog = Catalog(loaded.programs, source=f"file {Path(params['catalog_path']).name}")
    else:
        catalog = default_catalog()
    config = load_settings(params["board_settings"]) if params.get("board_settings") else None
    history_store = HistoryStore(store.url, schema=store.schema)
    try:
        history = history_store.history()
    finally:
        history_store.close()
    registry = ModelRegistry(params.get("models_dir"))
    out = run_training(history, catalog, registry, promote=bool(params.get("promote", True)),
                       force=bool(params.get("force", False)), seed=int(params.get("seed", 0)), config=config,
                       participant_split_check=bool(params.get("participant_split", False)))
    result = {k: v for k, v in out.items() if k != "report"}
    result["data"] = {"source": "the service's database", **history.counts()}
    if not out["promoted"]:
        return result, None
    version = out["version"]

    def promoted(session: Any) -> None:
        bump_stamp(session, MODEL_STAMP)
        add_entry(session, actor, "model.promote", subject=version,
                  detail={"job": job.id, "decision": out["decision"]})

    return result, promoted


RUNNERS = {"train": run_train}


def announce_model_change(url: str | None, action: str, version: str, actor: Actor,
                          detail: dict[str, Any] | None = None) -> bool:
    """After a promotion or rollback made outside the service (the CLI): bump :data:`MODEL_STAMP` and add
    the audit entry in the database the service uses, so its workers load the model now promoted. False
    when that database does not exist yet (a SQLite file never made: no service reads it)."""
    store = CatalogStore(url)
    try:
        if not store.exists():
            return False
        with store.session() as session, session.begin():
            bump_stamp(session, MODEL_STAMP)
            add_entry(session, actor, action, subject=version, detail={k: v for k, v in (detail or {}).items() if v})
        return True
    finally:
        store.close()


def run(job_id: str, url: str | None = None, schema: str | None = None) -> int:
    """Run one queued job to its end (the ``python -m matcher.jobs`` entry point); 0 when it succeeded,
    :data:`EXIT_FAILED_RECORDED` when it failed and says why."""
    store = CatalogStore(url, schema=schema)
    jobs = JobStore(store)
    job = jobs.start(job_id)
    actor = Actor(id=job.actor, name=job.actor)
    with store.session() as session:
        row = session.get(JobRow, job_id)
        if row is not None:
            actor = Actor(id=row.actor, name=row.actor_name)
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            with contextlib.suppress(MatcherError):  # the database is away for a moment: beat again later
                jobs.heartbeat(job_id)

    beater = threading.Thread(target=beat, name="job-heartbeat", daemon=True)
    beater.start()
    try:
        result, then = RUNNERS[job.kind](store, job, actor)
    except (MatcherError, ValueError) as exc:
        jobs.finish(job_id, error=getattr(exc, "message", None) or str(exc))
        return EXIT_FAILED_RECORDED
    except OSError as exc:  # e.g. a model registry the service may not write
        jobs.finish(job_id, error=f"the job could not write or read a file ({type(exc).__name__}: "
                                  f"{exc.strerror or 'no detail'}); check MATCHER_MODEL_DIR")
        return EXIT_FAILED_RECORDED
    except Exception as exc:  # noqa: BLE001 - recorded as the job's failure; the message may quote data
        jobs.finish(job_id, error=f"the job failed unexpectedly ({type(exc).__name__}); run `matcher train --db` "
                                  "with the same database to see the error")
        raise
    finally:
        stop.set()
    jobs.finish(job_id, result=result, in_transaction=then)
    store.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m matcher.jobs", description="Run one queued matcher job.")
    parser.add_argument("job_id")
    parser.add_argument("--db", default=None, help="The database URL (default: DATABASE_URL, else MATCHER_DB).")
    parser.add_argument("--schema", default=None, help="PostgreSQL schema of the matcher's tables.")
    args = parser.parse_args(argv)
    return run(args.job_id, args.db, args.schema)


if __name__ == "__main__":
    sys.exit(main())
