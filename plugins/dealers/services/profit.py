"""Dealer profit analysis (seed 000 §五.5: 单型号利润, 总销售利润 — "show the
dealer he makes money"): per model, margin = sell-out revenue − purchase
cost of the units sold + approved rebates."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import DealerOrder, DealerOrderLine, DealerProduct, DealerRebateClaim, DealerRebateClaimLine, DealerStockReport, DealerStockReportLine
from ..models.market import RC_SUBMITTED
from ..models.orders import CONFIRMED
from . import finance_link
from .common import cents, period_of


@dataclass
class ProfitRow:
    product: DealerProduct | None
    units: int
    revenue: Decimal
    cost: Decimal
    rebates: Decimal

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.cost + self.rebates

    @property
    def margin_pct(self) -> Decimal | None:
        if not self.revenue:
            return None
        return (self.margin * 100 / self.revenue).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def unit_margin(self) -> Decimal | None:
        if not self.units:
            return None
        return cents(self.margin / self.units)


def profit(session: Session, customer_id: int, start: date, end: date) -> tuple[list[ProfitRow], ProfitRow]:
    before = start - timedelta(days=1)
    sold = session.execute(
        select(DealerStockReportLine.product_id, func.sum(DealerStockReportLine.sold_qty),
               func.sum(DealerStockReportLine.sold_qty * func.coalesce(DealerStockReportLine.sellout_price,
                                                                 DealerProduct.list_price)))
        .join(DealerStockReport, DealerStockReport.id == DealerStockReportLine.report_id)
        .join(DealerProduct, DealerProduct.id == DealerStockReportLine.product_id)
        .where(DealerStockReport.customer_id == customer_id, DealerStockReport.report_date > before,
               DealerStockReport.report_date <= end)
        .group_by(DealerStockReportLine.product_id)).all()
    # Weighted average purchase price of everything bought up to the end.
    bought = {pid: (int(q or 0), Decimal(str(a or 0))) for pid, q, a in session.execute(
        select(DealerOrderLine.product_id, func.sum(DealerOrderLine.quantity), func.sum(DealerOrderLine.amount))
        .join(DealerOrder, DealerOrder.id == DealerOrderLine.order_id)
        .where(DealerOrder.customer_id == customer_id, DealerOrder.state == CONFIRMED, DealerOrder.confirmed_on <= end)
        .group_by(DealerOrderLine.product_id))}
    rebates = approved_rebates(session, customer_id, period_of(start), period_of(end))
    products = {p.id: p for p in session.execute(
        select(DealerProduct).where(DealerProduct.id.in_({r[0] for r in sold} | set(rebates)))).scalars()}
    rows = []
    pids = sorted({r[0] for r in sold} | set(rebates), key=lambda i: products[i].model)
    sold_map = {pid: (int(u or 0), Decimal(str(v or 0))) for pid, u, v in sold}
    for pid in pids:
        units, revenue = sold_map.get(pid, (0, Decimal("0")))
        q, a = bought.get(pid, (0, Decimal("0")))
        avg = a / q if q else Decimal("0")
        rows.append(ProfitRow(products[pid], units, cents(revenue), cents(avg * units),
                              cents(rebates.get(pid, Decimal("0")))))
    total = ProfitRow(None, sum(r.units for r in rows), sum((r.revenue for r in rows), Decimal("0")),
                      sum((r.cost for r in rows), Decimal("0")),
                      sum((r.rebates for r in rows), Decimal("0")))
    return rows, total


def approved_rebates(session: Session, customer_id: int, first: str, last: str) -> dict[int, Decimal]:
    """Rebate basis per model of claims in the period that finance approved
    (an oral promise counts for nothing: only an approved claim)."""
    claims = list(session.execute(select(DealerRebateClaim).where(
        DealerRebateClaim.customer_id == customer_id, DealerRebateClaim.state == RC_SUBMITTED,
        DealerRebateClaim.period >= first, DealerRebateClaim.period <= last)).scalars())
    approved = finance_link.approved_rebate_refs(session, [c.finance_ref for c in claims if c.finance_ref])
    ids = [c.id for c in claims if c.finance_ref in approved]
    if not ids:
        return {}
    return {pid: Decimal(str(a or 0)) for pid, a in session.execute(
        select(DealerRebateClaimLine.product_id, func.sum(DealerRebateClaimLine.amount))
        .where(DealerRebateClaimLine.claim_id.in_(ids)).group_by(DealerRebateClaimLine.product_id))}
