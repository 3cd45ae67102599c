"""Rebate claims flow into finance's workflow; the dealer profit analysis
counts only the rebates finance approved."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.services import ServiceError
from plugins.dealers.models import DealerRebateClaim
from plugins.dealers.services import profit, rebates, stock
from plugins.dealers.services import orders as order_svc
from plugins.finance import api as finance


PDF = b"%PDF-1.4\n% sales record\n"


def _claim(w, s, product, qty, per, evidence=True):
    c = rebates.create_claim(s, w.customer(s, "a"), w.user(s, "sales1"), kind="sales_subsidy",
                             period="2025-03", note="三月销售补利")
    rebates.add_line(s, c, w.product(s, product), qty, per)
    if evidence:
        rebates.add_evidence(s, c, io.BytesIO(PDF), "销售明细.pdf", w.user(s, "sales1"))
    return c


def test_a_submitted_claim_lives_on_in_finance(world):
    with world.db.session() as s:
        empty = rebates.create_claim(s, world.customer(s, "a"), world.user(s, "sales1"),
                                     kind="price_drop", period="2025-03")
        with pytest.raises(ServiceError):
            rebates.submit_claim(s, empty, world.user(s, "sales1"))
        with pytest.raises(ServiceError):
            rebates.create_claim(s, world.customer(s, "a"), world.user(s, "sales1"),
                                 kind="oral_promise", period="2025-03")
        bare = _claim(world, s, "tv55", 6, "100", evidence=False)
        with pytest.raises(ServiceError, match="evidence|凭证"):
            rebates.submit_claim(s, bare, world.user(s, "sales1"))
        c = _claim(world, s, "tv55", 6, "100")
        assert c.total == Decimal("600.00")
        rebates.submit_claim(s, c, world.user(s, "sales1"))
        number = c.finance_ref
    with world.db.session() as s:
        assert finance.rebate_claim_state(s, number) == "submitted"
        c = s.scalar(select(DealerRebateClaim).where(DealerRebateClaim.finance_ref == number))
        with pytest.raises(ServiceError):
            rebates.add_line(s, c, world.product(s, "tv65"), 1, "50")


def _approve_in_finance(world, number):
    # Test set-up: the approval is finance's own step (its page and service,
    # tested there); here the manager approves through that service.
    from plugins.finance.models import RebateClaim as FinanceClaim
    from plugins.finance.services.rebates import approve_claim

    with world.db.session() as s:
        claim = s.scalar(select(FinanceClaim).where(FinanceClaim.number == number))
        approve_claim(s, claim, user=world.user(s, "manager"), note="同意")


def test_profit_per_model_and_total_counts_approved_rebates_only(world, client):
    world.prepay("a", "41600")
    with world.db.session() as s:
        c, u = world.customer(s, "a"), world.user(s, "sales1")
        o = order_svc.create_order(s, c, u, order_date=date(2025, 2, 20))
        order_svc.add_line(s, o, world.product(s, "tv55"), 10)      # 3200 each
        order_svc.add_line(s, o, world.product(s, "tv65"), 2)       # 4800 each
        order_svc.confirm_order(s, o, u, on=date(2025, 2, 20))
        stock.record_report(s, c, u, report_date=date(2025, 3, 31), source="monthly",
                            rows=[{"product": world.product(s, "tv55"), "sold": 6, "stock": 4,
                                   "price": "3699"},
                                  {"product": world.product(s, "tv65"), "sold": 1, "stock": 1}])
        approved = _claim(world, s, "tv55", 6, "100")
        pending = _claim(world, s, "tv65", 1, "200")
        rebates.submit_claim(s, approved, u)
        rebates.submit_claim(s, pending, u)
        number = approved.finance_ref
    _approve_in_finance(world, number)
    with world.db.session() as s:
        rows, total = profit.profit(s, world.dealers["a"], date(2025, 3, 1), date(2025, 3, 31))
        by_model = {r.product.model: r for r in rows}
        tv55, tv65 = by_model["55E3"], by_model["65A5"]
        assert (tv55.units, tv55.revenue, tv55.cost, tv55.rebates, tv55.margin) == \
            (6, Decimal("22194.00"), Decimal("19200.00"), Decimal("600.00"), Decimal("3594.00"))
        assert tv55.margin_pct == Decimal("16.2") and tv55.unit_margin == Decimal("599.00")
        # No retail price reported: the list price stands in; the pending claim counts for nothing.
        assert (tv65.revenue, tv65.cost, tv65.rebates, tv65.margin) == \
            (Decimal("5999.00"), Decimal("4800.00"), Decimal("0.00"), Decimal("1199.00"))
        assert (total.units, total.revenue, total.cost, total.rebates, total.margin) == \
            (7, Decimal("28193.00"), Decimal("24000.00"), Decimal("600.00"), Decimal("4793.00"))
    client.login("sales1")
    html = client.get(f"/dealers/d/{world.dealers['a']}/profit?start=2025-03-01&end=2025-03-31").get_data(as_text=True)
    assert "4,793.00" in html and "3,594.00" in html
