"""Row access: every dealer row follows its dealer (a customer), so a
salesperson sees exactly the orders, stock, samples … of the customers
they may see.  Reference data (products, price lists) is shared; surveys
are owned rows under core's default rule."""
from __future__ import annotations

from sqlalchemy import or_, select

from plugins.customers.api import customer_ids_for

from .models import (
    CrossRegionIncident,
    DealerProfile,
    DealerOrder,
    DealerOrderLine,
    DealerPromoter,
    DealerPromoterMonth,
    DealerPromotion,
    DealerPromotionStep,
    DealerRebateClaim,
    DealerRebateClaimLine,
    ReturnedUnit,
    SampleCount,
    SampleCountLine,
    SampleTransfer,
    SampleUnit,
    ShipmentSerial,
    DealerStockReport,
    DealerStockReportLine,
    DealerTerminal,
)

BY_CUSTOMER = (DealerProfile, DealerTerminal, DealerOrder, ShipmentSerial, DealerStockReport, SampleUnit,
               SampleCount, ReturnedUnit, DealerPromotion, DealerRebateClaim)


def scope_rules(model, user, action) -> list:
    if model in BY_CUSTOMER:
        return [model.customer_id.in_(customer_ids_for(user, action))]
    ids = customer_ids_for(user, action)
    if model is DealerOrderLine:
        return [DealerOrderLine.order_id.in_(select(DealerOrder.id).where(DealerOrder.customer_id.in_(ids)))]
    if model is DealerStockReportLine:
        return [DealerStockReportLine.report_id.in_(
            select(DealerStockReport.id).where(DealerStockReport.customer_id.in_(ids)))]
    if model is SampleCountLine:
        return [SampleCountLine.count_id.in_(
            select(SampleCount.id).where(SampleCount.customer_id.in_(ids)))]
    if model is SampleTransfer:
        return [or_(SampleTransfer.from_customer_id.in_(ids), SampleTransfer.to_customer_id.in_(ids))]
    if model is DealerPromotionStep:
        return [DealerPromotionStep.promotion_id.in_(
            select(DealerPromotion.id).where(DealerPromotion.customer_id.in_(ids)))]
    if model is DealerRebateClaimLine:
        return [DealerRebateClaimLine.claim_id.in_(
            select(DealerRebateClaim.id).where(DealerRebateClaim.customer_id.in_(ids)))]
    if model is DealerPromoter:
        return [DealerPromoter.terminal_id.in_(select(DealerTerminal.id).where(DealerTerminal.customer_id.in_(ids)))]
    if model is DealerPromoterMonth:
        return [DealerPromoterMonth.promoter_id.in_(
            select(DealerPromoter.id).join(DealerTerminal, DealerTerminal.id == DealerPromoter.terminal_id)
            .where(DealerTerminal.customer_id.in_(ids)))]
    if model is CrossRegionIncident:
        # The dealer's side sees it; so does whoever reported the unit.
        mine = CrossRegionIncident.customer_id.in_(ids)
        if action == "view":
            return [or_(mine, CrossRegionIncident.reported_by == user.id)]
        return [mine]
    return []
