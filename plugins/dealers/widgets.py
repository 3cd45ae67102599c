"""Home-page widgets: sell-in against sell-out by month, weeks of cover by
dealer, and the paper-trail and sample to-dos.

The to-dos are one query on the home page itself.  The two charts aggregate
every order and stock report of the viewer's dealers, so the home page only
draws their frames: ``qudao.js`` fetches each from ``/dealers/widgets/<name>``
after the page (without JavaScript the frame is a link to the chart's page),
and the rendered fragment is kept per user for ``WIDGET_CACHE_SECONDS``
(default 60) and shows the time it was computed."""
from __future__ import annotations

from datetime import date

from core.i18n import _l
from core.registry import Widget
from core.widgets import Fragment

from .declarations import VIEW




def _sell(s, user, today):
    from . import dashboard

    return {"chart": dashboard.sell_chart(s, user, today)}


def _cover(s, user, today):
    from . import dashboard

    return {"chart": dashboard.cover_chart(s, user, today, 10)}


#: Widgets loaded after the page, by the name in their URL.
FRAGMENTS = {
    "sell": Fragment(_l("Sell-in and sell-out by month"), "dealers/widget_sell.html", _sell, 30),
    "cover": Fragment(_l("Weeks of cover by dealer"), "dealers/widget_cover.html", _cover, 31),
}


def widgets(user) -> list[Widget]:
    from core.access import has_permission
    from core.web import db_session

    from . import dashboard

    s = db_session()
    if not has_permission(s, user, VIEW):
        return []
    out = [Widget(f.title, "dealers/widget_lazy.html", {"name": name}, sequence=f.sequence)
           for name, f in FRAGMENTS.items()]
    out.append(Widget(_l("Dealer to-dos"), "dealers/widget_todo.html",
                      {"counts": dashboard.counts(s, user, date.today())}, sequence=32))
    return out
