"""The one place the dealers plugin talks to finance, through
``plugins.finance.api`` only: the credit check, invoices for confirmed
orders and sold samples, rebate claims.  Every call runs in the caller's
transaction, so a refusal anywhere leaves nothing half-done."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from plugins.customers.api import Customer
from plugins.finance import api as finance

from ..models import DealerOrder, DealerRebateClaim, SampleUnit
from .common import parse_period

APPROVED_STATES = ("approved", "redeemed")


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
                               source=f"dealers.order:{order.id}",
                               description=f"销售指令单 {order.number}", user=user)
    return str(inv.id), inv.number


def invoice_sample(session: Session, sample: SampleUnit, customer: Customer, amount: Decimal,
                   user, day: date) -> tuple[str, str]:
    lines = [{"description": f"样机 {sample.product.model} SN {sample.serial_no}",
              "unit_price": amount, "quantity": 1}]
    inv = finance.post_invoice(session, customer.id, lines, when=day,
                               source=f"dealers.sample:{sample.id}",
                               description=f"样机销售 {sample.serial_no}", user=user)
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
