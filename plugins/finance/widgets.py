"""Home-page widgets and the finance panel on the customer page.

The receivables figures age every open item of the viewer's customers and
the budget compares each budget line with the ledger, so the home page only
draws their frames (one ``EXISTS`` query decides whether there is a budget
this month): ``qudao.js`` fetches each body from ``/finance/widgets/<name>``
after the page — without JavaScript the frame is a link to it — and the
rendered body is kept per user for ``WIDGET_CACHE_SECONDS`` (default 60) and
shows the time it was computed."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.access import has_permission
from core.i18n import _l
from core.registry import Widget
from core.widgets import Fragment

from .models import Budget, Statement
from .services import credit as credit_svc
from core import clock

VIEW = "finance.view"




def _receivables(s, user, today):
    from .views.overview import summary

    return summary(s, user)


def _budget(s, user, today):
    from core.access import scoped_select

    from .labels import label
    from .services import budgets as budget_svc

    rows = budget_svc.report(s, scoped_select(s, Budget, user), today.year, today.month)

    def name(r):
        if r.budget.account is not None:
            return r.budget.account.name.split("-")[-1]
        return label(r.budget.kind)

    return {"rows": [{"label": name(r), "actual": r.actual, "percent": r.percent} for r in rows[:6]]}


#: Widgets loaded after the page, by the name in their URL.
FRAGMENTS = {
    "receivables": Fragment(_l("Receivables"), "finance/widget_receivables.html", _receivables, 20),
    "budget": Fragment(_l("Budget this month"), "finance/widget_budget.html", _budget, 30),
}


def widgets(s, user) -> list[Widget]:
    from core.access import kept_statement, scoped_select

    if not has_permission(s, user, VIEW):
        return []
    names = ["receivables"]
    today = clock.today()

    def any_budget():
        budgets = scoped_select(s, Budget, user).where(Budget.year == today.year,
                                                       Budget.month == today.month)
        return select(budgets.exists())

    if s.scalar(kept_statement(s, user, ("finance.budget_exists", today.year, today.month),
                               any_budget)):
        names.append("budget")
    return [Widget(FRAGMENTS[n].title, "finance/widget_lazy.html", {"name": n}, FRAGMENTS[n].sequence)
            for n in names]


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
