"""Maturity reminders (seed 004: 账户到期提醒): the holdings maturing in the
next days, one call task each for the customer's manager, the call's outcome
(renewed, moved to another product, withdrawn, unreachable — what the money
does next feeds the next sale) and the amounts maturing week by week."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db import utcnow
from core.i18n import _l
from core.services import ServiceError
from core.fields import optional_text
from plugins.customers.api import Customer, customer_ids_for

from ..models.care import MATURITY, OUTCOMES, TASK_DONE, TASK_OPEN, BankCareTask
from ..models.clients import OPEN, BankHolding
from .care_inputs import setting, transition


def horizon(session: Session, days=None) -> int:
    """The days ahead asked for, else the setting (1–366)."""
    try:
        n = int(days) if days not in (None, "") else int(setting(session, "maturity_days"))
    except (TypeError, ValueError):
        n = int(setting(session, "maturity_days"))
    return max(1, min(366, n))


def in_scope(column, user) -> list:
    """``column IN (the customers the user may see)``; nothing when the user
    may see every customer (an admin, the head office), so a large list does
    not build a set of every customer id to compare with."""
    ids = customer_ids_for(user)
    return [] if ids.whereclause is None else [column.in_(ids)]


def _window(user, today: date, days: int, manager_id: int | None):
    conds = [BankHolding.status == OPEN,
             BankHolding.maturity_on >= today,
             BankHolding.maturity_on <= today + timedelta(days=days),
             *in_scope(BankHolding.customer_id, user)]
    if manager_id:
        conds.append(Customer.owner_id == manager_id)
    return conds


def maturing(user, today: date, days: int, manager_id: int | None = None) -> Select:
    """One statement: the open holdings maturing in ``[today, today + days]``
    the user may see, with their customer, manager and call task."""
    task = and_(BankCareTask.holding_id == BankHolding.id, BankCareTask.kind == MATURITY,
                BankCareTask.due_on == BankHolding.maturity_on)
    return (select(BankHolding.id, BankHolding.customer_id, Customer.code, Customer.name,
                   Customer.phone, Customer.owner_id, BankHolding.kind, BankHolding.product_name,
                   BankHolding.amount, BankHolding.maturity_on, BankHolding.yield_rate,
                   BankCareTask.id.label("task_id"), BankCareTask.status.label("task_status"),
                   BankCareTask.outcome)
            .join(Customer, Customer.id == BankHolding.customer_id)
            .outerjoin(BankCareTask, task)
            .where(*_window(user, today, days, manager_id))
            .order_by(BankHolding.maturity_on, BankHolding.id))


def total(session: Session, user, today: date, days: int, manager_id: int | None = None
          ) -> tuple[int, Decimal]:
    n, amount = session.execute(
        select(func.count(BankHolding.id), func.coalesce(func.sum(BankHolding.amount), 0))
        .join(Customer, Customer.id == BankHolding.customer_id)
        .where(*_window(user, today, days, manager_id))).one()
    return int(n), Decimal(amount)


def by_week(session: Session, user, today: date, days: int, manager_id: int | None = None) -> list[dict]:
    """Amounts maturing per week (Monday to Sunday), summed in SQL: the week
    is a CASE over bound week starts, the same on SQLite and PostgreSQL."""
    monday = today - timedelta(days=today.weekday())
    last = today + timedelta(days=days)
    starts = []
    d = monday
    while d <= last:
        starts.append(d)
        d += timedelta(days=7)
    week = case(*[(BankHolding.maturity_on < s + timedelta(days=7), i) for i, s in enumerate(starts)],
                else_=len(starts))
    rows = session.execute(
        select(week.label("w"), func.count(BankHolding.id), func.sum(BankHolding.amount))
        .join(Customer, Customer.id == BankHolding.customer_id)
        .where(*_window(user, today, days, manager_id))
        .group_by(week).order_by(week)).all()
    got = {int(w): (int(n), Decimal(s or 0)) for w, n, s in rows}
    return [{"start": s, "end": s + timedelta(days=6), "count": got.get(i, (0, 0))[0],
             "amount": got.get(i, (0, Decimal("0")))[1]} for i, s in enumerate(starts)]


def make_call_tasks(session: Session, user, today: date, days: int) -> int:
    """A call task for every maturing holding that has none yet, for the
    customer's manager; returns how many were made."""
    task = and_(BankCareTask.holding_id == BankHolding.id, BankCareTask.kind == MATURITY,
                BankCareTask.due_on == BankHolding.maturity_on)
    rows = session.execute(
        select(BankHolding.id, BankHolding.customer_id, Customer.owner_id, BankHolding.product_name,
               BankHolding.amount, BankHolding.maturity_on)
        .join(Customer, Customer.id == BankHolding.customer_id)
        .outerjoin(BankCareTask, task)
        .where(*_window(user, today, days, None), BankCareTask.id.is_(None))).all()
    for hid, cid, owner, product, amount, due in rows:
        session.add(BankCareTask(customer_id=cid, user_id=owner, kind=MATURITY, ref=f"holding:{hid}",
                                 holding_id=hid, due_on=due, status=TASK_OPEN,
                                 title=str(_l("Maturity call: %(product)s, %(amount)s",
                                              product=product, amount=amount))))
    try:
        session.flush()
    except IntegrityError:
        raise ServiceError(_l("Someone made these call tasks at the same moment; reload the page.")) from None
    return len(rows)


def log_call(session: Session, task: BankCareTask, user, *, outcome: str, note=None) -> None:
    """The call's outcome closes the task, once: a second report of the same
    call (two tabs, two people) is refused."""
    if task.kind != MATURITY:
        raise ServiceError(_l("This task is not a maturity call."))
    if outcome not in OUTCOMES:
        raise ServiceError(_l("Choose what the customer does with the money."))
    note = optional_text(note, _l("Note"))
    transition(session, BankCareTask, task.id, (TASK_OPEN,),
               {"status": TASK_DONE, "outcome": outcome, "note": note, "done_at": utcnow(),
                "done_by": user.id},
               _l("This call was already logged."))


def outcome_counts(session: Session, user, since: date) -> dict[str, int]:
    rows = session.execute(
        select(BankCareTask.outcome, func.count(BankCareTask.id))
        .where(BankCareTask.kind == MATURITY, BankCareTask.status == TASK_DONE,
               BankCareTask.due_on >= since,
               BankCareTask.customer_id.in_(customer_ids_for(user)))
        .group_by(BankCareTask.outcome)).all()
    return {o: int(n) for o, n in rows}


