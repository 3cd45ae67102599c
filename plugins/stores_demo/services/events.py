"""Events (seed 002 §2.3 二.4(1)): an invitation list drawn from the client
book by a filter, replies, attendance, and the attendees' follow-up tasks
made in one step.

Making the follow-ups locks the event row first, so a double submit (two
clicks, two tabs) waits for the first and then finds every attendee
already has a task: each attendee gets exactly one, backed by the unique
(event, customer) key on the task table."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import settings
from core.db import utcnow
from core.dates import parse_day
from core.i18n import _l
from core.services import ServiceError, lock
from plugins.customers.api import GRADES, Customer, customer_ids_for

from ..models.events import EVENT_KINDS, RSVPS, StoresDemoEvent, StoresDemoInvitation
from ..models.tasks import FROM_EVENT
from . import tasks as task_svc
from core import clock

MAX_INVITES = 2000


def create_event(session: Session, user, *, kind: str, title: str, held_on, place: str = "",
                 note: str | None = None) -> StoresDemoEvent:
    if kind not in EVENT_KINDS:
        raise ServiceError(_l("Choose the kind of event."))
    title = (title or "").strip()
    if not title:
        raise ServiceError(_l("Give the event a title."))
    if len(title) > 200:
        raise ServiceError(_l("The title is too long (at most %(n)s characters).", n=200))
    held = held_on if isinstance(held_on, date) else parse_day(held_on)
    ev = StoresDemoEvent(kind=kind, title=title, held_on=held, place=(place or "").strip()[:200],
                         note=(note or "").strip() or None, organiser_id=user.id,
                         org_unit_id=user.org_unit_id)
    session.add(ev)
    session.flush()
    return ev


def invite(session: Session, event: StoresDemoEvent, user, *, kind: str | None = None,
           grade: str | None = None, owner_id: int | None = None) -> int:
    """Invite every account ``user`` may see that matches the filter and is
    not invited yet.  Returns how many were added."""
    event = lock(session, event)
    if grade and grade not in GRADES:
        raise ServiceError(_l("Unknown grade."))
    already = select(StoresDemoInvitation.customer_id).where(StoresDemoInvitation.event_id == event.id)
    stmt = select(Customer.id).where(Customer.id.in_(customer_ids_for(user)), Customer.id.not_in(already))
    if kind:
        stmt = stmt.where(Customer.kind == kind)
    if grade:
        stmt = stmt.where(Customer.grade == grade)
    if owner_id:
        stmt = stmt.where(Customer.owner_id == owner_id)
    ids = list(session.scalars(stmt.order_by(Customer.id).limit(MAX_INVITES + 1)))
    if len(ids) > MAX_INVITES:
        raise ServiceError(_l("More than %(n)s accounts match: narrow the filter.", n=MAX_INVITES))
    if not ids:
        raise ServiceError(_l("No account matches the filter that is not invited already."))
    session.add_all(StoresDemoInvitation(event_id=event.id, customer_id=cid) for cid in ids)
    session.flush()
    return len(ids)


def set_rsvp(session: Session, invitation: StoresDemoInvitation, rsvp: str) -> StoresDemoInvitation:
    if rsvp not in RSVPS:
        raise ServiceError(_l("Unknown reply."))
    invitation = lock(session, invitation)
    invitation.rsvp = rsvp
    session.flush()
    return invitation


def record_attendance(session: Session, event: StoresDemoEvent, attended_ids, *,
                      today: date | None = None) -> int:
    """Mark exactly the invitations in ``attended_ids`` as attended.  Returns the count."""
    event = lock(session, event)
    if event.held_on > (today or clock.today()):
        raise ServiceError(_l("The event has not taken place yet."))
    wanted = {int(i) for i in attended_ids}
    invs = session.scalars(select(StoresDemoInvitation).where(StoresDemoInvitation.event_id == event.id)).all()
    unknown = wanted - {i.id for i in invs}
    if unknown:
        raise ServiceError(_l("Someone marked as present is not on the invitation list."))
    for inv in invs:
        inv.attended = inv.id in wanted
    session.flush()
    return len(wanted)


def create_followups(session: Session, event: StoresDemoEvent, user, *, today: date | None = None) -> int:
    """One follow-up task per attendee without one yet, for the account's
    owner (the organiser when the account has none).  Returns how many."""
    event = lock(session, event)  # a second submit waits here, then finds the tasks made
    today = today or clock.today()
    rows = session.execute(
        select(StoresDemoInvitation, Customer)
        .join(Customer, Customer.id == StoresDemoInvitation.customer_id)
        .where(StoresDemoInvitation.event_id == event.id, StoresDemoInvitation.attended.is_(True),
               StoresDemoInvitation.task_id.is_(None))
        .order_by(StoresDemoInvitation.id)).all()
    if not rows:
        raise ServiceError(_l("Every attendee already has a follow-up task (or nobody attended)."))
    days = settings.get(session, "stores_demo.event_followup_days")
    due = max(today, event.held_on + timedelta(days=days))
    for inv, customer in rows:
        task = task_svc.create_task(
            session, title=str(_l("Follow up after %(event)s: %(name)s", event=event.title, name=customer.name)),
            due_on=due, owner_id=customer.owner_id or event.organiser_id, org_unit_id=customer.org_unit_id,
            customer_id=customer.id, source=FROM_EVENT, event_id=event.id)
        inv.task_id = task.id
    event.followups_at = utcnow()
    session.flush()
    return len(rows)
