"""The one place the dealers plugin talks to finance, through
``plugins.finance.api`` only: the credit check, invoices for confirmed
orders and sold samples, rebate claims.  Every call runs in the caller's
transaction, so a refusal anywhere leaves nothing half-done."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plugins.customers.api import Customer
from plugins.finance import api as finance

from ..models import DealerOrder, DealerOrderLine, DealerRebateClaim, SampleUnit
from ..models.orders import CONFIRMED
from ..models.samples import SOLD
from .common import cents, parse_period

APPROVED_STATES = ("approved", "redeemed")
ORDER_SOURCE, SAMPLE_SOURCE = "dealers.order:", "dealers.sample:"


def check_credit(session: Session, customer: Customer, amount: Decimal, user, *,
                 override_reason: str | None, reference: str) -> None:
    """Raises ``finance.CreditBlocked`` (limit, prepaid balance, overdue);
    a manager with finance's override permission passes with a reason."""
    finance.check_credit(session, customer.id, amount, user=user, override_reason=override_reason,
                         source=reference)


def invoice_order(session: Session, order: DealerOrder, user, day: date) -> tuple[str, str]:
    lines = [{"description": f"{ln.product.model} {ln.product.name}".strip(),
              "unit_price": ln.net_price, "quantity": ln.quantity} for ln in order.lines]
    inv = finance.post_invoice(session, order.customer_id, lines, when=day,
                               source=f"{ORDER_SOURCE}{order.id}",
                               description=f"销售指令单 {order.number}", user=user,
                               prices_include_tax=True)
    return str(inv.id), inv.number


def invoice_sample(session: Session, sample: SampleUnit, customer: Customer, amount: Decimal,
                   user, day: date) -> tuple[str, str]:
    lines = [{"description": f"样机 {sample.product.model} SN {sample.serial_no}",
              "unit_price": amount, "quantity": 1}]
    inv = finance.post_invoice(session, customer.id, lines, when=day,
                               source=f"{SAMPLE_SOURCE}{sample.id}",
                               description=f"样机销售 {sample.serial_no}", user=user,
                               prices_include_tax=True)
    return str(inv.id), inv.number


def submit_rebate(session: Session, claim: DealerRebateClaim, user, evidence_ids: list[int]) -> str:
    """File the claim into finance's rebate workflow; returns finance's number."""
    start, end = parse_period(claim.period)
    lines = [{"product": f"{ln.product.model} {ln.product.name}".strip()[:120],
              "quantity": ln.quantity, "unit_amount": ln.unit_amount} for ln in claim.lines]
    fin = finance.file_rebate_claim(session, claim.customer_id, claim.kind, period_start=start,
                                    period_end=end, lines=lines, note=claim.note or "", user=user,
                                    source=f"dealers.rebate_claim:{claim.id}",
                                    evidence_attachment_ids=evidence_ids, submit=True)
    return fin.number


def rebate_state(session: Session, number: str | None) -> str | None:
    return finance.rebate_claim_state(session, number) if number else None


def approved_rebate_refs(session: Session, refs: list[str]) -> set[str]:
    return {r for r in refs if rebate_state(session, r) in APPROVED_STATES}


def credit_status(session: Session, customer_id: int):
    return finance.credit_status(session, customer_id)


def _ids(sources: list[str], prefix: str) -> list[int]:
    return [int(s[len(prefix):]) for s in sources
            if s.startswith(prefix) and s[len(prefix):].isdigit()]


def source_documents(session: Session, sources: list[str]) -> list:
    """Answer finance's ``finance_source_documents``: what the invoice of each
    of our orders and sold samples must total, from the order's lines as
    they are now (price × quantity in SQL), and whether it still stands."""
    out = []
    order_ids = _ids(sources, ORDER_SOURCE)
    if order_ids:
        lines = (select(DealerOrderLine.order_id,
                        func.sum(DealerOrderLine.net_price * DealerOrderLine.quantity).label("amt"))
                 .where(DealerOrderLine.order_id.in_(order_ids))
                 .group_by(DealerOrderLine.order_id).subquery())
        for oid, number, state, amt in session.execute(
                select(DealerOrder.id, DealerOrder.number, DealerOrder.state, lines.c.amt)
                .outerjoin(lines, lines.c.order_id == DealerOrder.id)
                .where(DealerOrder.id.in_(order_ids))):
            out.append(finance.SourceDocument(
                source=f"{ORDER_SOURCE}{oid}", label=f"销售指令单 {number}",
                amount=cents(Decimal(str(amt or 0))), state=state, live=state == CONFIRMED))
    sample_ids = _ids(sources, SAMPLE_SOURCE)
    if sample_ids:
        for sid, serial, state, price in session.execute(
                select(SampleUnit.id, SampleUnit.serial_no, SampleUnit.state, SampleUnit.sale_price)
                .where(SampleUnit.id.in_(sample_ids))):
            out.append(finance.SourceDocument(
                source=f"{SAMPLE_SOURCE}{sid}", label=f"样机 {serial}",
                amount=cents(Decimal(str(price))) if price is not None else None,
                state=state, live=state == SOLD))
    return out
