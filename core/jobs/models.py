"""The job table: the single source of truth for every background job's
status and progress, whichever runner (threads or RQ) executes it."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, utcnow
from ..models import User

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUSES = (QUEUED, RUNNING, DONE, FAILED)


class Job(Base):
    __tablename__ = "core_job"
    __table_args__ = (Index("ix_core_job_owner_created", "owner_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(80))
    #: What the owner sees in lists, e.g. "对账单 × 120".
    label: Mapped[str] = mapped_column(String(200), default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    #: The job this one is a part of (a chunk of the month-end batch); the
    #: job list shows parts inside their job, not as rows of their own.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("core_job.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=QUEUED, index=True)
    progress: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(String(500), default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: File name of the result inside the job's folder (``DATA_DIR/jobs/<id>/``).
    result: Mapped[str | None] = mapped_column(String(255))
    #: Why the job failed, or the items that failed in a job that finished.
    error: Mapped[str | None] = mapped_column(Text)
    #: The process that runs it on the in-process runner
    #: (``service.process_token``); None on RQ, whose worker records its own
    #: failures.  A job whose process has ended is failed, not left running.
    runner: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    owner: Mapped[User] = relationship(lazy="joined")

    @property
    def finished(self) -> bool:
        return self.status in (DONE, FAILED)
