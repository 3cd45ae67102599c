"""Visits (拜访, seed 002 §3.1, §四): plan → pre-visit discussion meeting →
application → approval and funds → visit record → follow-up with the
customer within 7 days → visit summary → expense claim.  The visit record
must agree the next visit date (§3.1 约定下次拜访日期); without the summary
no claim is approved (§四.7, enforced in ``claims``)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from core.i18n import _l
from core.services import ServiceError
from plugins.customers.api import Customer

from ..declarations import (
    APPROVE, KIND_GROUP, KIND_HIGH_VALUE, KIND_IMPORTANT, KIND_POTENTIAL, KIND_STRATEGIC, KINDS,
)
from ..models.development import (
    REJECTED, TRANSPORTS, V_APPLIED, V_APPROVED, V_DISCUSSED, V_FOLLOWED, V_PLANNED,
    V_SUMMARISED, V_VISITED, VISIT_METHODS, StoresDemoVisit,
)
from .development import amount, check_permission, day, move, text
from core import clock

#: a week to hear the customer again after a visit (seed 002 §四.5)
FOLLOW_UP_DAYS = 7

#: the small gift and bag chosen by account kind (seed 002 §四.2 (3))
GIFTS = {
    KIND_IMPORTANT: _l("Engraved silver bookmark in a gift box"),
    KIND_HIGH_VALUE: _l("Pearl pendant sample and brochure bag"),
    KIND_GROUP: _l("Branded gift bags for the group contacts"),
    KIND_STRATEGIC: _l("Custom-made jewelry box with the company seal"),
    KIND_POTENTIAL: _l("Jewelry cleaning kit and brochure"),
}


def suggested_gift(kind: str) -> str:
    return str(GIFTS.get(kind, ""))


def plan_visit(session: Session, customer: Customer, user, **f) -> StoresDemoVisit:
    if customer.kind not in KINDS:
        raise ServiceError(_l("Visits are planned for key accounts only."))
    transport = f.get("transport") or "own_car"
    if transport not in TRANSPORTS:
        raise ServiceError(_l("Choose how the visitors travel."))
    try:
        heads = int(f.get("head_count") or 1)
    except (TypeError, ValueError):
        heads = 0
    if not 1 <= heads <= 20:
        raise ServiceError(_l("The number of visitors is between 1 and 20."))
    v = StoresDemoVisit(
        customer_id=customer.id, owner_id=user.id, status=V_PLANNED,
        planned_on=day(f.get("planned_on"), _l("Visit date")),
        purpose=text(f.get("purpose"), _l("Purpose")),
        people=text(f.get("people"), _l("Visitors"), limit=200),
        head_count=heads,
        gift=text(f.get("gift"), _l("Gift"), required=False, limit=120) or suggested_gift(customer.kind),
        offers=text(f.get("offers"), _l("Offers"), required=False),
        pieces_to_show=text(f.get("pieces_to_show"), _l("Pieces to show"), required=False),
        transport=transport,
        budget=amount(f.get("budget"), _l("Budget"), allow_zero=True),
    )
    session.add(v)
    session.flush()
    return v


def record_discussion(session: Session, visit: StoresDemoVisit, user, notes: str,
                      today: date | None = None) -> None:
    """The pre-visit meeting: other developers' advice (seed 002 §四.1)."""
    notes = text(notes, _l("Advice from the meeting"))
    if visit.status not in (V_PLANNED, V_DISCUSSED):
        raise ServiceError(_l("The discussion comes before the application."))
    move(session, visit, (V_PLANNED, V_DISCUSSED), V_DISCUSSED, discussion_notes=notes,
         discussed_on=today or clock.today())


def apply(session: Session, visit: StoresDemoVisit, user, today: date | None = None) -> None:
    if visit.status == V_PLANNED:
        raise ServiceError(_l("Hold the pre-visit discussion first."))
    if visit.status not in (V_DISCUSSED, REJECTED):
        raise ServiceError(_l("This visit has already been applied for."))
    move(session, visit, (V_DISCUSSED, REJECTED), V_APPLIED, applied_on=today or clock.today(),
         reject_reason=None)


def approve(session: Session, visit: StoresDemoVisit, user, funds, today: date | None = None) -> None:
    check_permission(session, user, APPROVE)
    funds = amount(funds, _l("Approved funds"), allow_zero=True)
    if visit.status != V_APPLIED:
        raise ServiceError(_l("Only an applied visit can be approved or rejected."))
    move(session, visit, (V_APPLIED,), V_APPROVED, approved_funds=funds, decided_by=user.id,
         decided_on=today or clock.today())


def reject(session: Session, visit: StoresDemoVisit, user, reason: str,
           today: date | None = None) -> None:
    check_permission(session, user, APPROVE)
    reason = text(reason, _l("Reason"), limit=1000)
    if visit.status != V_APPLIED:
        raise ServiceError(_l("Only an applied visit can be approved or rejected."))
    move(session, visit, (V_APPLIED,), REJECTED, reject_reason=reason, decided_by=user.id,
         decided_on=today or clock.today())


def record_visit(session: Session, visit: StoresDemoVisit, user, **f) -> None:
    """The visit record (《客户拜访记录表》); the next visit date is agreed at the visit."""
    when = f.get("visited_at")
    if not isinstance(when, datetime):
        d = day(f.get("visited_on"), _l("Visit date"))
        hhmm = (f.get("visited_time") or "00:00").strip() or "00:00"
        try:
            h, m = (int(x) for x in hhmm.split(":"))
            when = datetime(d.year, d.month, d.day, h, m)
        except ValueError:
            raise ServiceError(_l("%(value)s is not a time (HH:MM).", value=hhmm)) from None
    method = f.get("method") or ""
    if method not in VISIT_METHODS:
        raise ServiceError(_l("Choose how the visit took place."))
    nxt = day(f.get("next_visit_on"), _l("Next visit date"), required=False)
    if nxt is None:
        raise ServiceError(_l("Agree the next visit date with the customer and enter it."))
    if nxt <= when.date():
        raise ServiceError(_l("The next visit date must be after this visit."))
    values = dict(visited_at=when, method=method,
                  place=text(f.get("place"), _l("Place"), limit=200),
                  key_points=text(f.get("key_points"), _l("Key points")),
                  customer_views=text(f.get("customer_views"), _l("Customer's views")),
                  next_visit_on=nxt, follow_up_due=when.date() + timedelta(days=FOLLOW_UP_DAYS))
    if visit.status != V_APPROVED:
        raise ServiceError(_l("Record the visit once it has been approved."))
    move(session, visit, (V_APPROVED,), V_VISITED, **values)


def follow_up(session: Session, visit: StoresDemoVisit, user, note: str,
              today: date | None = None) -> None:
    note = text(note, _l("What the customer said"))
    if visit.status != V_VISITED:
        raise ServiceError(_l("Follow up after the visit is recorded."))
    move(session, visit, (V_VISITED,), V_FOLLOWED, follow_up_note=note,
         followed_up_on=today or clock.today())


def summarise(session: Session, visit: StoresDemoVisit, user, summary: str,
              today: date | None = None) -> None:
    summary = text(summary, _l("Summary"))
    if visit.status not in (V_VISITED, V_FOLLOWED):
        raise ServiceError(_l("Write the summary after the visit."))
    move(session, visit, (V_VISITED, V_FOLLOWED), V_SUMMARISED, summary=summary,
         summarised_on=today or clock.today())


def overdue_follow_ups(scoped, today: date | None = None):
    """Visits recorded whose week for hearing the customer again is over."""
    today = today or clock.today()
    return (scoped.where(StoresDemoVisit.status == V_VISITED, StoresDemoVisit.follow_up_due < today)
            .order_by(StoresDemoVisit.follow_up_due))


def due_follow_ups(scoped, today: date | None = None):
    """Visits waiting for their follow-up, due today or later (the reminder)."""
    today = today or clock.today()
    return (scoped.where(StoresDemoVisit.status == V_VISITED, StoresDemoVisit.follow_up_due >= today)
            .order_by(StoresDemoVisit.follow_up_due))

