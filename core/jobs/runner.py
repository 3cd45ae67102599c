"""Running jobs: an in-process thread pool by default, RQ on Redis when
``QUDAO_REDIS_URL`` is set.  Both call ``execute(app, job_id)``; the job row
is the single source of truth for status and progress either way.

A handler is ``fn(ctx, **params)`` (``register_job_handlers``).  It opens its
own transactions with ``ctx.session()``, reports ``ctx.progress(pct, msg)``
between them, writes files with ``ctx.path(name)`` and names the download
with ``ctx.set_result(name)`` — set early, so a failure keeps the partial
result.  ``ctx.report(line)`` records an item that failed without failing
the job.  Return value: ignored, or the result file name.
"""
from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from flask import Flask
from flask_babel import force_locale
from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from ..i18n import _
from ..models import User
from ..services import ServiceError
from . import service
from .models import DONE, FAILED, Job

log = logging.getLogger(__name__)
RUN_JOB = "core.jobs.worker.run_job"  # imported by name in the RQ worker


class JobContext:
    """What a handler gets: sessions, progress, its folder, its owner."""

    def __init__(self, app: Flask, job: Job, locale: str):
        self.app = app
        self.ext = app.extensions["qudao"]
        self.job_id = job.id
        self.owner_id = job.owner_id
        self.locale = locale
        self.dir = service.job_dir(self.ext.config, job.id)
        self.result: str | None = None
        self.problems: list[str] = []
        self._last = (-1, None, 0.0)
        self._message: str | None = None  # the latest message asked for

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction, committed on success, attributed to the owner."""
        with self.ext.db.session() as s:
            s.info["audit_user_id"] = self.owner_id
            yield s

    def owner(self, session: Session) -> User:
        return session.get(User, self.owner_id)

    def path(self, name: str) -> Path:
        self.dir.mkdir(parents=True, exist_ok=True)
        return self.dir / name

    def set_result(self, name: str) -> None:
        self.result = name
        with self.ext.db.session() as s:
            s.execute(update(Job).where(Job.id == self.job_id).values(result=name))

    def report(self, line: str) -> None:
        self.problems.append(str(line))

    def unwritten_message(self) -> str | None:
        """The latest progress message if thinning left it unwritten."""
        last = self._last[1]
        if self._message is None or (last is not None and self._message == str(last)):
            return None
        return self._message

    def progress(self, pct: int, message: str | None = None) -> None:
        """Record progress.  Advisory: skipped when the database is busy, so
        call it between your transactions, not inside one.  Calls that come
        fast are thinned out; the latest message is written when the job
        ends, so a finished job never shows one from before its end."""
        pct = int(pct)
        if message is not None:
            self._message = str(message)
        last_pct, last_msg, last_at = self._last
        now = time.monotonic()
        if pct == last_pct and message == last_msg:
            return
        if pct < 100 and pct - last_pct < 5 and now - last_at < 0.5:
            return
        self._last = (pct, message, now)
        db = self.ext.db
        try:
            with db.engine.connect() as conn:
                raw = conn.connection.dbapi_connection if db.is_sqlite else None
                if raw is not None:  # wait briefly for the write lock, not 30 s
                    raw.execute("PRAGMA busy_timeout=2000")
                try:
                    conn.execute(service.progress_stmt(self.job_id, pct, message))
                    conn.commit()
                finally:
                    if raw is not None:
                        raw.execute("PRAGMA busy_timeout=30000")
        except OperationalError:
            log.info("job %s: progress %s%% not recorded (database busy)", self.job_id, pct)


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, ServiceError):
        return str(exc)
    return _("Unexpected error: %(kind)s: %(detail)s", kind=type(exc).__name__,
             detail=str(exc)[:500])


def execute(app: Flask, job_id: int) -> None:
    """Run one job to the end and record how it ended.  Safe to call twice
    for the same job: only the caller that claims it runs it."""
    ext = app.extensions["qudao"]
    with app.app_context():
        with ext.db.session() as s:
            if not service.claim(s, job_id):
                return
        with ext.db.session() as s:
            job = s.get(Job, job_id)
            s.expunge(job)
            owner = s.get(User, job.owner_id)
            locale = (owner.locale if owner else None) or "zh_CN"
            enabled = ext.host.enabled(s)
        with force_locale(locale):
            ctx = JobContext(app, job, locale)
            handler = ext.job_handlers.get(job.kind)
            status, message, error = DONE, None, None
            try:
                if handler is None or ext.host.plugin_of(job.kind) not in enabled:
                    raise ServiceError(_("This kind of job is not available: %(kind)s",
                                         kind=job.kind))
                returned = handler(ctx, **(job.params or {}))
                if isinstance(returned, str):
                    ctx.result = returned
                if ctx.problems:
                    error = "\n".join(ctx.problems)
                message = ctx.unwritten_message()
            except Exception as exc:  # noqa: BLE001 - every failure is recorded on the job
                log.exception("job %s (%s) failed", job_id, job.kind)
                status = FAILED
                error = "\n".join([_error_text(exc)] + ctx.problems)
                message = _("Failed")
            with ext.db.session() as s:
                service.finish(s, job_id, status, message=message, error=error,
                               result=ctx.result)


class ThreadRunner:
    """The default: a small pool of threads in the web process.  Its queue
    lives in memory, so each job names this process (``Job.runner``) and is
    failed by ``service.reap`` once the process has ended."""

    in_process = True

    def __init__(self, app: Flask, workers: int = 2):
        self.app = app
        self.workers = max(1, int(workers))
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def enqueue(self, job_id: int) -> None:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="qudao-job")
            self._pool.submit(execute, self.app, job_id)

    def capacity(self) -> int:
        return self.workers

    def shutdown(self, wait: bool = True) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=True)


class RQRunner:
    """Jobs go to an RQ queue on Redis; ``qudao worker`` processes run them."""

    in_process = False

    def __init__(self, app: Flask, url: str, queue: str = "qudao", timeout: int = 3600):
        self.app = app
        self.url = url
        self.queue_name = queue
        self.timeout = timeout
        self._redis = None

    def connection(self):
        if self._redis is None:
            from redis import Redis

            self._redis = Redis.from_url(self.url, socket_connect_timeout=5)
        return self._redis

    def queue(self):
        from rq import Queue

        return Queue(self.queue_name, connection=self.connection())

    def enqueue(self, job_id: int) -> None:
        self.queue().enqueue(RUN_JOB, int(job_id), job_timeout=self.timeout,
                             result_ttl=0, failure_ttl=7 * 24 * 3600,
                             description=f"qudao job {job_id}")

    def capacity(self) -> int:
        """RQ workers registered on the queue (busy ones included)."""
        from rq import Worker

        return Worker.count(connection=self.connection(), queue=self.queue())

    def shutdown(self, wait: bool = True) -> None:
        if self._redis is not None:
            self._redis.close()
            self._redis = None


def make_runner(app: Flask):
    cfg = app.config
    if cfg.get("REDIS_URL"):
        return RQRunner(app, cfg["REDIS_URL"], cfg.get("JOB_QUEUE", "qudao"),
                        int(cfg.get("JOB_TIMEOUT", 3600)))
    return ThreadRunner(app, cfg.get("JOB_WORKERS", 2))
