"""Expense claims for visits and receptions.  No summary, no reimbursement
(seed 002 §四.7); no report, no reimbursement (§五.2): approving is refused
until the visit's summary or the reception's report exists.  An approved
claim posts to finance — selling expense against a payable to the
employee — and finance pays it later; so plan-against-actual reads money
that is in the books."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.i18n import _l
from core.services import ServiceError
from plugins.finance import api as finance

from ..declarations import APPROVE, PAY_CLAIMS
from ..models.development import (
    APPROVED, CLAIM_CATEGORIES, PAID, R_REPORTED, REJECTED, SUBMITTED, V_SUMMARISED,
    StoresDemoClaim, StoresDemoReception, StoresDemoVisit,
)
from .development import amount as parse_amount, check_permission, day, move, text
from core import clock

#: largest single claim (a typo guard: 100,000.00)
MAX_CLAIM = 100_000
#: selling-expense account per category (finance's chart, 企业会计准则)
EXPENSE_ACCOUNTS = {"travel": "660101", "entertainment": "660102", "gift": "660103",
                    "transport": "660104"}
PAYABLE, BANK = "2241", "1002"
SOURCE, PAID_SOURCE = "stores_demo.claim:", "stores_demo.claim_paid:"


def file_claim(session: Session, user, *, visit: StoresDemoVisit | None = None,
               reception: StoresDemoReception | None = None, category: str, amount, description,
               spent_on=None) -> StoresDemoClaim:
    if (visit is None) == (reception is None):
        raise ServiceError(_l("A claim is for one visit or one reception."))
    if category not in CLAIM_CATEGORIES:
        raise ServiceError(_l("Choose what the money was spent on."))
    record = visit or reception
    if record.status == REJECTED:
        raise ServiceError(_l("This was rejected: there is nothing to claim."))
    claim = StoresDemoClaim(
        customer_id=record.customer_id, owner_id=user.id,
        visit_id=visit.id if visit else None, reception_id=reception.id if reception else None,
        category=category, amount=parse_amount(amount, _l("Amount"), maximum=Decimal(MAX_CLAIM)),
        description=text(description, _l("Description"), limit=255),
        spent_on=day(spent_on, _l("Date spent"), required=False) or clock.today(),
        status=SUBMITTED)
    if claim.spent_on > clock.today():
        raise ServiceError(_l("The money cannot have been spent in the future."))
    _within_funds(session, claim, visit.approved_funds if visit else reception.budget)
    session.add(claim)
    session.flush()
    return claim


def _within_funds(session: Session, claim: StoresDemoClaim, limit: Decimal | None) -> None:
    """The claims of one visit (reception) stay within its approved funds (budget)."""
    if not limit or limit <= 0:
        return
    c = StoresDemoClaim
    link = c.visit_id == claim.visit_id if claim.visit_id else c.reception_id == claim.reception_id
    claimed = session.scalar(select(func.coalesce(func.sum(c.amount), 0))
                             .where(link, c.status != REJECTED)) or 0
    if Decimal(claimed) + claim.amount > limit:
        raise ServiceError(_l("The claims would exceed the approved funds of %(limit)s "
                              "(already claimed: %(claimed)s).", limit=limit,
                              claimed=Decimal(claimed).quantize(Decimal("0.01"))))


def _paperwork_done(session: Session, claim: StoresDemoClaim) -> None:
    if claim.visit_id is not None:
        visit = session.get(StoresDemoVisit, claim.visit_id)
        if visit.status != V_SUMMARISED or not visit.summary:
            raise ServiceError(_l("No summary, no reimbursement: the visit has no summary yet."))
    else:
        reception = session.get(StoresDemoReception, claim.reception_id)
        if reception.status != R_REPORTED or not reception.buying_experience:
            raise ServiceError(_l("No report, no reimbursement: the reception has no report yet."))


def approve_claim(session: Session, claim: StoresDemoClaim, user, today: date | None = None):
    """Approve and post Dr selling expense / Cr other payables (the employee)."""
    check_permission(session, user, APPROVE)
    if claim.owner_id == user.id:
        raise ServiceError(_l("You cannot approve your own claim."))
    _paperwork_done(session, claim)
    if claim.status != SUBMITTED:
        raise ServiceError(_l("Only a submitted claim can be approved or rejected."))
    today = today or clock.today()
    move(session, claim, (SUBMITTED,), APPROVED, decided_by=user.id, decided_on=today)
    memo = f"大客户费用报销 #{claim.id} {claim.description}"[:255]
    entry = finance.post_entry(session, "GEN", today, [
        finance.LineSpec(EXPENSE_ACCOUNTS[claim.category], debit=claim.amount,
                         customer_id=claim.customer_id, salesperson_id=claim.owner_id, memo=memo),
        finance.LineSpec(PAYABLE, credit=claim.amount, salesperson_id=claim.owner_id, memo=memo),
    ], memo=memo, source=f"{SOURCE}{claim.id}", user_id=user.id)
    claim.entry_number = entry.number
    session.flush()
    return entry


def reject_claim(session: Session, claim: StoresDemoClaim, user, reason: str,
                 today: date | None = None) -> None:
    check_permission(session, user, APPROVE)
    reason = text(reason, _l("Reason"), limit=1000)
    if claim.status != SUBMITTED:
        raise ServiceError(_l("Only a submitted claim can be approved or rejected."))
    move(session, claim, (SUBMITTED,), REJECTED, decided_by=user.id,
         decided_on=today or clock.today(), reject_reason=reason)


def pay_claim(session: Session, claim: StoresDemoClaim, user, today: date | None = None):
    """Finance pays the employee: Dr other payables / Cr bank."""
    check_permission(session, user, PAY_CLAIMS)
    if claim.status != APPROVED:
        raise ServiceError(_l("Only an approved claim can be paid."))
    today = today or clock.today()
    move(session, claim, (APPROVED,), PAID, paid_by=user.id, paid_on=today)
    memo = f"支付大客户费用报销 #{claim.id}"
    entry = finance.post_entry(session, "GEN", today, [
        finance.LineSpec(PAYABLE, debit=claim.amount, salesperson_id=claim.owner_id, memo=memo),
        finance.LineSpec(BANK, credit=claim.amount, memo=memo),
    ], memo=memo, source=f"{PAID_SOURCE}{claim.id}", user_id=user.id)
    claim.payment_entry_number = entry.number
    session.flush()
    return entry
