"""Periodic wealth check-ups (seed 004: 定期财富诊断): how often depends on
the customer's cell of the value matrix (AUM × growth potential, seed 图1) —
the matrix's own AUM line (``banking_rm.matrix_aum_threshold``), so a
customer is "high value" for check-ups exactly when the matrix says so;
the overdue list is one statement, the cell's cut-off dates bound in."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from core.i18n import _l
from core.services import ServiceError
from core.fields import optional_text, required_text
from plugins.customers.api import Customer, customer_ids_for

from ..models.care import CHECKUP, TASK_OPEN, BankCareTask, BankCheckup
from ..models.clients import ASSET_KINDS, OPEN, POTENTIAL_HIGH, BankHolding, BankRetailProfile
from .care_inputs import setting, to_date
from .clients import aum_threshold
from core import clock

CELLS = ("high_high", "high_low", "low_high", "low_low")


def months_back(day: date, months: int) -> date:
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    m += 1
    import calendar

    return date(y, m, min(day.day, calendar.monthrange(y, m)[1]))


def cell_months(session: Session) -> dict[str, int]:
    return {c: int(setting(session, f"checkup_months_{c}")) for c in CELLS}


def overdue(session: Session, user, today: date, manager_id: int | None = None) -> Select:
    """Customers whose last check-up is older than their cell allows (or who
    never had one): customer, AUM, potential, cell, last check-up."""
    aum = (select(BankHolding.customer_id, func.sum(BankHolding.amount).label("aum"))
           .where(BankHolding.status == OPEN, BankHolding.kind.in_(ASSET_KINDS))
           .group_by(BankHolding.customer_id).subquery())
    last = (select(BankCheckup.customer_id, func.max(BankCheckup.done_on).label("last_on"))
            .group_by(BankCheckup.customer_id).subquery())
    line = aum_threshold(session)
    amount = func.coalesce(aum.c.aum, 0)
    high = amount >= line
    hp = BankRetailProfile.potential == POTENTIAL_HIGH
    cell = case((high & hp, "high_high"), (high, "high_low"), (hp, "low_high"), else_="low_low")
    months = cell_months(session)
    cutoff = case(*[(cell == c, months_back(today, months[c])) for c in CELLS[:-1]],
                  else_=months_back(today, months["low_low"]))
    conds = [Customer.id.in_(customer_ids_for(user)),
             or_(last.c.last_on.is_(None), last.c.last_on < cutoff)]
    if manager_id:
        conds.append(Customer.owner_id == manager_id)
    return (select(Customer.id, Customer.code, Customer.name, Customer.owner_id, amount.label("aum"),
                   BankRetailProfile.potential, cell.label("cell"), last.c.last_on)
            .join(BankRetailProfile, BankRetailProfile.customer_id == Customer.id)
            .outerjoin(aum, aum.c.customer_id == Customer.id)
            .outerjoin(last, last.c.customer_id == Customer.id)
            .where(*conds)
            .order_by(last.c.last_on.is_not(None), last.c.last_on, amount.desc()))


def record(session: Session, customer: Customer, user, *, done_on, findings, plan=None,
           follow_up_on=None) -> BankCheckup:
    """A check-up; its follow-up date becomes a care task for the manager."""
    day = to_date(session, done_on, _l("Done on"))
    if day > clock.today():
        raise ServiceError(_l("A check-up cannot be dated in the future."))
    follow = to_date(session, follow_up_on, _l("Follow up on"), allow_blank=True)
    if follow is not None and follow <= day:
        raise ServiceError(_l("The follow-up comes after the check-up."))
    if session.scalar(select(BankRetailProfile.id).where(BankRetailProfile.customer_id == customer.id)) is None:
        raise ServiceError(_l("%(name)s is not a retail customer of the branch.", name=customer.name))
    row = BankCheckup(customer_id=customer.id, user_id=user.id, done_on=day,
                      findings=required_text(findings, _l("Findings"), 4000),
                      plan=optional_text(plan, _l("Plan"), 4000), follow_up_on=follow)
    session.add(row)
    session.flush()
    if follow is not None:
        session.add(BankCareTask(customer_id=customer.id, user_id=customer.owner_id or user.id, kind=CHECKUP,
                                 ref=f"checkup:{row.id}", due_on=follow, status=TASK_OPEN,
                                 title=str(_l("Check-up follow-up: %(name)s", name=customer.name))))
        session.flush()
    return row


def recent(user, limit: int = 30) -> Select:
    return (select(BankCheckup, Customer.name, Customer.code)
            .join(Customer, Customer.id == BankCheckup.customer_id)
            .where(BankCheckup.customer_id.in_(customer_ids_for(user)))
            .order_by(BankCheckup.done_on.desc(), BankCheckup.id.desc()).limit(limit))


