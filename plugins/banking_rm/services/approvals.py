"""Discount and expense requests approved by tier (seed 004's appendix,
销售管理制度: discounts up to 2 % decided by the sales team, above by higher
levels; expenses above 10,000 by a higher level).  Up to the limits (settings)
the wealth manager approves; above them only a holder of
``banking_rm.approve_above`` (the branch head).  A decision is one
conditional UPDATE on the pending request."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session

from core.access import has_permission
from core.db import utcnow
from core.i18n import _l
from core.services import ServiceError
from core.fields import optional_text, required_text, to_decimal
from plugins.customers.api import Customer, customer_ids_for

from ..declarations import APPROVE_ABOVE
from ..models.care import (APPROVED, DISCOUNT, EXPENSE, LEVEL_HEAD, LEVEL_MANAGER, PENDING, REJECTED,
                           BankApproval)
from .care_inputs import setting, transition


def limits(session: Session) -> dict[str, Decimal]:
    return {DISCOUNT: Decimal(setting(session, "discount_manager_limit")),
            EXPENSE: Decimal(setting(session, "expense_manager_limit"))}


def create(session: Session, customer: Customer, user, *, kind: str, subject, value, reason=None) -> BankApproval:
    if kind not in (DISCOUNT, EXPENSE):
        raise ServiceError(_l("Choose a discount or an expense."))
    subject = required_text(subject, _l("Subject"), 200)
    if kind == DISCOUNT:
        rate = to_decimal(value, _l("Discount (%)"), positive=True, maximum=Decimal(100))
        amount, measure = None, rate
    else:
        amount = to_decimal(value, _l("Amount"), positive=True)
        rate, measure = None, amount
    level = LEVEL_MANAGER if measure <= limits(session)[kind] else LEVEL_HEAD
    row = BankApproval(customer_id=customer.id, kind=kind, subject=subject, rate=rate, amount=amount,
                       reason=optional_text(reason, _l("Reason")), level=level, status=PENDING,
                       requested_by=user.id)
    session.add(row)
    session.flush()
    return row


def decide(session: Session, req: BankApproval, user, *, decision: str, comment=None) -> str:
    if decision not in ("approve", "reject"):
        raise ServiceError(_l("Approve or reject the request."))
    if req.level == LEVEL_HEAD:
        if not has_permission(session, user, APPROVE_ABOVE):
            lim = limits(session)[req.kind]
            raise ServiceError(
                _l("Refused: this discount is above %(limit)s %%, the wealth manager's tier; the branch "
                   "head approves it.", limit=lim) if req.kind == DISCOUNT else
                _l("Refused: this expense is above %(limit)s, the wealth manager's tier; the branch head "
                   "approves it.", limit="{:,.2f}".format(lim)))
        if req.requested_by == user.id:
            raise ServiceError(_l("A request above the manager's tier is approved by someone else."))
    new = APPROVED if decision == "approve" else REJECTED
    transition(session, BankApproval, req.id, (PENDING,),
               {"status": new, "decided_by": user.id, "decided_at": utcnow(),
                "comment": optional_text(comment, _l("Comment"))},
               _l("This request was already decided."))
    return new


def listing(user, status: str | None) -> Select:
    stmt = (select(BankApproval, Customer.name, Customer.code)
            .join(Customer, Customer.id == BankApproval.customer_id)
            .where(BankApproval.customer_id.in_(customer_ids_for(user))))
    if status in (PENDING, APPROVED, REJECTED):
        stmt = stmt.where(BankApproval.status == status)
    return stmt.order_by(case((BankApproval.status == PENDING, 0), else_=1), BankApproval.id.desc())
