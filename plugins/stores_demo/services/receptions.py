"""Receptions (接待, seed 002 §3.2, §五): the customer's date, time, head
count and needs → the reception plan → approval → the reception → the
report with the customer's buying experience → expense claim.

Staffing (§五.1): the department manager (host) and the main seller
receive the customer in the business room, a clerk serves tea and snacks;
dining out is accompanied by a senior leader.  No report, no
reimbursement (§五.2, enforced in ``claims``)."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from core import access
from core.i18n import _l
from core.models import User
from core.services import ServiceError
from plugins.customers.api import Customer

from ..declarations import APPROVE, KINDS
from ..models.development import (
    R_APPROVED, R_PLANNED, R_RECEIVED, R_REPORTED, R_REQUESTED, REJECTED, StoresDemoReception,
)
from .development import amount, check_permission, day, move, text
from core import clock


def request_reception(session: Session, customer: Customer, user, **f) -> StoresDemoReception:
    if customer.kind not in KINDS:
        raise ServiceError(_l("Receptions are for key accounts only."))
    try:
        heads = int(f.get("head_count") or 0)
    except (TypeError, ValueError):
        heads = 0
    if not 1 <= heads <= 50:
        raise ServiceError(_l("The number of guests is between 1 and 50."))
    hhmm = (f.get("visit_time") or "").strip() or None
    if hhmm is not None:
        parts = hhmm.split(":")
        if len(parts) != 2 or not all(p.isdigit() for p in parts) or int(parts[0]) > 23 or int(parts[1]) > 59:
            raise ServiceError(_l("%(value)s is not a time (HH:MM).", value=hhmm))
        hhmm = f"{int(parts[0]):02d}:{int(parts[1]):02d}"
    r = StoresDemoReception(customer_id=customer.id, owner_id=user.id, status=R_REQUESTED,
                            visit_on=day(f.get("visit_on"), _l("Date")), visit_time=hhmm,
                            head_count=heads, needs=text(f.get("needs"), _l("Needs"), required=False))
    session.add(r)
    session.flush()
    return r


def _staff(session: Session, value, label, *, required: bool) -> int | None:
    if value in (None, ""):
        if required:
            raise ServiceError(_l("%(field)s is required.", field=label))
        return None
    try:
        user = session.get(User, int(value))
    except (TypeError, ValueError):
        user = None
    if user is None or not user.active:
        raise ServiceError(_l("%(field)s: choose a colleague from the list.", field=label))
    return user.id


def is_senior_leader(session: Session, user_id: int | None) -> bool:
    """A senior leader may approve the department's spending (APPROVE)."""
    user = session.get(User, user_id) if user_id else None
    return user is not None and access.has_permission(session, user, APPROVE)


def plan_reception(session: Session, reception: StoresDemoReception, user, **f) -> None:
    dining_out = f.get("dining_out") in (True, "1", "on", "y", "yes")
    values = dict(
        host_id=_staff(session, f.get("host_id"), _l("Host"), required=True),
        main_seller_id=_staff(session, f.get("main_seller_id"), _l("Main seller"), required=True),
        clerk_id=_staff(session, f.get("clerk_id"), _l("Clerk"), required=True),
        room=text(f.get("room"), _l("Room"), required=False, limit=80) or str(_l("Business room")),
        dining_out=dining_out,
        senior_leader_id=_staff(session, f.get("senior_leader_id"), _l("Senior leader"), required=False),
        budget=amount(f.get("budget"), _l("Budget"), allow_zero=True),
    )
    if dining_out and not is_senior_leader(session, values["senior_leader_id"]):
        raise ServiceError(_l("Dining out must be accompanied by a senior leader: choose one."))
    if not dining_out:
        values["senior_leader_id"] = None
    if reception.status not in (R_REQUESTED, R_PLANNED, REJECTED):
        raise ServiceError(_l("The plan can no longer be changed."))
    move(session, reception, (R_REQUESTED, R_PLANNED, REJECTED), R_PLANNED, reject_reason=None,
         **values)


def approve(session: Session, reception: StoresDemoReception, user, today: date | None = None) -> None:
    check_permission(session, user, APPROVE)
    if reception.status != R_PLANNED:
        raise ServiceError(_l("Only a planned reception can be approved or rejected."))
    move(session, reception, (R_PLANNED,), R_APPROVED, decided_by=user.id,
         decided_on=today or clock.today())


def reject(session: Session, reception: StoresDemoReception, user, reason: str,
           today: date | None = None) -> None:
    check_permission(session, user, APPROVE)
    reason = text(reason, _l("Reason"), limit=1000)
    if reception.status != R_PLANNED:
        raise ServiceError(_l("Only a planned reception can be approved or rejected."))
    move(session, reception, (R_PLANNED,), REJECTED, reject_reason=reason, decided_by=user.id,
         decided_on=today or clock.today())


def record_reception(session: Session, reception: StoresDemoReception, user, received_on=None) -> None:
    when = day(received_on, _l("Date"), required=False) or clock.today()
    if reception.status != R_APPROVED:
        raise ServiceError(_l("Receive the customer once the plan is approved."))
    move(session, reception, (R_APPROVED,), R_RECEIVED, received_on=when)


def report(session: Session, reception: StoresDemoReception, user, *, buying_experience: str,
           outcome: str, today: date | None = None) -> None:
    values = dict(buying_experience=text(buying_experience, _l("The customer's buying experience")),
                  outcome=text(outcome, _l("Outcome")), reported_on=today or clock.today())
    if reception.status != R_RECEIVED:
        raise ServiceError(_l("Write the report after the reception."))
    move(session, reception, (R_RECEIVED,), R_REPORTED, **values)
