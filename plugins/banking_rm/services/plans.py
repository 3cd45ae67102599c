"""The customer value-improvement plan (seed 004: 客户价值提升计划): the
manager writes the goals (AUM target, products to add, by when); the branch
head approves it or returns it with a comment.  Each move is one conditional
UPDATE on the plan's status: of two reviews at once, one wins."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db import utcnow
from core.i18n import _l
from core.services import ServiceError, lock
from core.fields import optional_text, required_text, to_decimal
from plugins.customers.api import Customer

from ..models.care import APPROVED, DRAFT, RETURNED, SUBMITTED, BankValuePlan
from ..models.clients import ASSET_KINDS, OPEN, BankHolding, BankRetailProfile
from .care_inputs import to_date, transition
from core import clock

EDITABLE = (DRAFT, RETURNED)


def current_aum(session: Session, customer_id: int) -> Decimal:
    return Decimal(session.scalar(
        select(func.coalesce(func.sum(BankHolding.amount), 0))
        .where(BankHolding.customer_id == customer_id, BankHolding.status == OPEN,
               BankHolding.kind.in_(ASSET_KINDS))) or 0)


def _fields(session: Session, aum_target, products, goals, due_on) -> dict:
    due = to_date(session, due_on, _l("Due on"))
    if due < clock.today():
        raise ServiceError(_l("A plan's due date cannot be in the past."))
    return {"aum_target": to_decimal(aum_target, _l("AUM target"), positive=True),
            "products": optional_text(products, _l("Products to add"), 200),
            "goals": required_text(goals, _l("Goals"), 4000), "due_on": due}


def create(session: Session, customer: Customer, user, *, aum_target, products=None, goals,
           due_on) -> BankValuePlan:
    if session.scalar(select(BankRetailProfile.id).where(BankRetailProfile.customer_id == customer.id)) is None:
        raise ServiceError(_l("%(name)s is not a retail customer of the branch.", name=customer.name))
    plan = BankValuePlan(customer_id=customer.id, user_id=user.id, status=DRAFT,
                         **_fields(session, aum_target, products, goals, due_on))
    session.add(plan)
    session.flush()
    return plan


def edit(session: Session, plan: BankValuePlan, user, *, aum_target, products=None, goals, due_on) -> None:
    plan = lock(session, plan)
    if plan.status not in EDITABLE:
        raise ServiceError(_l("Only a draft or a returned plan can be changed."))
    for k, v in _fields(session, aum_target, products, goals, due_on).items():
        setattr(plan, k, v)
    session.flush()


def submit(session: Session, plan: BankValuePlan, user) -> None:
    transition(session, BankValuePlan, plan.id, EDITABLE, {"status": SUBMITTED},
               _l("Only a draft or a returned plan can be submitted."))


def review(session: Session, plan: BankValuePlan, user, *, decision: str, comment=None) -> str:
    """approve, or return with a comment; only a submitted plan, once."""
    comment = optional_text(comment, _l("Comment"), 2000)
    if decision not in ("approve", "return"):
        raise ServiceError(_l("Approve the plan or return it."))
    if decision == "return" and not comment:
        raise ServiceError(_l("Say what to change when returning a plan."))
    if plan.user_id == user.id:
        raise ServiceError(_l("A plan is reviewed by someone other than its author."))
    new = APPROVED if decision == "approve" else RETURNED
    transition(session, BankValuePlan, plan.id, (SUBMITTED,),
               {"status": new, "review_comment": comment, "reviewed_by": user.id, "reviewed_at": utcnow()},
               _l("This plan is not waiting for a review (someone may have reviewed it just now)."))
    return new
