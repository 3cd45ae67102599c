"""Events (seed 002 §2.3 二.4(1)): product presentations, club activities,
training courses and appraisal sessions (品鉴会), with the invitation list,
replies and attendance."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, TimestampMixin

EVENT_KINDS = ("presentation", "club", "training", "appraisal")

# Replies
PENDING, YES, NO, MAYBE = "pending", "yes", "no", "maybe"
RSVPS = (PENDING, YES, NO, MAYBE)


class StoresDemoEvent(TimestampMixin, Base):
    """An event of an org unit: everyone in the unit sees it (a seller
    knows which of their accounts are invited), the event planner and the
    managers run it.  There is deliberately no ``owner_id``: the default
    access rule would then hide the event from every seller but its organiser."""
    __tablename__ = "stores_demo_event"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("core_org_unit.id"), index=True)
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(index=True)
    place: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str | None] = mapped_column(Text)
    #: set when the attendees' follow-up tasks were created
    followups_at: Mapped[datetime | None]

    invitations: Mapped[list["StoresDemoInvitation"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="StoresDemoInvitation.id")


class StoresDemoInvitation(TimestampMixin, Base):
    """One account invited to one event; access follows the event."""
    __tablename__ = "stores_demo_invitation"
    __audited__ = True
    __table_args__ = (UniqueConstraint("event_id", "customer_id", name="uq_stores_demo_invitation_event_customer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("stores_demo_event.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    rsvp: Mapped[str] = mapped_column(String(8), default=PENDING)
    attended: Mapped[bool] = mapped_column(default=False)
    #: the follow-up task made for this attendee (once)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("stores_demo_task.id"))

    event: Mapped[StoresDemoEvent] = relationship(back_populates="invitations")
