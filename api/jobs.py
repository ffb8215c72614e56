"""Starting a background job from a request: the job's row is made by the view, its work runs in its own
process (``python -m matcher.jobs``) so a training run never holds a worker's threads or memory, and a
thread of the worker waits for it so an exit without an end is recorded (the job's own heartbeat covers
a worker that dies meanwhile: :mod:`matcher.jobs`)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading

from sqlalchemy.exc import SQLAlchemyError

from matcher.errors import MatcherError
from matcher.jobs import EXIT_FAILED_RECORDED, Job, JobStore

from .config import Settings

log = logging.getLogger("matcher.api.jobs")
_threads: list[threading.Thread] = []


def launch(job: Job, jobs: JobStore, settings: Settings) -> None:
    command = [sys.executable, "-m", "matcher.jobs", job.id]
    if settings.db_schema:
        command += ["--schema", settings.db_schema]
    env = dict(os.environ)
    if settings.resolved_database_url:
        env["DATABASE_URL"] = settings.resolved_database_url  # in the environment: never in a process list

    def wait() -> None:
        try:
            code = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, check=False).returncode
        except OSError as exc:
            code = -1
            log.error("job process did not start", extra={"event": "job_start_failed", "job": job.id,
                                                          "exception": type(exc).__name__})
        log.info("job process ended", extra={"event": "job_ended", "job": job.id, "exit_code": code})
        if code not in (0, EXIT_FAILED_RECORDED):
            try:
                jobs.finish(job.id, error=f"the job's process ended with exit code {code} without finishing")
            except (MatcherError, SQLAlchemyError):  # the database is away: the stale heartbeat fails it later
                log.warning("job end not recorded", extra={"event": "job_end_not_recorded", "job": job.id})

    thread = threading.Thread(target=wait, name=f"matcher-job-{job.id}", daemon=True)
    _threads[:] = [t for t in _threads if t.is_alive()]
    _threads.append(thread)
    thread.start()


def wait_all(timeout: float = 120.0) -> None:
    """Wait for the jobs this process started (tests, before their database is removed)."""
    for thread in list(_threads):
        thread.join(timeout)
