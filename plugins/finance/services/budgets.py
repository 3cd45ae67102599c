"""Budgets and accruals (预算 / 预提, seed 000 §四.5.F).

Budgets: an amount per month, org unit and optionally salesperson, for
sales, collections or one expense account.  Actuals come from the ledger
lines' dimensions (the org unit and salesperson a line counts for), summed
in SQL: sales = credit − debit on 6001; collections = debit − credit on
1001/1002 in the receipts journal; an expense = debit − credit on the
account and its sub-accounts.  An org unit's actual includes its sub-units.

Accruals ("对当月实际已经发生尚未报帐的费用要在当月月底…预提"): the
expense is posted on the month's last day and its reversal, dated the first
day of the next month, is posted in the same transaction — automatic, and
nothing to forget.  (Posting the reversal immediately rather than from a
scheduled job keeps it atomic with the accrual; reports "as of" a date
before the 1st do not see it.)
"""
from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.access import subtree_ids
from core.i18n import _l
from core.models import OrgUnit, User
from core.services import ServiceError, lock

from ..models import Account, Accrual, Budget, Entry, Journal, Line
from ..models.budgets import BUDGET_KINDS, COLLECTIONS, EXPENSE, SALES
from ..models.ledger import EXPENSE as EXPENSE_KIND
from ..models.ledger import LIABILITY
from . import chart
from .common import _user_id
from .ledger import LineSpec, atomic, post_entry, reverse_entry
from .money import msum, to_money
from core import clock


def month_bounds(year: int, month: int) -> tuple[date, date]:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise ServiceError(_l("Choose a valid month."))
    return date(year, month, 1), date(year, month, monthrange(year, month)[1])


def set_budget(session: Session, *, org_unit_id: int, owner_id: int | None, year: int, month: int,
               kind: str, amount, account_id: int | None = None, note: str = "") -> Budget:
    """Create or replace one budget line."""
    month_bounds(year, month)
    if kind not in BUDGET_KINDS:
        raise ServiceError(_l("Unknown budget kind."))
    # The unit's row, locked: two people setting the same line at once
    # replace it one after the other instead of adding it twice.
    if lock(session, OrgUnit, org_unit_id) is None:
        raise ServiceError(_l("Unknown org unit."))
    if owner_id is not None and session.get(User, owner_id) is None:
        raise ServiceError(_l("Unknown salesperson."))
    if kind == EXPENSE:
        acc = session.get(Account, account_id) if account_id else None
        if acc is None or acc.kind != EXPENSE_KIND:
            raise ServiceError(_l("An expense budget needs an expense account."))
    else:
        account_id = None
    amount = to_money(amount, allow_zero=True)
    stmt = select(Budget).where(
        Budget.org_unit_id == org_unit_id, Budget.year == year, Budget.month == month,
        Budget.kind == kind,
        Budget.owner_id.is_(None) if owner_id is None else Budget.owner_id == owner_id,
        Budget.account_id.is_(None) if account_id is None else Budget.account_id == account_id)
    row = session.execute(stmt).scalar_one_or_none()
    if row is None:
        row = Budget(org_unit_id=org_unit_id, owner_id=owner_id, year=year, month=month,
                     kind=kind, account_id=account_id, amount=amount, note=note)
        session.add(row)
    else:
        row.amount, row.note = amount, note
    session.flush()
    return row


def actual(session: Session, budget: Budget) -> Decimal:
    """The ledger's figure for one budget line (one SQL sum)."""
    start, end = month_bounds(budget.year, budget.month)
    stmt = select(Line).where(Line.date >= start, Line.date <= end,
                              Line.unit_id.in_(subtree_ids(budget.org_unit_id)))
    if budget.owner_id is not None:
        stmt = stmt.where(Line.salesperson_id == budget.owner_id)
    if budget.kind == SALES:
        acc = select(Account.id).where(Account.code == chart.REVENUE_MAIN)
        value = msum(Line.credit - Line.debit)
        stmt = stmt.where(Line.account_id.in_(acc))
    elif budget.kind == COLLECTIONS:
        acc = select(Account.id).where(Account.code.in_((chart.CASH, chart.BANK)))
        rec = select(Entry.id).join(Journal, Journal.id == Entry.journal_id).where(
            Journal.code == "REC")
        value = msum(Line.debit - Line.credit)
        stmt = stmt.where(Line.account_id.in_(acc), Line.entry_id.in_(rec))
    else:
        code = budget.account.code
        acc = select(Account.id).where(or_(Account.code == code, Account.code.startswith(code)))
        value = msum(Line.debit - Line.credit)
        stmt = stmt.where(Line.account_id.in_(acc))
    return session.scalar(stmt.with_only_columns(value))


@dataclass
class BudgetRow:
    budget: Budget
    actual: Decimal

    @property
    def variance(self) -> Decimal:
        """Favourable is positive: more sales/collections, or less expense."""
        diff = self.actual - self.budget.amount
        return -diff if self.budget.kind == EXPENSE else diff

    @property
    def percent(self) -> Decimal | None:
        if not self.budget.amount:
            return None
        return (self.actual * 100 / self.budget.amount).quantize(Decimal("0.1"))


def report(session: Session, budgets_stmt, year: int, month: int) -> list[BudgetRow]:
    """Actual against budget for the (scoped) budget lines of one month."""
    rows = session.execute(budgets_stmt.where(Budget.year == year, Budget.month == month)
                           .order_by(Budget.org_unit_id, Budget.owner_id, Budget.kind,
                                     Budget.account_id)).scalars().all()
    return [BudgetRow(b, actual(session, b)) for b in rows]


def expense_accounts(session: Session) -> list[Account]:
    return list(session.execute(select(Account).where(
        Account.kind == EXPENSE_KIND, Account.active.is_(True)).order_by(Account.code)).scalars())


def accrual_counter_accounts(session: Session) -> list[Account]:
    return list(session.execute(select(Account).where(
        Account.kind == LIABILITY, Account.active.is_(True)).order_by(Account.code)).scalars())


def post_accrual(session: Session, *, org_unit_id: int, owner_id: int | None, account_code: str,
                 amount, description: str, when: date | None = None,
                 counter_code: str = chart.OTHER_PAYABLE, user=None) -> Accrual:
    """Accrue an expense at month end; its reversal is dated the 1st of the next month."""
    amount = to_money(amount)
    description = (description or "").strip()
    if not description:
        raise ServiceError(_l("Describe the expense being accrued."))
    chart.ensure_setup(session)
    acc = session.execute(select(Account).where(Account.code == account_code)).scalar_one_or_none()
    if acc is None or acc.kind != EXPENSE_KIND:
        raise ServiceError(_l("Accruals are for expense accounts."))
    counter = session.execute(select(Account).where(Account.code == counter_code)
                              ).scalar_one_or_none()
    if counter is None or counter.kind != LIABILITY:
        raise ServiceError(_l("The accrual's counter account must be a liability (e.g. 2241)."))
    if session.get(OrgUnit, org_unit_id) is None:
        raise ServiceError(_l("Unknown org unit."))
    today = clock.today()
    when = when or (today.replace(day=1) - timedelta(days=1))
    month_end = date(when.year, when.month, monthrange(when.year, when.month)[1])
    if when != month_end:
        raise ServiceError(_l("Accruals are dated on the last day of a month."))
    first_next = month_end + timedelta(days=1)
    with atomic(session):
        entry = post_entry(session, "ACR", when, [
            LineSpec(acc.code, debit=amount, memo=description[:255]),
            LineSpec(counter.code, credit=amount, memo=description[:255]),
        ], memo=str(_l("Accrual: %(text)s", text=description))[:255], unit_id=org_unit_id,
            salesperson_id=owner_id, user_id=_user_id(user), source="finance.accrual")
        rev = reverse_entry(session, entry, first_next, user_id=_user_id(user),
                            memo=str(_l("Automatic reversal of accrual %(number)s",
                                        number=entry.number))[:255])
        row = Accrual(org_unit_id=org_unit_id, owner_id=owner_id, date=when, account_id=acc.id,
                      counter_account_id=counter.id, amount=amount, description=description,
                      entry_id=entry.id, reversal_entry_id=rev.id, created_by=_user_id(user))
        session.add(row)
        session.flush()
    return row


__all__ = ["set_budget", "actual", "report", "post_accrual", "month_bounds", "BudgetRow",
           "expense_accounts", "accrual_counter_accounts"]
