"""RQ side: the worker class ``qudao worker`` runs and the function RQ calls.

The worker holds the app built by ``create_app()``; each job runs in a
forked work horse inside an app context, so a long document run cannot
leak memory into the next one (the horse exits after every job).
"""
from __future__ import annotations

import logging

from flask import current_app
from rq import Worker

from ..i18n import _
from .runner import RUN_JOB, execute
from .service import fail_unfinished

log = logging.getLogger(__name__)


class QudaoWorker(Worker):
    """An RQ worker bound to one Qudao app (set ``worker.app`` before ``work()``)."""

    app = None

    def main_work_horse(self, job, queue):
        # In the forked child: never touch the parent's pooled connections.
        ext = self.app.extensions["qudao"]
        ext.db.engine.dispose(close=False)
        # A long PDF is laid out part by part in the horse itself: the other
        # RQ workers already use the other CPUs, and render processes started
        # here would be started again for every job (core/documents/pool.py).
        ext.pdf.processes = 0
        super().main_work_horse(job, queue)

    def perform_job(self, job, queue, execution):
        with self.app.app_context():
            return super().perform_job(job, queue, execution)

    def handle_job_failure(self, job, queue, started_job_registry=None, exc_string="",
                           execution=None):
        """RQ gave up on a job (work horse killed, timeout): the job row must
        not stay "running" forever."""
        super().handle_job_failure(job, queue, started_job_registry=started_job_registry,
                                   exc_string=exc_string, execution=execution)
        if job.func_name != RUN_JOB or not job.args:
            return
        last = (exc_string or "").strip().splitlines()[-1:] or ["-"]
        try:
            with self.app.app_context():
                message = _("The worker stopped this job: %(reason)s", reason=last[0][:300])
            with self.app.extensions["qudao"].db.session() as s:
                fail_unfinished(s, int(job.args[0]), message)
        except Exception:  # noqa: BLE001 - never take the worker down with it
            log.exception("could not mark job %s failed", job.args[0])


def run_job(job_id: int) -> None:
    """Entry point RQ imports by name (``core.jobs.worker.run_job``)."""
    execute(current_app._get_current_object(), int(job_id))


def make_worker(app, queue_name: str | None = None, name: str | None = None) -> QudaoWorker:
    from redis import Redis
    from rq import Queue

    url = app.config.get("REDIS_URL")
    if not url:
        raise RuntimeError("QUDAO_REDIS_URL is not set: jobs run in the web process")
    conn = Redis.from_url(url)
    name_of_queue = queue_name or app.config.get("JOB_QUEUE", "qudao")
    # A job that queues jobs (the finance statement batch splits itself)
    # queues them where this worker and its peers are listening.
    app.config["JOB_QUEUE"] = name_of_queue
    runner = app.extensions["qudao"].jobs
    if getattr(runner, "queue_name", None) is not None:
        runner.queue_name = name_of_queue
    queue = Queue(name_of_queue, connection=conn)
    worker = QudaoWorker([queue], connection=conn, name=name)
    worker.app = app
    return worker
