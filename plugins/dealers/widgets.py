"""Home-page widgets: sell-in against sell-out by month, weeks of cover by
dealer, and the paper-trail and sample to-dos; and the panels on the
customer page (customers' ``customer_panels`` hook): the dealer's latest
orders and its sample units, plain data only.

The to-dos are one query on the home page itself.  The two charts aggregate
every order and stock report of the viewer's dealers, so the home page only
draws their frames: ``qudao.js`` fetches each from ``/dealers/widgets/<name>``
after the page (without JavaScript the frame is a link to the chart's page),
and the rendered fragment is kept per user for ``WIDGET_CACHE_SECONDS``
(default 60) and shows the time it was computed."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func

from core.access import scoped_select
from core.i18n import _l
from core.registry import Widget
from core.widgets import Fragment
from plugins.customers.api import CustomerPanel

from .declarations import VIEW
from .models import DealerOrder, DealerTerminal, SampleUnit
from .models.samples import ON_REGISTER
from .services.network import is_dealer
from core import clock




def _sell(s, user, today):
    from .services import dashboard

    return {"chart": dashboard.sell_chart(s, user, today)}


def _cover(s, user, today):
    from .services import dashboard

    return {"chart": dashboard.cover_chart(s, user, today, 10)}


#: Widgets loaded after the page, by the name in their URL.
FRAGMENTS = {
    "sell": Fragment(_l("Sell-in and sell-out by month"), "dealers/widget_sell.html", _sell, 30),
    "cover": Fragment(_l("Weeks of cover by dealer"), "dealers/widget_cover.html", _cover, 31),
}


def widgets(s, user) -> list[Widget]:
    from core.access import has_permission

    from .services import dashboard

    if not has_permission(s, user, VIEW):
        return []
    out = [Widget(f.title, "dealers/widget_lazy.html", {"name": name}, sequence=f.sequence)
           for name, f in FRAGMENTS.items()]
    out.append(Widget(_l("Dealer to-dos"), "dealers/widget_todo.html",
                      {"counts": dashboard.counts(s, user, clock.today())}, sequence=32))
    return out


def customer_panels(session, customer, user) -> list[CustomerPanel]:
    if not is_dealer(customer):
        return []
    orders = session.execute(scoped_select(session, DealerOrder, user)
                             .where(DealerOrder.customer_id == customer.id)
                             .order_by(DealerOrder.order_date.desc(), DealerOrder.id.desc()).limit(8)).scalars()
    order_rows = [{"id": o.id, "number": o.number, "date": o.order_date.isoformat(),
                   "state": o.state, "total": o.total, "signed": o.signed_on is not None,
                   "receipt": o.receipt_returned_on is not None} for o in orders]
    samples = session.execute(
        scoped_select(session, SampleUnit, user)
        .where(SampleUnit.customer_id == customer.id, SampleUnit.state.in_(ON_REGISTER))
        .with_only_columns(DealerTerminal.name, SampleUnit.state, func.count(SampleUnit.id))
        .join(DealerTerminal, DealerTerminal.id == SampleUnit.terminal_id)
        .group_by(DealerTerminal.name, SampleUnit.state).order_by(DealerTerminal.name)).all()
    sample_rows = [{"terminal": t, "state": st, "count": int(n)} for t, st, n in samples]
    return [
        CustomerPanel(_l("Dealer orders"), "dealers/panel_orders.html",
                      {"orders": order_rows}, sequence=40),
        CustomerPanel(_l("Sample units"), "dealers/panel_samples.html",
                      {"samples": sample_rows}, sequence=41),
    ]
