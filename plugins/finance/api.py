"""The public façade of the `finance` plugin.

Other plugins (dealers, stores_demo …) import only this module.  Every
function takes the caller's session, never commits, and raises
``core.services.ServiceError`` (``CreditBlocked`` for a refused order) with
a message for the user; a refusal leaves nothing behind (savepoint), so the
caller can roll back or carry on.

Typical order confirmation (one transaction, seed 000 §四.5.A)::

    from plugins.finance import api as finance
    finance.check_credit(s, order.customer_id, order.total, user=user,
                         source=f"dealers.order:{order.id}",
                         override_reason=form.override_reason.data or None)
    inv = finance.post_invoice(s, order.customer_id,
                               [finance.InvoiceLineSpec("TV 55寸", "3999.00", 2)],
                               source=f"dealers.order:{order.id}", user=user)
    order.invoice_number = inv.number

When the order is confirmed now and invoiced later, ``check_credit`` with a
``source`` reserves the amount (it counts in the exposure) until
``post_invoice(source=...)`` or ``release_credit(source)``.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Iterable

from sqlalchemy.orm import Session

from .services.credit import CreditBlocked, CreditDecision, CreditStatus
from .services.receivables import InvoiceLineSpec
from .services.ledger import LineSpec, LockedPeriod
from .services.sources import SourceDocument

__all__ = [
    "CreditBlocked", "CreditDecision", "CreditStatus", "InvoiceLineSpec", "LineSpec",
    "LockedPeriod", "SourceDocument", "check_credit", "credit_status", "release_credit", "post_invoice",
    "reverse_invoice", "record_payment", "reverse_payment", "post_credit_note", "post_entry", "customer_balance", "invoiced_amounts",
    "file_rebate_claim", "rebate_claim_state", "invoice_info", "CREDIT_NOTE_KINDS", "REBATE_KINDS",
]

CREDIT_NOTE_KINDS = ("rebate", "price_drop", "price_adjust", "offset", "return")
REBATE_KINDS = ("sales_subsidy", "price_drop")


def check_credit(session: Session, customer_id: int, amount, *, user=None,
                 override_reason: str | None = None, source: str | None = None,
                 reserve: bool | None = None, today: date | None = None) -> CreditDecision:
    """The one credit check for every order (limit, prepaid balance,
    overdue invoices).  Raises ``CreditBlocked`` with ``.reasons``; a user
    with ``finance.credit_override`` passes with ``override_reason``.
    Race-free: concurrent checks of one customer run one after the other."""
    from .services.credit import check_credit as _check

    return _check(session, customer_id, amount, user=user, override_reason=override_reason,
                  source=source, reserve=reserve, today=today)


def credit_status(session: Session, customer_id: int, amount=Decimal("0")) -> CreditStatus:
    """The customer's credit position without reserving anything (for a
    page that warns before the user confirms)."""
    from .services.credit import status
    from .services.money import to_money

    amt = to_money(amount, allow_zero=True)
    return status(session, customer_id, amt)


def release_credit(session: Session, source: str) -> bool:
    """Free the amount reserved for ``source`` (order cancelled before invoicing)."""
    from .services.credit import release_credit as _release

    return _release(session, source)


def post_invoice(session: Session, customer_id: int, lines: Iterable, *, when: date | None = None,
                 due_date: date | None = None, source: str | None = None, description: str = "",
                 user=None, apply_prepayment: bool | None = None,
                 prices_include_tax: bool | None = None, invoice_type: str | None = None,
                 buyer: dict | None = None):
    """Post a sales invoice (Dr 1122 net + tax / Cr 6001 net / Cr 222101
    output VAT) and return it (``.number``, ``.amount`` including tax,
    ``.net_amount``, ``.tax_amount``, ``.due_date``).  ``lines``:
    ``InvoiceLineSpec`` or dicts ``{description, unit_price, quantity,
    tax_rate}`` (rate "13", "9", "6", "3", "0" or "exempt"; default the
    setting ``finance.default_tax_rate``).  A plugin whose document already
    states what the customer pays passes ``prices_include_tax=True`` so the
    invoice totals that amount whatever the setting.  ``invoice_type``:
    "slip" (销售单), "general" (普通发票) or "special" (专用发票, needs the
    buyer's tax details: ``buyer={name, tax_id, address_phone,
    bank_account}``).  One invoice per ``source``."""
    from .services.receivables import post_invoice as _post

    return _post(session, customer_id, lines, when=when, due_date=due_date, source=source,
                 description=description, user=user, apply_prepayment=apply_prepayment,
                 prices_include_tax=prices_include_tax, invoice_type=invoice_type, buyer=buyer)


def reverse_invoice(session: Session, invoice_number: str, *, reason: str, user=None):
    """Cancel an invoice by number (its allocations go back to prepayment)."""
    from sqlalchemy import select

    from core.i18n import _l
    from core.services import ServiceError

    from .models import Invoice
    from .services.receivables import reverse_invoice as _rev

    inv = session.scalar(select(Invoice).where(Invoice.number == invoice_number))
    if inv is None:
        raise ServiceError(_l("Unknown invoice."))
    return _rev(session, inv, reason=reason, user=user)


def invoice_info(session: Session, invoice_number: str) -> dict | None:
    """Plain data about an invoice: number, amount, open amount, due date, state."""
    from sqlalchemy import select

    from .models import Invoice
    from .services.allocations import invoice_open

    inv = session.scalar(select(Invoice).where(Invoice.number == invoice_number))
    if inv is None:
        return None
    return {"id": inv.id, "number": inv.number, "customer_id": inv.customer_id,
            "date": inv.date, "due_date": inv.due_date, "amount": inv.amount,
            "net_amount": inv.net_amount, "tax_amount": inv.tax_amount,
            "invoice_type": inv.invoice_type,
            "open": invoice_open(session, inv.id), "state": inv.state, "source": inv.source}


def record_payment(session: Session, customer_id: int, amount, *, when: date | None = None,
                   method: str = "bank", reference: str = "", memo: str = "", user=None,
                   allocations=None, allow_duplicate_reference: bool = False):
    """Money received; only users with ``finance.post_payment``.  A reference
    already on a posted payment of the same method is refused (a
    ``ServiceError``) unless ``allow_duplicate_reference``."""
    from .services.receivables import record_payment as _rec

    return _rec(session, customer_id, amount, when=when, method=method, reference=reference,
                memo=memo, user=user, allocations=allocations,
                allow_duplicate_reference=allow_duplicate_reference)


def reverse_payment(session: Session, payment_number: str, *, reason: str, when: date | None = None,
                    user=None):
    """Give money received back (a bounced transfer, a deposit refunded):
    its allocations are undone and the payment reversed (Dr 2203 / Cr the
    bank or cash account it came into), so the customer's ledger and
    statement show the reversal.  Only users with ``finance.post_payment``
    (``user=None``: the caller checked its own right, e.g. a store's till)."""
    from sqlalchemy import select

    from core.i18n import _l
    from core.services import ServiceError

    from .models import Payment
    from .services.receivables import reverse_payment as _rev

    pay = session.scalar(select(Payment).where(Payment.number == payment_number))
    if pay is None:
        raise ServiceError(_l("Unknown payment."))
    return _rev(session, pay, reason=reason, when=when, user=user)


def post_credit_note(session: Session, customer_id: int, kind: str, amount, *, reason: str,
                     when: date | None = None, invoice_number: str | None = None,
                     source: str | None = None, user=None, tax_rate: str | None = None):
    """A credit note (红字发票) of one of ``CREDIT_NOTE_KINDS`` except "rebate"
    (rebates are redeemed through their approved claim).  ``amount``
    includes tax; its tax at ``tax_rate`` (default: the invoice's rate)
    reverses output VAT."""
    from sqlalchemy import select

    from .models import Invoice
    from .services.receivables import post_credit_note as _cn

    invoice_id = None
    if invoice_number:
        invoice_id = session.scalar(select(Invoice.id).where(Invoice.number == invoice_number))
    return _cn(session, customer_id, kind, amount, reason=reason, when=when,
               invoice_id=invoice_id, source=source, user=user, tax_rate=tax_rate)


def post_entry(session: Session, journal: str, when: date, lines: list[LineSpec], *,
               memo: str = "", customer_id: int | None = None, source: str | None = None,
               user_id: int | None = None):
    """Low-level: post a balanced entry of ``LineSpec``s in a journal code."""
    from .services.ledger import post_entry as _post

    return _post(session, journal, when, lines, memo=memo, customer_id=customer_id,
                 source=source, user_id=user_id)


def customer_balance(session: Session, customer_id: int, as_of: date | None = None) -> Decimal:
    """What the customer owes (negative: prepaid), from posted lines."""
    from .services.ledger import customer_balance as _bal

    return _bal(session, customer_id, as_of)


def file_rebate_claim(session: Session, customer_id: int, kind: str, *, period_start: date,
                      period_end: date, lines: list[dict], note: str = "", user=None,
                      source: str | None = None, evidence_attachment_ids: Iterable[int] = (),
                      submit: bool = True):
    """File a rebate claim (销售补利 / 降价补差) from another plugin: lines are
    ``{product, quantity, unit_amount}``; evidence attachments are copied
    into the claim.  Submitted for approval unless ``submit`` is False.
    Returns the claim (``.number``, ``.state``)."""
    from .services.rebates import file_claim

    return file_claim(session, customer_id, kind, period_start=period_start,
                      period_end=period_end, lines=lines, note=note, user=user, source=source,
                      evidence_attachment_ids=evidence_attachment_ids, submit=submit)


def rebate_claim_state(session: Session, number: str) -> str | None:
    """draft / submitted / approved / redeemed / rejected, or None."""
    from sqlalchemy import select

    from .models import RebateClaim

    return session.scalar(select(RebateClaim.state).where(RebateClaim.number == number))


def invoiced_amounts(session: Session, customer_ids, start: date | None = None,
                     end: date | None = None) -> dict[int, Decimal]:
    """Posted sales invoices per customer, dated in ``[start, end)`` (either
    open); ``customer_ids`` a list or a SELECT of ids.  One grouped query."""
    from sqlalchemy import func, select

    from .models import Invoice
    from .models.receivables import POSTED, SALE

    stmt = (select(Invoice.customer_id, func.coalesce(func.sum(Invoice.amount), 0))
            .where(Invoice.customer_id.in_(customer_ids), Invoice.kind == SALE,
                   Invoice.state == POSTED)
            .group_by(Invoice.customer_id))
    if start is not None:
        stmt = stmt.where(Invoice.date >= start)
    if end is not None:
        stmt = stmt.where(Invoice.date < end)
    return {cid: Decimal(total) for cid, total in session.execute(stmt)}
