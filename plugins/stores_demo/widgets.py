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


def customer_panels(session, customer, user) -> list:
    """The key account's dates and plans on the customers plugin's customer
    page (its ``customer_panels`` hook, called only for the plugins the
    user's org unit uses): pipeline stage and next contact, birthdays and
    anniversaries with their next day, visits planned, development plans.
    Plain data, four small queries, each scoped to what the user may see."""
    from datetime import date

    from sqlalchemy import select

    from core.access import has_permission, scoped_select
    from core.i18n import _l
    from plugins.customers.api import CustomerPanel

    from .declarations import VIEW
    from .development_labels import state_label
    from .models.accounts import StoresDemoAccount
    from .models.anniversaries import StoresDemoImportantDate
    from .models.development import V_VISITED, VISIT_STATES, StoresDemoPlan, StoresDemoVisit
    from .services.accounts import is_key_account, stage_label
    from .services.anniversaries import occurrence

    if not is_key_account(customer) or not has_permission(session, user, VIEW):
        return []
    today = clock.today()
    acc = session.scalar(select(StoresDemoAccount).where(StoresDemoAccount.customer_id == customer.id))
    D = StoresDemoImportantDate
    dates = sorted(({"kind": d.kind, "person": d.person or "", "month": d.month, "day": d.day,
                     "next": occurrence(d.month, d.day, today)}
                    for d in session.execute(scoped_select(session, D, user)
                                             .where(D.customer_id == customer.id)).scalars()),
                   key=lambda r: r["next"])
    V = StoresDemoVisit
    before_visit = VISIT_STATES[:VISIT_STATES.index(V_VISITED)]
    visits = [{"id": v.id, "on": v.planned_on, "purpose": v.purpose, "state": str(state_label(v.status))}
              for v in session.execute(scoped_select(session, V, user)
                                       .where(V.customer_id == customer.id, V.status.in_(before_visit))
                                       .order_by(V.planned_on, V.id).limit(5)).scalars()]
    P = StoresDemoPlan
    plans = [{"id": p.id, "title": p.title, "start": p.period_start, "end": p.period_end,
              "state": p.status, "state_label": str(state_label(p.status)), "expected": p.expected_value}
             for p in session.execute(scoped_select(session, P, user)
                                      .where(P.customer_id == customer.id)
                                      .order_by(P.period_start.desc(), P.id.desc()).limit(5)).scalars()]
    ctx = {"stage": str(stage_label(acc.stage)) if acc else "", "has_account": acc is not None,
           "next_contact": acc.next_contact_on if acc else None,
           "overdue": bool(acc and acc.next_contact_on and acc.next_contact_on < today),
           "dates": dates, "visits": visits, "plans": plans}
    return [CustomerPanel(_l("Key account: dates and plans"), "stores_demo/panel_customer.html", ctx,
                          sequence=30)]
