"""Custom orders (定制): taking the order with the gold price locked, the
deposit, the stages and the delivery.

Money, in finance's terms: the deposit is money received and kept as the
customer's prepayment (Cr 2203 预收账款).  At delivery the piece is invoiced
at the locked price × the actual net weight + labour + stones, and the
prepayment is applied to the invoice, so the customer's ledger shows the
deposit, the invoice and an open balance of exactly price − deposit."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from core import settings
from core.i18n import _l
from core.sequences import next_number
from core.services import ServiceError
from plugins.finance import api as finance

from ..models.custom_orders import (
    BRIEF,
    CANCELLED,
    DELIVERED,
    DESIGN_APPROVED,
    READY,
    STAGES,
    StoresDemoCustomOrder,
)
from .pieces import CENT, MAX_GRAMS, MAX_PRICE, day, gold_price, metal, number, text, transition
from core import clock

SOURCE = "stores_demo.custom_order:"


def _pct(session: Session, key: str) -> Decimal:
    return Decimal(str(settings.get(session, key)))


def create_order(session: Session, customer_id: int, data: dict, user=None, *,
                 today: date | None = None) -> StoresDemoCustomOrder:
    """Take a custom order at the day's gold price, locked for the number of
    days in the settings."""
    on = today or clock.today()
    code = metal(data.get("metal"))
    weight = number(data.get("estimated_weight"), _l("Estimated metal weight (g)"), maximum=MAX_GRAMS,
                    places=3)
    labour = number(data.get("labour_fee"), _l("Labour fee"), maximum=MAX_PRICE, allow_blank=True,
                    positive=False) or Decimal("0")
    stones_price = number(data.get("stones_price"), _l("Price of the stones"), maximum=MAX_PRICE,
                          allow_blank=True, positive=False) or Decimal("0")
    due = day(data.get("due_date"), _l("Due date"))
    if due < on:
        raise ServiceError(_l("The due date cannot be in the past."))
    per_gram = gold_price(session, code, on)
    if per_gram is None:
        raise ServiceError(_l("Enter today's %(metal)s price before taking a custom order.", metal=code))
    estimated = (weight * per_gram + labour + stones_price).quantize(CENT)
    if estimated > MAX_PRICE:
        raise ServiceError(_l("The estimated price is too large."))
    order = StoresDemoCustomOrder(
        number=next_number(session, "stores_demo.custom_order", on), customer_id=customer_id,
        owner_id=getattr(user, "id", None), ordered_on=on, due_date=due,
        brief=text(data.get("brief"), _l("Design brief"), 4000),
        style=text(data.get("style"), _l("Style"), 40, required=False),
        metal=code, stones=text(data.get("stones"), _l("Stones"), 200, required=False),
        stones_price=stones_price, estimated_weight=weight, gold_price=per_gram,
        lock_expires=on + timedelta(days=int(settings.get(session, "stores_demo.gold_lock_days"))),
        labour_fee=labour, estimated_price=estimated, stage=BRIEF,
        note=text(data.get("note"), _l("Note"), 2000, required=False))
    session.add(order)
    session.flush()
    return order


def deposit_bounds(session: Session, order: StoresDemoCustomOrder) -> tuple[Decimal, Decimal]:
    """The least and the most deposit the order may take."""
    low = (order.estimated_price * _pct(session, "stores_demo.deposit_min_pct") / 100).quantize(CENT)
    return low, order.estimated_price


def take_deposit(session: Session, order: StoresDemoCustomOrder, amount_raw: Any, user=None, *,
                 method: str = "bank", reference: str = "", today: date | None = None
                 ) -> StoresDemoCustomOrder:
    """The deposit, while the gold price lock holds; posted to finance as the
    customer's prepayment."""
    on = today or clock.today()
    amount = number(amount_raw, _l("Deposit"), maximum=MAX_PRICE)
    low, high = deposit_bounds(session, order)
    if amount > high:
        raise ServiceError(_l("The deposit %(amount)s is more than the price %(price)s.",
                              amount=amount, price=high))
    if amount < low:
        raise ServiceError(_l("The deposit must be at least %(low)s (%(pct)s%% of the price).",
                              low=low, pct=_pct(session, "stores_demo.deposit_min_pct")))
    if on > order.lock_expires:
        raise ServiceError(_l("The gold price lock of %(number)s expired on %(day)s: take a new order "
                              "at today's price.", number=order.number, day=order.lock_expires.isoformat()))
    M = StoresDemoCustomOrder
    if not transition(session, M, order.id, (M.stage == BRIEF) & M.deposit_paid_on.is_(None),
                      {"deposit": amount, "deposit_paid_on": on}, user):
        raise ServiceError(_l("%(number)s already has its deposit.", number=order.number))
    # The store's till takes the deposit under stores_demo.orders; finance
    # records it as money received (a prepayment of this customer).
    pay = finance.record_payment(session, order.customer_id, amount, when=on, method=method,
                                 reference=(reference or order.number)[:80],
                                 memo=f"定制订金 {order.number}", user=None)
    transition(session, M, order.id, M.id == order.id, {"deposit_reference": pay.number}, user)
    session.refresh(order)
    return order


def advance(session: Session, order: StoresDemoCustomOrder, to_stage: str, user=None) -> StoresDemoCustomOrder:
    """Move to the next stage (no skipping; delivery goes through ``deliver``)."""
    if to_stage not in STAGES or to_stage == DELIVERED:
        raise ServiceError(_l("Unknown stage."))
    i = STAGES.index(to_stage)
    if i == 0:
        raise ServiceError(_l("Unknown stage."))
    before = STAGES[i - 1]
    if before == BRIEF and order.deposit_paid_on is None:
        raise ServiceError(_l("Take the deposit before the design is approved."))
    M = StoresDemoCustomOrder
    if not transition(session, M, order.id, M.stage == before, {"stage": to_stage}, user):
        session.refresh(order)
        raise ServiceError(_l("%(number)s is not at the stage before that one (it is now at another stage).",
                              number=order.number))
    session.refresh(order)
    return order


def deliver(session: Session, order: StoresDemoCustomOrder, actual_weight_raw: Any, user=None, *,
            today: date | None = None) -> StoresDemoCustomOrder:
    """Hand the piece over: invoice it at the locked price × the actual
    weight + labour + stones; the deposit is applied to the invoice."""
    on = today or clock.today()
    weight = number(actual_weight_raw, _l("Actual net weight (g)"), maximum=MAX_GRAMS, places=3)
    final = (weight * order.gold_price + order.labour_fee + order.stones_price).quantize(CENT)
    M = StoresDemoCustomOrder
    if not transition(session, M, order.id, M.stage == READY,
                      {"stage": DELIVERED, "actual_weight": weight, "final_price": final,
                       "delivered_on": on}, user):
        raise ServiceError(_l("%(number)s is not ready for delivery.", number=order.number))
    lines = [{"description": f"定制 {order.number} {order.metal} {weight}g × {order.gold_price}",
              "unit_price": (weight * order.gold_price).quantize(CENT), "quantity": 1}]
    if order.labour_fee:
        lines.append({"description": f"定制 {order.number} 工费", "unit_price": order.labour_fee,
                      "quantity": 1})
    if order.stones_price:
        lines.append({"description": f"定制 {order.number} 配石 {order.stones or ''}".strip(),
                      "unit_price": order.stones_price, "quantity": 1})
    inv = finance.post_invoice(session, order.customer_id, lines, when=on,
                               source=f"{SOURCE}{order.id}", description=f"定制交付 {order.number}",
                               user=user, apply_prepayment=True, prices_include_tax=True)
    transition(session, M, order.id, M.id == order.id, {"invoice_number": inv.number}, user)
    session.refresh(order)
    return order


#: stages at which an order may still be cancelled (nothing made yet)
CANCELLABLE = (BRIEF, DESIGN_APPROVED)


def refund_for(session: Session, order: StoresDemoCustomOrder) -> Decimal:
    """The part of the paid deposit given back on cancellation (setting
    ``stores_demo.deposit_refund_pct``); the rest is kept as a cancellation fee."""
    if not order.deposit_paid_on or not order.deposit:
        return Decimal("0")
    return (order.deposit * _pct(session, "stores_demo.deposit_refund_pct") / 100).quantize(CENT)


def cancel(session: Session, order: StoresDemoCustomOrder, user=None, *,
           today: date | None = None) -> StoresDemoCustomOrder:
    """Cancel an order before production.  A paid deposit is refunded in
    the setting's share through finance: the deposit payment is reversed
    (the customer's ledger shows it given back); a share kept is invoiced
    as a cancellation fee and settled by that part of the deposit.  One
    conditional UPDATE, so two cancellations at once refund once."""
    on = today or clock.today()
    M = StoresDemoCustomOrder
    if not transition(session, M, order.id, M.stage.in_(CANCELLABLE),
                      {"stage": CANCELLED, "cancelled_on": on}, user):
        session.refresh(order)
        if order.stage == CANCELLED:
            raise ServiceError(_l("%(number)s is already cancelled.", number=order.number))
        raise ServiceError(_l("%(number)s is already in production (or further): it can no longer be "
                              "cancelled, and its deposit is not refunded.", number=order.number))
    session.refresh(order)
    if not order.deposit_paid_on:
        return order
    if not order.deposit_reference:
        raise ServiceError(_l("The deposit of %(number)s has no payment in finance to refund.",
                              number=order.number))
    refund = refund_for(session, order)
    kept = (order.deposit - refund).quantize(CENT)
    finance.reverse_payment(session, order.deposit_reference, when=on, user=None,
                            reason=f"定制取消 {order.number} 退还订金")
    refs = [order.deposit_reference]
    if kept > 0:
        # the share kept stays received: a payment of it, applied to the fee
        pay = finance.record_payment(session, order.customer_id, kept, when=on,
                                     reference=order.number, memo=f"定制取消 {order.number} 扣留订金",
                                     user=None)
        inv = finance.post_invoice(session, order.customer_id,
                                   [{"description": f"定制取消费 {order.number}", "unit_price": kept,
                                     "quantity": 1}],
                                   when=on, source=f"{SOURCE}{order.id}",
                                   description=f"定制取消费 {order.number}", user=user,
                                   apply_prepayment=True)
        refs += [pay.number, inv.number]
    transition(session, M, order.id, M.id == order.id,
               {"refund": refund, "refund_reference": " ".join(refs)[:80]}, user)
    session.refresh(order)
    return order


def balance_due(order: StoresDemoCustomOrder) -> Decimal:
    """What the customer still pays at delivery (estimated until delivered)."""
    price = order.final_price if order.final_price is not None else order.estimated_price
    return (price - (order.deposit or 0)).quantize(CENT)


def purchase_amounts(session: Session, customer_ids, start: date, end: date) -> dict[int, Decimal]:
    """Pieces sold and custom orders delivered per customer in ``[start, end)``
    — the stores' part of the customers plugin's ABC grading."""
    from sqlalchemy import func, select

    from .pieces import sold_amounts

    out = sold_amounts(session, customer_ids, start, end)
    M = StoresDemoCustomOrder
    for cid, total in session.execute(
            select(M.customer_id, func.sum(M.final_price))
            .where(M.stage == DELIVERED, M.delivered_on >= start, M.delivered_on < end,
                   M.customer_id.in_(customer_ids))
            .group_by(M.customer_id)):
        out[cid] = out.get(cid, Decimal("0")) + Decimal(total or 0)
    return out
