"""Panels on the customer page (customers' ``customer_panels`` hook): the
dealer's latest orders and its sample units.  Plain data only."""
from __future__ import annotations

from sqlalchemy import func

from core.access import scoped_select
from core.i18n import _l
from plugins.customers.api import CustomerPanel

from .models import DealerOrder, SampleUnit, DealerTerminal
from .models.samples import ON_REGISTER
from .services.network import is_dealer


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
