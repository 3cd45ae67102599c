"""The demo office: a season of orders invoiced in finance, stock reports,
samples, promotions and the rest, consistent with customers and finance."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from core import bootstrap
from core.models import User
from plugins.customers import api as customers
from plugins.dealers.services import dashboard
from plugins.dealers.models import (
    CrossRegionIncident,
    DealerOrder,
    DealerPromotion,
    DealerRebateClaim,
    DealerStockReport,
    SampleUnit,
)
from plugins.dealers.services import market, stock
from plugins.dealers.services.common import period_of
from plugins.finance import api as finance
from core import clock


def test_demo_office(app):
    db = app.extensions["qudao"].db
    with db.session() as s:
        bootstrap.load_demo(s)
    today = clock.today()
    with db.session() as s:
        orders = s.execute(select(DealerOrder).where(DealerOrder.state == "confirmed")).scalars().all()
        assert len(orders) >= 60
        assert min(o.confirmed_on for o in orders) <= today - timedelta(days=90)
        for o in orders[:20]:
            info = finance.invoice_info(s, o.invoice_number)
            assert info["amount"] == o.total and info["source"] == f"dealers.order:{o.id}"
        mgr = s.scalar(select(User).where(User.username == "manager"))
        counts = dashboard.counts(s, mgr, today)
        assert counts["unsigned"] > 0 and counts["no_receipt"] > 0 and counts["uncounted"] > 0
        assert counts["discrepancies"] > 0 and counts["incidents"] == 1
        assert s.scalar(select(func.count()).select_from(DealerStockReport)) >= 60
        last_month = period_of(today.replace(day=1) - timedelta(days=1))
        rows = stock.volumes(s, None, last_month)
        assert sum(r.gross for r in rows) > 0 and sum(r.net for r in rows) > 0
        assert s.scalar(select(func.count()).select_from(SampleUnit)) >= 50
        done = s.scalar(select(DealerPromotion).where(DealerPromotion.cost > 0))
        assert done.next_step is None and done.step("summary").data["lessons"]
        claims = s.execute(select(DealerRebateClaim).where(DealerRebateClaim.finance_ref.is_not(None))).scalars().all()
        assert claims and all(finance.rebate_claim_state(s, c.finance_ref) == "submitted" for c in claims)
        assert s.scalar(select(CrossRegionIncident.status)) == "open"
        assert any(r.seat_gap or r.town_gaps for r in market.coverage(s, mgr))
        dealer = orders[0].customer_id
        start, end = today - timedelta(days=365), today + timedelta(days=1)
        bought = customers.purchase_amounts(s, [dealer], start, end)
        # the dealers' orders plus what the customers demo records as bought
        # before the platform (PurchaseHistory)
        from plugins.customers.services.grading import history_amounts

        before = history_amounts(s, [dealer], start, end).get(dealer, Decimal("0"))
        assert bought[dealer] == before + sum((o.total for o in orders if o.customer_id == dealer),
                                              Decimal("0"))
