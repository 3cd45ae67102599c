"""Home-page widgets of the key-account department."""
from __future__ import annotations
from core import clock


def widgets(session, user) -> list:
    from .widgets_accounts import account_widgets

    out: list = []
    out += account_widgets(session, user)
    out += development_widgets(session, user)
    out += followup_widgets(session, user)
    return out


def development_widgets(session, user) -> list:
    """Follow-ups due and overdue; plans, visits, receptions and claims
    waiting for the approver."""
    from datetime import date

    from core.access import has_permission
    from core.i18n import _l
    from core.registry import Widget

    from .declarations import APPROVE, VIEW
    from .services.devreport import todo_counts

    if not has_permission(session, user, VIEW):
        return []
    approver = has_permission(session, user, APPROVE)
    counts = todo_counts(session, user, clock.today(), approver=approver)
    return [Widget(_l("Key-account follow-ups and approvals"), "stores_demo/widget_development.html",
                   {"counts": counts, "approver": approver}, sequence=35)]


def followup_widgets(session, user) -> list:
    """My tasks due (and overdue), and the birthdays and anniversaries coming
    within ``stores_demo.anniversary_days_ahead`` days: three small queries."""
    from datetime import date

    from sqlalchemy import case, func, select

    from core import settings
    from core.access import has_permission
    from core.i18n import _l
    from core.registry import Widget

    from .declarations import VIEW
    from .models.tasks import StoresDemoTask
    from .services import anniversaries

    if not has_permission(session, user, VIEW):
        return []
    today = clock.today()
    T = StoresDemoTask
    overdue, due_today, open_ = session.execute(
        select(func.coalesce(func.sum(case((T.due_on < today, 1), else_=0)), 0),
               func.coalesce(func.sum(case((T.due_on == today, 1), else_=0)), 0),
               func.count(T.id))
        .where(T.owner_id == user.id, T.done.is_(False))).one()
    soonest = session.execute(select(T).where(T.owner_id == user.id, T.done.is_(False))
                              .order_by(T.due_on, T.id).limit(5)).scalars().all()
    ahead = settings.get(session, "stores_demo.anniversary_days_ahead")
    coming = anniversaries.reminders(session, user, today=today, days=ahead, limit=6)
    return [
        Widget(_l("My follow-up tasks"), "stores_demo/widget_tasks.html",
               {"overdue": int(overdue), "today": int(due_today), "open": int(open_), "tasks": soonest,
                "day": today}, sequence=33),
        Widget(_l("Birthdays and anniversaries coming"), "stores_demo/widget_anniversaries.html",
               {"rows": coming[:5], "more": len(coming) > 5, "ahead": ahead}, sequence=34),
    ]
