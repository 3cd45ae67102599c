"""Promotions (促销活动, seed 000 §三.4): the six steps in order, each with its
record, and a summary that compares sales during the campaign with the
baseline of an equally long period just before it."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db import utcnow
from core.i18n import _l
from core.sequences import next_number
from core.services import ServiceError, lock
from core.fields import required_text, to_date, to_decimal
from plugins.customers.api import Customer

from ..models import DealerOrder, DealerOrderLine, DealerProduct, DealerPromotion, DealerPromotionStep, DealerStockReport, DealerStockReportLine, DealerTerminal
from ..models.market import (
    CHANNELS,
    EXECUTION_ITEMS,
    PROMOTION_STEPS,
    STEP_COMMUNICATION,
    STEP_EXECUTION,
    STEP_PLAN,
    STEP_RELEASE,
    STEP_SUMMARY,
    STEP_SURVEY,
    TRIGGERS,
)
from ..models.orders import CONFIRMED
from .common import cents
from .network import require_dealer
from core import clock

SEQUENCE = "dealers.promotion"


def step_labels() -> dict[str, object]:
    return {
        STEP_SURVEY: _l("Market survey"),
        STEP_PLAN: _l("Plan"),
        STEP_COMMUNICATION: _l("Pre-communication with the dealer"),
        STEP_RELEASE: _l("Information release"),
        STEP_EXECUTION: _l("On-site execution"),
        STEP_SUMMARY: _l("Summary"),
    }


def trigger_labels() -> dict[str, object]:
    return {"price_cut": _l("Price cut"), "new_product": _l("New product"),
            "anniversary": _l("Store anniversary"), "reopening": _l("Reopening"),
            "holiday": _l("Holiday")}


def channel_labels() -> dict[str, object]:
    return {"media": _l("Media ads"), "dm": _l("DM"), "sms": _l("SMS"), "flyers": _l("Flyers"),
            "posters": _l("Posters")}


def execution_labels() -> dict[str, object]:
    return {"outdoor": _l("Outdoor display"), "samples": _l("Sample units"),
            "makeover": _l("Terminal makeover"), "dealer_staff": _l("Dealer staff")}


def create_promotion(session: Session, customer: Customer, user, *, title: str, triggers,
                     start_date, end_date, budget="0", terminal: DealerTerminal | None = None) -> DealerPromotion:
    require_dealer(customer)
    title = required_text(title, _l("Title"), 200)
    tags = [t for t in (triggers or []) if t]
    if not tags:
        raise ServiceError(_l("Tag at least one trigger (price cut, new product, anniversary, "
                              "reopening, holiday)."))
    if any(t not in TRIGGERS for t in tags):
        raise ServiceError(_l("Unknown trigger."))
    start = to_date(start_date, _l("Start date"))
    end = to_date(end_date, _l("End date"))
    if end < start:
        raise ServiceError(_l("A promotion cannot end before it starts."))
    if terminal is not None and terminal.customer_id != customer.id:
        raise ServiceError(_l("This store belongs to another dealer."))
    promo = DealerPromotion(number=next_number(session, SEQUENCE, start), customer_id=customer.id,
                      terminal_id=terminal.id if terminal else None, title=title,
                      triggers=sorted(set(tags), key=TRIGGERS.index), start_date=start,
                      end_date=end, budget=cents(to_decimal(budget or "0", _l("Budget"))),
                      cost=Decimal("0"), created_by=user.id if user else None)
    session.add(promo)
    session.flush()
    return promo


def _subset(values, allowed, label) -> list[str]:
    picked = [v for v in (values or []) if v]
    if not picked:
        raise ServiceError(_l("Choose at least one: %(what)s.", what=label))
    if any(v not in allowed for v in picked):
        raise ServiceError(_l("Unknown choice."))
    return sorted(set(picked), key=list(allowed).index)


def record_step(session: Session, promo: DealerPromotion, step: str, user, *, done_on=None,
                notes: str = "", data: dict | None = None) -> DealerPromotionStep:
    """Record the next step; the six steps come in the seed's order."""
    if step not in PROMOTION_STEPS:
        raise ServiceError(_l("Unknown step."))
    promo = lock(session, promo)  # two people recording the same step: the second is refused
    expected = promo.next_step
    labels = step_labels()
    if expected is None:
        raise ServiceError(_l("This promotion is complete."))
    if step != expected:
        raise ServiceError(_l("Record “%(expected)s” first.", expected=labels[expected]))
    data = dict(data or {})
    day = to_date(done_on, _l("Date"), allow_blank=True) or clock.today()
    notes = (notes or "").strip()
    clean: dict = {}
    if step == STEP_SURVEY:
        notes = required_text(notes, _l("Survey findings"), 5000)
    elif step == STEP_PLAN:
        for key, label in (("when_where", _l("When and where")), ("form", _l("Form")),
                           ("benefit_points", _l("Benefit points")), ("staffing", _l("Staffing"))):
            clean[key] = required_text(data.get(key), label, 2000)
        promo.budget = cents(to_decimal(data.get("budget") or "0", _l("Budget")))
        clean["budget"] = str(promo.budget)
    elif step == STEP_COMMUNICATION:
        # Seed: 与客户签定协议 — the dealer's support is agreed in writing.
        if not data.get("agreement_signed"):
            raise ServiceError(_l("The dealer must sign the promotion agreement before it goes on."))
        clean["agreement_signed"] = True
        clean["dealer_contact"] = required_text(data.get("dealer_contact"), _l("Dealer contact"), 120)
    elif step == STEP_RELEASE:
        clean["channels"] = _subset(data.get("channels"), CHANNELS, _l("channels"))
    elif step == STEP_EXECUTION:
        clean["items"] = _subset(data.get("items"), EXECUTION_ITEMS, _l("execution items"))
    elif step == STEP_SUMMARY:
        promo.cost = cents(to_decimal(data.get("cost"), _l("Actual cost")))
        clean["lessons"] = required_text(data.get("lessons"), _l("Lessons"), 5000)
        comp = sales_comparison(session, promo)
        clean.update({k: str(v) if isinstance(v, Decimal) else v for k, v in comp.items()})
        clean["cost"] = str(promo.cost)
    row = DealerPromotionStep(step=step, done_on=day, notes=notes, data=clean,
                        recorded_by=user.id if user else None, recorded_at=utcnow())
    promo.steps.append(row)
    session.flush()
    return row


def sales_comparison(session: Session, promo: DealerPromotion) -> dict:
    """Sell-out (units and retail value) and sell-in during the campaign
    against the same number of days just before it."""
    days = (promo.end_date - promo.start_date).days + 1
    base_end = promo.start_date - timedelta(days=1)
    base_start = promo.start_date - timedelta(days=days)

    def sell_out(a: date, b: date) -> tuple[int, Decimal]:
        units, value = session.execute(
            select(func.coalesce(func.sum(DealerStockReportLine.sold_qty), 0),
                   func.coalesce(func.sum(DealerStockReportLine.sold_qty * func.coalesce(
                       DealerStockReportLine.sellout_price, DealerProduct.list_price)), 0))
            .join(DealerStockReport, DealerStockReport.id == DealerStockReportLine.report_id)
            .join(DealerProduct, DealerProduct.id == DealerStockReportLine.product_id)
            .where(DealerStockReport.customer_id == promo.customer_id,
                   DealerStockReport.report_date >= a, DealerStockReport.report_date <= b)).one()
        return int(units or 0), cents(Decimal(str(value or 0)))

    def sell_in(a: date, b: date) -> int:
        return int(session.scalar(
            select(func.coalesce(func.sum(DealerOrderLine.quantity), 0))
            .join(DealerOrder, DealerOrder.id == DealerOrderLine.order_id)
            .where(DealerOrder.customer_id == promo.customer_id, DealerOrder.state == CONFIRMED,
                   DealerOrder.confirmed_on >= a, DealerOrder.confirmed_on <= b)) or 0)

    du, dv = sell_out(promo.start_date, promo.end_date)
    bu, bv = sell_out(base_start, base_end)
    lift = None if bu == 0 else ((Decimal(du) - bu) * 100 / bu).quantize(Decimal("0.1"))
    return {"days": days, "baseline_from": base_start.isoformat(), "baseline_to": base_end.isoformat(),
            "during_units": du, "baseline_units": bu, "during_value": dv, "baseline_value": bv,
            "lift_pct": lift, "during_sell_in": sell_in(promo.start_date, promo.end_date),
            "baseline_sell_in": sell_in(base_start, base_end)}


def data_labels() -> dict[str, object]:
    """Labels of the fields kept in a step's record."""
    return {"when_where": _l("When and where"), "form": _l("Form"),
            "benefit_points": _l("Benefit points"), "staffing": _l("Staffing"),
            "budget": _l("Budget"), "agreement_signed": _l("Agreement signed"),
            "dealer_contact": _l("Dealer contact"), "channels": _l("Channels"),
            "items": _l("Execution"), "cost": _l("Actual cost"), "lessons": _l("Lessons"),
            "days": _l("Days"), "baseline_from": _l("Baseline from"), "baseline_to": _l("Baseline to"),
            "during_units": _l("Sell-out during (units)"), "baseline_units": _l("Sell-out baseline (units)"),
            "during_value": _l("Sell-out during (retail value)"),
            "baseline_value": _l("Sell-out baseline (retail value)"),
            "lift_pct": _l("Change in sell-out (%)"), "during_sell_in": _l("Sell-in during (units)"),
            "baseline_sell_in": _l("Sell-in baseline (units)")}
