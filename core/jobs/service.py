"""Creating, finding and finishing jobs.  No Flask.

A job's files live in ``DATA_DIR/jobs/<id>/``; ``Job.result`` names the
file to offer for download.  With RQ workers on several machines the data
directory must be shared (as it must for the document archive).
"""
from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..db import utcnow
from ..i18n import _l
from ..models import User
from ..services import ServiceError
from .models import DONE, FAILED, QUEUED, RUNNING, Job

MAX_ERROR_CHARS = 20000
#: Why a job of the in-process runner ended without finishing.
ORPHANED = _l("The server process that ran this job stopped before the job finished "
              "(for example, the service was restarted). Files the job had already "
              "written are kept; start the job again for the rest.")
#: Stored by ``reap`` as a job's error and message: keys, not sentences, as
#: ``reap`` runs in whichever reader's request comes first; ``shown`` puts
#: them in each reader's language.
ORPHANED_KEY, FAILED_KEY = "core.jobs.orphaned", "core.jobs.failed"
_KEYED = {ORPHANED_KEY: ORPHANED, FAILED_KEY: _l("Failed")}


def job_dir(config: dict, job_id: int) -> Path:
    return Path(config["DATA_DIR"]) / "jobs" / str(int(job_id))


def create(session: Session, kind: str, owner: User, params: dict[str, Any] | None = None,
           label: str = "", parent_id: int | None = None) -> Job:
    """A queued job row (flushed).  The caller commits, then hands the id to
    ``dispatch`` — a worker must never see a job that is not committed yet.
    ``parent_id``: the job this one is a part of (listed inside it)."""
    ext = session.ext
    if kind not in ext.job_handlers:
        raise ServiceError(_l("Unknown job kind: %(kind)s", kind=kind))
    job = Job(kind=kind, owner_id=owner.id, params=dict(params or {}), label=label[:200],
              parent_id=parent_id,
              status=QUEUED, progress=0, message="",
              runner=process_token() if getattr(ext.jobs, "in_process", False) else None)
    session.add(job)
    session.flush()
    return job


def dispatch(ext, job_id: int) -> None:
    """Hand a committed job to the runner; if the queue is unreachable the
    job fails at once with a message instead of waiting forever."""
    try:
        ext.jobs.enqueue(job_id)
    except Exception as exc:  # noqa: BLE001 - any queue failure ends the job
        with ext.db.session() as s:
            finish(s, job_id, FAILED, error=str(_l("The job queue is unreachable: %(error)s",
                                                   error=type(exc).__name__)))


def capacity(ext) -> int | None:
    """How many jobs the runner can run at once (worker threads, or RQ
    workers listening on the queue, the one asking included); None when it
    cannot tell.  A job that splits itself queues no more helpers than can
    run beside it."""
    try:
        return ext.jobs.capacity()
    except Exception:  # noqa: BLE001 - unknown is an answer
        return None


def visible(session: Session, job_id: int, user: User) -> Job | None:
    """The job if ``user`` owns it or is an administrator, else None (→ 404)."""
    stmt = select(Job).where(Job.id == job_id)
    if not user.is_admin:
        stmt = stmt.where(Job.owner_id == user.id)
    return session.scalars(stmt).first()


def listing(session: Session, user: User, limit: int = 100) -> list[Job]:
    """The user's jobs (every job for an administrator), newest first; a
    job's parts are not rows of their own (see ``parts``)."""
    stmt = select(Job).where(Job.parent_id.is_(None)).order_by(Job.id.desc()).limit(limit)
    if not user.is_admin:
        stmt = stmt.where(Job.owner_id == user.id)
    return list(session.scalars(stmt))


def parts(session: Session, job_ids: list[int]) -> dict[int, list[Job]]:
    """The parts of each job of ``job_ids`` (one query), in the order they were made."""
    found: dict[int, list[Job]] = {}
    if not job_ids:
        return found
    for part in session.scalars(select(Job).where(Job.parent_id.in_(job_ids)).order_by(Job.id)):
        found.setdefault(part.parent_id, []).append(part)
    return found


def claim(session: Session, job_id: int) -> bool:
    """Mark a queued job running; False if another worker got it first."""
    res = session.execute(update(Job).where(Job.id == job_id, Job.status == QUEUED)
                          .values(status=RUNNING, started_at=utcnow(), progress=0))
    return res.rowcount == 1


def progress_stmt(job_id: int, pct: int, message: str | None = None):
    """UPDATE of a running job's progress (executed on its own connection)."""
    values: dict[str, Any] = {"progress": max(0, min(100, int(pct)))}
    if message is not None:
        values["message"] = str(message)[:500]
    return update(Job).where(Job.id == job_id, Job.status == RUNNING).values(**values)


def finish(session: Session, job_id: int, status: str, *, message: str | None = None,
           error: str | None = None, result: str | None = None) -> None:
    assert status in (DONE, FAILED)
    values: dict[str, Any] = {"status": status, "finished_at": utcnow(), "error": None}
    if status == DONE:
        values["progress"] = 100
    if message is not None:
        values["message"] = str(message)[:500]
    if error:
        values["error"] = str(error)[:MAX_ERROR_CHARS]
    if result is not None:
        values["result"] = result
    session.execute(update(Job).where(Job.id == job_id).values(**values))


def shown(text: str | None) -> str | None:
    """A job's stored message or error as the reader sees it: a key in their
    language, any other text (a handler's own words) as it was stored."""
    found = _KEYED.get(text) if text else None
    return text if found is None else str(found)


def fail_unfinished(session: Session, job_id: int, error: str) -> bool:
    """Mark a job failed unless it already ended (its runner died under it)."""
    res = session.execute(update(Job).where(Job.id == job_id, Job.status.in_((QUEUED, RUNNING)))
                          .values(status=FAILED, finished_at=utcnow(), error=error[:MAX_ERROR_CHARS]))
    return res.rowcount == 1


# -- jobs whose process has ended ------------------------------------------------
# The in-process runner keeps its queue in memory: when the web process stops
# (a restart, a recycled gunicorn worker, a crash), its queued and running
# jobs would stay "queued" / "running" for ever.  Each such job names its
# process — host, boot, pid and the process's start time, so a pid the
# system has since given to another process does not count as alive — and
# any page that shows jobs fails those whose process on this machine is gone.

def _host() -> str:
    return socket.gethostname()[:40].replace(":", "-")


def _boot() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:8] or "-"
    except OSError:
        return "-"


def _started(pid: int) -> str | None:
    """The process's start time (clock ticks after boot, from Linux's
    ``/proc``), ``"-"`` where the system cannot tell, None when there is no
    such process."""
    try:
        # "pid (comm) state ppid …": comm may hold spaces and parentheses;
        # the start time is the 22nd field, the 20th after comm.
        return Path(f"/proc/{int(pid)}/stat").read_text().rpartition(")")[2].split()[19]
    except FileNotFoundError:
        if Path("/proc/self/stat").exists():
            return None
    except (OSError, IndexError):
        pass
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return "-"


def process_token(pid: int | None = None) -> str:
    """``thread:<host>:<boot>:<pid>:<start time>`` of a process (default:
    this one) — what ``Job.runner`` holds for the in-process runner."""
    pid = os.getpid() if pid is None else int(pid)
    return f"thread:{_host()}:{_boot()}:{pid}:{_started(pid)}"


def runner_gone(token: str) -> bool:
    """True when ``token`` names a process of this machine that has ended
    (or a boot before this one); False while it runs, and for a process of
    another machine, which cannot be seen from here."""
    parts = token.split(":")
    if len(parts) != 5 or parts[0] != "thread" or parts[1] != _host():
        return False
    _kind, _h, boot, pid, started = parts
    if boot != _boot():
        return True
    try:
        now = _started(int(pid))
    except ValueError:
        return False
    return now is None or (started != "-" and now != "-" and now != started)


def reap(session: Session) -> int:
    """Fail the queued and running jobs of ended in-process runners on this
    machine (``ORPHANED_KEY``), keeping what they wrote; the number failed.
    One indexed query when there is nothing to do.  The caller commits."""
    unfinished = (QUEUED, RUNNING)
    tokens = session.scalars(select(Job.runner).distinct().where(
        Job.status.in_(unfinished), Job.runner.like(f"thread:{_host()}:%"))).all()
    gone = [t for t in tokens if runner_gone(t)]
    if not gone:
        return 0
    res = session.execute(update(Job).where(Job.runner.in_(gone), Job.status.in_(unfinished))
                          .values(status=FAILED, finished_at=utcnow(), message=FAILED_KEY,
                                  error=ORPHANED_KEY))
    return res.rowcount


def result_file(config: dict, job: Job) -> Path | None:
    """The result file if it exists inside the job's folder."""
    if not job.result:
        return None
    base = job_dir(config, job.id).resolve()
    path = (base / job.result).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        return None
    return path
