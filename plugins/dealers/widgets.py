"""Home-page widgets: sell-in against sell-out by month, weeks of cover by
dealer, and the paper-trail and sample to-dos."""
from __future__ import annotations

from datetime import date

from core.i18n import _l
from core.registry import Widget

from .permissions import VIEW


def widgets(user) -> list[Widget]:
    from core.access import has_permission
    from core.web import db_session

    from . import dashboard

    s = db_session()
    if not has_permission(s, user, VIEW):
        return []
    today = date.today()
    return [
        Widget(_l("Sell-in and sell-out by month"), "dealers/widget_sell.html",
               {"chart": dashboard.sell_chart(s, user, today)}, sequence=30),
        Widget(_l("Weeks of cover by dealer"), "dealers/widget_cover.html",
               {"chart": dashboard.cover_chart(s, user, today, 10)}, sequence=31),
        Widget(_l("Dealer to-dos"), "dealers/widget_todo.html",
               {"counts": dashboard.counts(s, user, today)}, sequence=32),
    ]
