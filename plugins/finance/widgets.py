"""Home-page widgets and the finance panel on the customer page."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.access import has_permission
from core.i18n import _l
from core.registry import Widget

from .models import Budget, Statement
from .services import credit as credit_svc


def widgets(user) -> list[Widget]:
    from core.access import scoped_select
    from core.web import db_session

    s = db_session()
    if not has_permission(s, user, "finance.view"):
        return []
    from .views.overview import summary

    out = [Widget(_l("Receivables"), "finance/widget_receivables.html", summary(s, user), 20)]
    today = date.today()
    from .services import budgets as budget_svc

    rows = budget_svc.report(s, scoped_select(s, Budget, user), today.year, today.month)
    if rows:
        from .labels import label

        def name(r):
            if r.budget.account is not None:
                return r.budget.account.name.split("-")[-1]
            return label(r.budget.kind)

        out.append(Widget(_l("Budget this month"), "finance/widget_budget.html",
                          {"rows": [{"label": name(r), "actual": r.actual, "percent": r.percent}
                                    for r in rows[:6]]}, 30))
    return out


def customer_panel(session, customer, user) -> list:
    """Balance, credit line, exposure, overdue, last statement and its answer."""
    if not has_permission(session, user, "finance.view"):
        return []
    from plugins.customers.api import CustomerPanel

    st = credit_svc.status(session, customer.id)
    last = session.execute(select(Statement).where(Statement.customer_id == customer.id)
                           .order_by(Statement.period.desc()).limit(1)).scalar_one_or_none()
    ctx = {
        "balance": st.balance, "credit_limit": st.credit_limit, "terms": st.terms,
        "term_days": st.term_days, "exposure": st.exposure, "available": st.available,
        "overdue_amount": st.overdue_amount, "overdue_count": st.overdue_count,
        "blocked": bool(st.blocks),
        "statement": {"id": last.id, "period": last.period, "number": last.number,
                      "closing": last.closing, "answer": last.answer} if last else None,
    }
    return [CustomerPanel(_l("Finance"), "finance/panel_customer.html", ctx, 50)]
