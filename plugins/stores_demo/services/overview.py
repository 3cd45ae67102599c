"""The department's living overview: pipeline counts, my accounts, the
contacts due.  Shared by the plugin's home page and the home-page widget."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core.models import User
from plugins.customers import api as customers

from ..models.accounts import STAGES, StoresDemoAccount
from core import clock


def summary(session: Session, user: User, today: date | None = None, mine: int = 10) -> dict:
    """Counts per stage, contacts overdue / due today / due this week (one
    query each), and the user's own accounts with the nearest next contact."""
    today = today or clock.today()
    C, A = customers.Customer, StoresDemoAccount
    visible = C.id.in_(customers.customer_ids_for(user))
    per_stage = dict(session.execute(select(A.stage, func.count()).join(C, C.id == A.customer_id)
                                     .where(visible).group_by(A.stage)).all())
    week = today + timedelta(days=7)
    due = session.execute(select(
        func.count(case((A.next_contact_on < today, 1))),
        func.count(case((A.next_contact_on == today, 1))),
        func.count(case(((A.next_contact_on > today) & (A.next_contact_on <= week), 1))),
        func.count(case((A.next_contact_on.is_(None), 1))),
    ).join(C, C.id == A.customer_id).where(visible)).one()
    my_rows = session.execute(
        select(C.id, C.name, A.stage, A.next_contact_on).join(A, A.customer_id == C.id)
        .where(C.owner_id == user.id)
        .order_by(A.next_contact_on.is_(None), A.next_contact_on, C.name).limit(mine)).all()
    my_total = session.scalar(select(func.count()).select_from(C).join(A, A.customer_id == C.id)
                              .where(C.owner_id == user.id))
    total = sum(per_stage.values())
    top = max(per_stage.values(), default=0)
    stages = [{"stage": n, "code": code, "count": int(per_stage.get(n, 0)),
               "width": (round(10 * per_stage.get(n, 0) / top) * 10 if top else 0)}
              for n, code in enumerate(STAGES, start=1)]
    return {"stages": stages, "total": int(total), "overdue": int(due[0]), "today": int(due[1]),
            "week": int(due[2]), "never": int(due[3]), "mine": my_rows, "my_total": int(my_total or 0)}
