"""Reports of the development work: visits and receptions with their
outcome, expense per key account against its revenue, and the periodic
development report per developer (seed 002 §2.2 定期汇报开发情况总结报告).
Every query is limited by the caller's ``scope`` (a SELECT of the customer
ids the reader may see); totals are summed in SQL."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from core.i18n import _l
from core.models import User
from core.services import ServiceError
from plugins.customers.api import Customer
from plugins.finance import api as finance

from ..models.development import (
    APPROVED, PAID, StoresDemoClaim, StoresDemoPlan, StoresDemoReception, StoresDemoVisit,
)
from .plans import claimed_costs
from core import clock


def month_bounds(period: str | None, today: date | None = None) -> tuple[date, date]:
    """"2026-12" → (2026-12-01, 2027-01-01); blank → this month."""
    today = today or clock.today()
    raw = (period or "").strip()
    try:
        y, m = (int(x) for x in raw.split("-")) if raw else (today.year, today.month)
        start = date(y, m, 1)
    except ValueError:
        raise ServiceError(_l("%(value)s is not a month (YYYY-MM).", value=raw)) from None
    end = date(y + (m == 12), m % 12 + 1, 1)
    return start, end


def visits_in(session: Session, scope, start: date, end: date, owner_id: int | None = None):
    v = StoresDemoVisit
    stmt = (select(v).where(v.customer_id.in_(scope), v.planned_on >= start, v.planned_on < end)
            .order_by(v.planned_on, v.id))
    if owner_id is not None:
        stmt = stmt.where(v.owner_id == owner_id)
    return session.execute(stmt).scalars().all()


def receptions_in(session: Session, scope, start: date, end: date, owner_id: int | None = None):
    r = StoresDemoReception
    stmt = (select(r).where(r.customer_id.in_(scope), r.visit_on >= start, r.visit_on < end)
            .order_by(r.visit_on, r.id))
    if owner_id is not None:
        stmt = stmt.where(r.owner_id == owner_id)
    return session.execute(stmt).scalars().all()


@dataclass
class AccountMoney:
    customer_id: int
    name: str
    revenue: Decimal
    expense: Decimal

    @property
    def ratio(self) -> Decimal | None:
        """Expense per 100 of revenue."""
        if not self.revenue:
            return None
        return (self.expense * 100 / self.revenue).quantize(Decimal("0.1"))


def expense_against_revenue(session: Session, scope, start: date, end: date,
                            owner_id: int | None = None) -> list[AccountMoney]:
    """Key accounts with approved expense in the period, each with its
    invoiced revenue of the same period (from finance)."""
    c = StoresDemoClaim
    claimed = select(c.customer_id).where(c.customer_id.in_(scope), c.status.in_((APPROVED, PAID)),
                                          c.spent_on >= start, c.spent_on < end)
    if owner_id is not None:
        claimed = claimed.where(c.owner_id == owner_id)
    expense = claimed_costs(session, claimed, start, end)
    if not expense:
        return []
    revenue = finance.invoiced_amounts(session, list(expense), start, end)
    names = dict(session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(list(expense)))).all())
    rows = [AccountMoney(cid, names.get(cid, ""), revenue.get(cid, Decimal("0.00")), amt)
            for cid, amt in expense.items()]
    return sorted(rows, key=lambda r: (-r.expense, r.name))


def per_developer(session: Session, scope, start: date, end: date) -> list[dict]:
    """Visits, receptions and approved expense per developer, counted in SQL."""
    v, r, c = StoresDemoVisit, StoresDemoReception, StoresDemoClaim
    zero = literal(0)
    parts = union_all(
        select(v.owner_id.label("uid"), literal(1).label("visits"), zero.label("receptions"),
               literal(Decimal("0")).label("expense"))
        .where(v.customer_id.in_(scope), v.planned_on >= start, v.planned_on < end),
        select(r.owner_id, zero, literal(1), literal(Decimal("0")))
        .where(r.customer_id.in_(scope), r.visit_on >= start, r.visit_on < end),
        select(c.owner_id, zero, zero, c.amount)
        .where(c.customer_id.in_(scope), c.status.in_((APPROVED, PAID)), c.spent_on >= start,
               c.spent_on < end),
    ).subquery()
    stmt = (select(parts.c.uid, User.full_name, User.username, func.sum(parts.c.visits),
                   func.sum(parts.c.receptions), func.sum(parts.c.expense))
            .join(User, User.id == parts.c.uid)
            .group_by(parts.c.uid, User.full_name, User.username).order_by(User.username))
    return [{"user_id": uid, "name": full or login, "visits": int(nv or 0), "receptions": int(nr or 0),
             "expense": Decimal(ex or 0).quantize(Decimal("0.01"))}
            for uid, full, login, nv, nr, ex in session.execute(stmt)]


@dataclass
class DeveloperReport:
    user_id: int
    name: str
    start: date
    end: date  # exclusive
    plans: list = field(default_factory=list)
    visits: list = field(default_factory=list)
    receptions: list = field(default_factory=list)
    accounts: list = field(default_factory=list)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def expense(self) -> Decimal:
        return sum((a.expense for a in self.accounts), Decimal("0.00"))

    @property
    def revenue(self) -> Decimal:
        return sum((a.revenue for a in self.accounts), Decimal("0.00"))


def developer_report(session: Session, scope, user_id: int, name: str, start: date,
                     end: date) -> DeveloperReport:
    p = StoresDemoPlan
    plans = session.execute(select(p).where(p.customer_id.in_(scope), p.owner_id == user_id,
                                            p.period_start < end, p.period_end >= start)
                            .order_by(p.period_start, p.id)).scalars().all()
    return DeveloperReport(user_id, name, start, end, plans=plans,
                           visits=visits_in(session, scope, start, end, user_id),
                           receptions=receptions_in(session, scope, start, end, user_id),
                           accounts=expense_against_revenue(session, scope, start, end, user_id))


def todo_counts(session: Session, user, today: date | None = None, *, approver: bool = False) -> dict:
    """The home-page reminder: the user's follow-ups due and overdue (seed
    002 §四.5: within a week of the visit) and, for an approver, what waits
    for a decision.  Counted in SQL within the user's scope."""
    from core.access import scoped_select

    from ..models.development import R_PLANNED, SUBMITTED, V_APPLIED, V_VISITED

    today = today or clock.today()
    v = StoresDemoVisit

    def count(model, *where) -> int:
        stmt = scoped_select(session, model, user).where(*where)
        return session.scalar(stmt.with_only_columns(func.count(model.id)).order_by(None)) or 0

    out = {"due": count(v, v.owner_id == user.id, v.status == V_VISITED, v.follow_up_due >= today),
           "overdue": count(v, v.status == V_VISITED, v.follow_up_due < today)}
    if approver:
        out.update(plans=count(StoresDemoPlan, StoresDemoPlan.status == SUBMITTED),
                   visits=count(v, v.status == V_APPLIED),
                   receptions=count(StoresDemoReception, StoresDemoReception.status == R_PLANNED),
                   claims=count(StoresDemoClaim, StoresDemoClaim.status == SUBMITTED))
    return out
