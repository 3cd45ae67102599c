"""``qudao worker``: an RQ worker for jobs queued on Redis."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the queued jobs, then exit.")
@click.option("--queue", "queue_name", default=None, help="Queue name (default: JOB_QUEUE).")
@click.option("--name", default=None, help="Worker name shown by rq info.")
@with_appcontext
def worker_cmd(burst: bool, queue_name: str | None, name: str | None):
    """Run background jobs from Redis (needs QUDAO_REDIS_URL)."""
    from .worker import make_worker

    app = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        click.echo("refused: QUDAO_REDIS_URL is not set; without it jobs run inside the web "
                   "process and no worker is needed", err=True)
        sys.exit(1)
    worker = make_worker(app, queue_name, name)
    # Load the CJK font once here; every forked work horse inherits it.
    app.extensions["qudao"].pdf.warm()
    click.echo(f"worker {worker.name} listening on queue "
               f"{', '.join(q.name for q in worker.queues)}")
    worker.work(burst=burst, with_scheduler=False)
