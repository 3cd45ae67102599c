"""Case 6: the month-end statement batch (every statement of a month for
an org unit, issued and archived, zipped) on RQ workers over Redis: the
same batch with 2 workers vs 1 worker; goal ≥ 1.7× speed-up (2 cores).

The batch is started the way the statements page starts it
(``start_statement_batch`` + commit + ``core.jobs.dispatch``) on a queue of
this run's own, and timed from dispatch until the job table says it is
finished.  Workers are started (and have loaded their fonts) before the
clock starts, and are stopped by their PID afterwards.  One small batch
warms both set-ups first and is not counted.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from ..context import Context, Skip
from ..generate import open_app
from ..results import Check, Measured, Row
from ..servers import ROOT
from ..stats import Summary, interleave

TITLE = "Month-end batch"
GOAL = 1.7
PERIOD = (2026, 10)
REDIS_URL = os.environ.get("QUDAO_BENCH_REDIS", "redis://127.0.0.1:6379/0")
WARM_STATEMENTS = 10


def _redis_ok() -> bool:
    try:
        from redis import Redis

        return bool(Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping())
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


class Workers:
    """``qudao worker`` processes on one queue, each stopped by its PID.

    The first worker stays up for the whole case; a second one is started
    for each 2-worker round and stopped after it, so a round costs one
    worker start, not two or three."""

    def __init__(self, ds, queue: str, log_dir: Path):
        self.env = dict(os.environ, PYTHONPATH=str(ROOT), QUDAO_DATABASE_URL=ds.target.url,
                        QUDAO_DATA_DIR=str(ds.data_dir), QUDAO_SECRET_KEY="qudao-bench",
                        QUDAO_REDIS_URL=REDIS_URL)
        self.queue, self.log_dir = queue, log_dir
        self.procs: list[subprocess.Popen] = []
        self.started = 0

    def scale(self, n: int) -> None:
        while len(self.procs) > n:
            self._stop(self.procs.pop())
        fresh = []
        while len(self.procs) < n:
            fresh.append(self._start())
        deadline = time.monotonic() + 120
        while not all("listening" in path.read_text() for _p, path in fresh):
            if any(p.poll() is not None for p, _path in fresh) or time.monotonic() > deadline:
                raise RuntimeError(f"an RQ worker did not start; see {fresh[0][1]}")
            time.sleep(0.1)

    def _start(self):
        self.started += 1
        path = self.log_dir / f"worker-{self.queue}-{self.started}.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
        with open(path, "ab") as fh:
            proc = subprocess.Popen(
                [sys.executable, "-m", "bench.worker",
                 "--queue", self.queue, "--name", f"{self.queue}-{self.started}"],
                cwd=ROOT, env=self.env, stdout=fh, stderr=fh, stdin=subprocess.DEVNULL,
                start_new_session=True)
        self.procs.append(proc)
        return proc, path

    @staticmethod
    def _stop(proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # RQ's warm shutdown: it is idle here
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the group led by our own PID
            proc.wait(timeout=10)

    def close(self) -> None:
        while self.procs:
            self._stop(self.procs.pop())


def run(ctx: Context) -> list[Row]:
    if not _redis_ok():
        raise Skip(f"Redis not reachable at {REDIS_URL}")
    from ..ledger_gen import insert_statement_month

    m = ctx.mode
    rows = []
    for db in ctx.dbs:
        ds = ctx.dataset(db, "monthend", m.batch_statements)
        plan_app = open_app(ds.target, ds.data_dir)
        insert_statement_month(plan_app, ds, {cid: m.batch_lines
                                              for cid in range(1, m.batch_statements + 1)},
                               *PERIOD, random.Random(6))
        plan_app.extensions["qudao"].db.dispose()
        queue = f"qudao_bench_{os.getpid()}_{db}"
        app = open_app(ds.target, ds.data_dir)
        app.config["REDIS_URL"] = REDIS_URL
        app.config["JOB_QUEUE"] = queue
        from core.jobs.runner import make_runner

        ext = app.extensions["qudao"]
        ext.jobs = make_runner(app)
        pool = Workers(ds, queue, ctx.logs)
        try:
            all_ids = _targets(ext, ds)
            warm = all_ids[:WARM_STATEMENTS]

            def batch(n_workers: int, ids: list[int]):
                def go() -> float:
                    pool.scale(n_workers)
                    return _run_batch(ext, ds, ids, pool)
                return go

            if m.name != "smoke":  # the smoke run only proves the path works
                for n in (2, 1):
                    batch(n, warm)()
            # 2 workers first: one start brings both up, and the 1-worker
            # round after it only stops one (the rounds alternate after that).
            samples = interleave({"2": batch(2, all_ids), "1": batch(1, all_ids)},
                                 m.batch_repeats, warmup=0)
        finally:
            pool.close()
            ext.jobs.shutdown()
            ext.db.dispose()
        one, two = Summary.of(samples["1"]), Summary.of(samples["2"])
        rows.append(Row(
            case="6. Month-end statement batch (RQ)", db=db,
            size=f"{len(all_ids):,} statements × {m.batch_lines} lines",
            subject=Measured("2 workers", two, "s"), peer=Measured("1 worker", one, "s"),
            checks=[Check("speed-up", one.median / two.median, ">=", GOAL)],
            note=f"{len(all_ids):,} statements: {len(all_ids) / one.median:.1f} statements/s "
                 f"on 1 worker, {len(all_ids) / two.median:.1f} on 2.",
        ))
    return rows


def _targets(ext, ds) -> list[int]:
    from core.models import User
    from plugins.finance.batch import batch_targets

    with ext.db.session() as s:
        s.info["enabled"] = ext.host.enabled(s)
        user = s.get(User, ds.people.finance_id)
        return batch_targets(s, f"{PERIOD[0]}-{PERIOD[1]:02d}", user.org_unit_id, user)


def _run_batch(ext, ds, customer_ids: list[int], pool: Workers) -> float:
    """Queue the batch for the finance user's org unit limited to
    ``customer_ids`` (the page queues all of them), time it to the end."""
    from core import jobs
    from core.jobs.models import DONE, FAILED, Job
    from core.models import User
    from plugins.finance.batch import STATEMENT_BATCH

    period = f"{PERIOD[0]}-{PERIOD[1]:02d}"
    with ext.db.session() as s:
        s.info["enabled"] = ext.host.enabled(s)
        user = s.get(User, ds.people.finance_id)
        from plugins.finance.batch import start_statement_batch

        job = start_statement_batch(s, period, user.org_unit_id, user)
        job.params = {**job.params, "customer_ids": customer_ids}
        s.flush()
        job_id = job.id
    t0 = time.perf_counter()
    jobs.dispatch(ext, job_id)
    deadline = time.monotonic() + 3600
    while True:
        with ext.db.session() as s:
            job = s.get(Job, job_id)
            status, message, error = job.status, job.message, job.error
        if status in (DONE, FAILED):
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"batch job {job_id} did not finish in an hour")
        if any(p.poll() is not None for p in pool.procs):
            raise RuntimeError(f"an RQ worker died while batch job {job_id} ran; see the "
                               f"worker logs under {pool.log_dir}")
        time.sleep(0.2)
    elapsed = time.perf_counter() - t0
    if status != DONE or error:
        raise RuntimeError(f"batch job {job_id} {status}: {message} {error or ''}"[:500])
    assert job.kind == STATEMENT_BATCH
    return elapsed
