"""The home page's after-sale care counts: a few aggregates, one query each."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plugins.customers.api import customer_ids_for

from ..models.care import TASK_OPEN, BankCareTask
from . import calendar as care
from . import maturities as mat
from . import yields


def counts(session: Session, user, today: date) -> dict:
    days = mat.horizon(session)
    n, amount = mat.total(session, user, today, days)
    due, overdue = session.execute(
        select(func.count(BankCareTask.id),
               func.count(BankCareTask.id).filter(BankCareTask.due_on < today))
        .where(BankCareTask.status == TASK_OPEN, BankCareTask.due_on <= today + timedelta(days=7),
               BankCareTask.customer_id.in_(customer_ids_for(user)))).one()
    care_days = care.horizon(session)
    occasions = session.scalar(select(func.count()).select_from(
        care.upcoming_stmt(user, today, care_days).subquery()))
    return {"maturing": n, "maturing_amount": amount, "maturity_days": days, "tasks_due": int(due),
            "tasks_overdue": int(overdue), "occasions": int(occasions or 0), "care_days": care_days,
            "yield_alerts": yields.alert_count(session, user)}
