"""Credit control (授信管理, seed 000 §四.5.A / §四.E): one rule for every
plugin that confirms orders.

- exposure = what the customer owes (1122 + 2203) + orders confirmed but not
  yet invoiced (open commitments);
- net-terms customers: blocked when exposure + order > credit limit, or
  when the credit line has expired (then they are treated as prepayment);
- prepayment customers (the default, 先款后货): blocked when the order is
  larger than their prepaid balance not yet spoken for;
- any customer: blocked while an invoice is overdue by more than
  ``finance.overdue_block_days`` (default 30);
- a user holding ``finance.credit_override`` may let a blocked order through
  with a reason; the override is stored and audited.

Race-free: the check starts with an UPDATE of the customer's credit row, so
two checks for one customer run one after the other (PostgreSQL row lock,
SQLite write lock), and the commitment written by the first is counted by
the second.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core import access, audit
from core.db import utcnow
from core.i18n import _l
from core.money import figures
from core.services import ServiceError

from ..models import Allocation, CreditCommitment, CreditOverride, CreditProfile, Invoice
from ..models.credit import NET, OPEN, PREPAYMENT, RELEASED, TERMS
from ..models.receivables import POSTED
from . import settings_of
from .chart import _insert_ignore
from .allocations import allocated_sq
from .common import _customer
from .ledger import customer_balance
from .money import ZERO, mround, msum, to_money
from core import clock


class CreditBlocked(ServiceError):
    """The order is refused; ``reasons`` lists every rule that said no."""

    def __init__(self, message, reasons: list[str] | None = None, status: "CreditStatus | None" = None):
        super().__init__(message)
        self.reasons = reasons or [str(message)]
        self.status = status


@dataclass
class CreditStatus:
    customer_id: int
    terms: str
    term_days: int
    credit_limit: Decimal
    valid_until: date | None
    expired: bool
    balance: Decimal              # owed to us (negative: prepaid)
    committed: Decimal            # confirmed orders not yet invoiced
    exposure: Decimal             # balance + committed
    available: Decimal            # what one more order may still be
    overdue_amount: Decimal
    overdue_count: int
    oldest_due: date | None
    blocks: list[str] = field(default_factory=list)

    @property
    def prepaid(self) -> Decimal:
        return max(-self.balance, ZERO)


@dataclass
class CreditDecision:
    allowed: bool
    status: CreditStatus
    overridden: bool = False
    override_id: int | None = None
    commitment_id: int | None = None


def _lock_profile(session: Session, customer_id: int) -> CreditProfile:
    """Create the customer's credit row if missing and lock it (UPDATE)."""
    bump = (update(CreditProfile).where(CreditProfile.customer_id == customer_id)
            .values(checks=CreditProfile.checks + 1)
            .execution_options(synchronize_session=False))
    if session.execute(bump).rowcount == 0:
        session.execute(_insert_ignore(session, CreditProfile),
                        [{"customer_id": customer_id, "credit_limit": ZERO, "terms": PREPAYMENT,
                          "term_days": 0, "checks": 0, "created_at": utcnow(),
                          "updated_at": utcnow()}])
        session.execute(bump)
    return session.execute(select(CreditProfile).where(CreditProfile.customer_id == customer_id)
                           .execution_options(populate_existing=True)).scalar_one()


def overdue(session: Session, customer_id: int, today: date, days: int) -> tuple[Decimal, int, date | None]:
    """Open amount, count and oldest due date of invoices more than ``days`` past due."""
    open_amt = Invoice.amount - allocated_sq(Allocation.invoice_id == Invoice.id)
    limit = today - timedelta(days=days)
    sq = (select(open_amt.label("open"), Invoice.due_date.label("due"))
          .where(Invoice.customer_id == customer_id, Invoice.state == POSTED,
                 Invoice.due_date < limit, mround(open_amt) > 0)).subquery()
    amt, count, oldest = session.execute(
        select(msum(sq.c.open), func.count(), func.min(sq.c.due))).one()
    return amt, count or 0, oldest


def committed(session: Session, customer_id: int, exclude_source: str | None = None) -> Decimal:
    stmt = select(msum(CreditCommitment.amount)).where(
        CreditCommitment.customer_id == customer_id, CreditCommitment.state == OPEN)
    if exclude_source:
        stmt = stmt.where(CreditCommitment.source != exclude_source)
    return session.scalar(stmt)


def status(session: Session, customer_id: int, amount: Decimal = ZERO, *,
           today: date | None = None, exclude_source: str | None = None,
           profile: CreditProfile | None = None) -> CreditStatus:
    """The customer's credit position, and why an order of ``amount`` would
    be blocked (``blocks`` empty = allowed)."""
    today = today or clock.today()
    if profile is None:
        profile = session.get(CreditProfile, customer_id)
    terms = profile.effective_terms(today) if profile else PREPAYMENT
    limit = profile.credit_limit if profile else ZERO
    expired = bool(profile and profile.terms == NET and terms == PREPAYMENT)
    balance = customer_balance(session, customer_id)
    commit = committed(session, customer_id, exclude_source)
    exposure = balance + commit
    if terms == NET:
        available = limit - exposure
    else:
        available = -balance - commit
    days = int(settings_of(session, "finance.overdue_block_days"))
    od_amt, od_count, oldest = overdue(session, customer_id, today, days)
    st = CreditStatus(customer_id, terms, profile.term_days if profile else 0, limit,
                      profile.valid_until if profile else None, expired, balance, commit,
                      exposure, available, od_amt, od_count, oldest)
    if amount > 0:
        if terms == NET and exposure + amount > limit:
            st.blocks.append(str(_l(
                "Over the credit limit: exposure %(exposure)s + this order %(amount)s > limit "
                "%(limit)s (%(available)s still available).", exposure=figures(exposure),
                amount=figures(amount), limit=figures(limit),
                available=figures(max(available, ZERO)))))
        if terms == PREPAYMENT and amount > available:
            if expired:
                st.blocks.append(str(_l(
                    "The credit line expired on %(date)s: payment before delivery applies.",
                    date=profile.valid_until.isoformat())))
            st.blocks.append(str(_l(
                "Payment before delivery: the prepaid balance available is %(available)s, "
                "this order is %(amount)s.", available=figures(max(available, ZERO)),
                amount=figures(amount))))
    if od_count:
        st.blocks.append(str(_l(
            "%(count)s invoice(s) overdue by more than %(days)s days (%(amount)s open, oldest "
            "due %(date)s).", count=od_count, days=days, amount=figures(od_amt),
            date=oldest.isoformat())))
    return st


def check_credit(session: Session, customer_id: int, amount, *, user=None,
                 override_reason: str | None = None, source: str | None = None,
                 reserve: bool | None = None, today: date | None = None) -> CreditDecision:
    """The one credit check every plugin calls before confirming an order.

    Raises ``CreditBlocked`` (a ``ServiceError``) with every reason when the
    order is refused.  With ``source`` (e.g. "dealers.order:17") the amount
    is reserved as a commitment until ``post_invoice(source=...)`` or
    ``release_credit(source)``; checking the same source again replaces it.
    """
    _customer(session, customer_id)
    amount = to_money(amount)
    reserve = bool(source) if reserve is None else reserve
    if reserve and not source:
        raise ValueError("reserving credit needs a source")
    profile = _lock_profile(session, customer_id)
    st = status(session, customer_id, amount, today=today, exclude_source=source, profile=profile)
    decision = CreditDecision(allowed=not st.blocks, status=st)
    if st.blocks:
        reason = (override_reason or "").strip()
        if not reason:
            raise CreditBlocked(" ".join(st.blocks), st.blocks, st)
        if user is None or not access.has_permission(session, user, "finance.credit_override"):
            raise CreditBlocked(
                str(_l("Only a manager with the credit override permission can let this order "
                       "through.")) + " " + " ".join(st.blocks), st.blocks, st)
        ov = CreditOverride(customer_id=customer_id, amount=amount, source=source,
                            blocks="\n".join(st.blocks), reason=reason, user_id=user.id)
        audit.set_reason(session, reason)
        session.add(ov)
        session.flush()
        decision.allowed, decision.overridden, decision.override_id = True, True, ov.id
    if reserve:
        row = session.execute(select(CreditCommitment).where(CreditCommitment.source == source)
                              ).scalar_one_or_none()
        if row is None:
            row = CreditCommitment(customer_id=customer_id, source=source, amount=amount,
                                   created_by=getattr(user, "id", None))
            session.add(row)
        else:
            row.amount, row.state, row.closed_at = amount, OPEN, None
        session.flush()
        decision.commitment_id = row.id
    return decision


def release_credit(session: Session, source: str) -> bool:
    """An order was cancelled before it was invoiced: free its amount."""
    # One conditional UPDATE: released or invoiced meanwhile, it stays so.
    done = session.execute(
        update(CreditCommitment)
        .where(CreditCommitment.source == source, CreditCommitment.state == OPEN)
        .values(state=RELEASED, closed_at=utcnow())
        .execution_options(synchronize_session="fetch"))
    return done.rowcount > 0


def set_profile(session: Session, customer_id: int, *, credit_limit, terms: str, term_days: int,
                valid_until: date | None, note: str = "", user=None) -> CreditProfile:
    """Grant or change a credit line (finance only)."""
    if user is not None and not access.has_permission(session, user, "finance.manage_credit"):
        raise ServiceError(_l("You do not have permission to do this."))
    _customer(session, customer_id)
    limit = to_money(credit_limit, allow_zero=True)
    if terms not in TERMS:
        raise ServiceError(_l("Unknown payment terms."))
    term_days = int(term_days or 0)
    if term_days < 0 or term_days > 365:
        raise ServiceError(_l("Payment terms are 0 to 365 days."))
    if terms == NET and term_days == 0:
        raise ServiceError(_l("Net terms need a number of days."))
    if terms == NET and limit <= 0:
        raise ServiceError(_l("Net terms need a credit limit above zero."))
    profile = _lock_profile(session, customer_id)
    profile.credit_limit = limit
    profile.terms = terms
    profile.term_days = term_days if terms == NET else 0
    profile.valid_until = valid_until
    profile.note = (note or "").strip() or None
    profile.updated_by = getattr(user, "id", None)
    session.flush()
    return profile
