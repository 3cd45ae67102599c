"""Follow-up tasks: who calls whom back, by when, and why.

The seed's complaint (002 §一.2): salespeople never follow up the visitors
who did not buy.  Every walk-in, event attendance and anniversary reminder
ends as a task with an owner and a due date, so nothing is left to memory."""
from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, OwnedMixin, TimestampMixin

# Where a task comes from
FROM_WALKIN, FROM_EVENT, FROM_ANNIVERSARY, FROM_OTHER = "walkin", "event", "anniversary", "other"
TASK_SOURCES = (FROM_WALKIN, FROM_EVENT, FROM_ANNIVERSARY, FROM_OTHER)


class StoresDemoTask(OwnedMixin, TimestampMixin, Base):
    """A follow-up task; ``owner_id`` is the seller who must do it (access
    follows the owner: a developer sees their own, a manager the unit's)."""
    __tablename__ = "stores_demo_task"
    __audited__ = True
    __table_args__ = (
        # Attendance creates one task per attendee and event, however often it is posted.
        UniqueConstraint("event_id", "customer_id", name="uq_stores_demo_task_event_customer"),
        Index("ix_stores_demo_task_owner_open_due", "owner_id", "done", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    due_on: Mapped[date]
    source: Mapped[str] = mapped_column(String(12), default=FROM_OTHER)
    walkin_id: Mapped[int | None] = mapped_column(ForeignKey("stores_demo_walkin.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("stores_demo_event.id"), index=True)
    done: Mapped[bool] = mapped_column(default=False)
    done_on: Mapped[date | None]
    done_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    outcome: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
