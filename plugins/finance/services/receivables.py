"""Invoices, payments received, credit notes and allocations.

The receivable model, in one paragraph: an invoice debits 1122 应收账款.
A payment or a credit note credits 2203 预收账款 — until it is applied,
money the customer has with us *is* a prepayment.  An allocation (核销)
applies part of a payment or credit note to one invoice and posts
Dr 2203 / Cr 1122 for that customer.  So 1122 is always the sum of the
invoices' open amounts (aging adds up to the ledger), 2203 the unapplied
credits, and the customer's balance with us is 1122 + 2203 (debit-positive).
An allocation entry changes neither: statements leave it out.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import events
from core.db import utcnow
from core.i18n import _l
from core.services import ServiceError, lock

from ..models import CreditCommitment, CreditNote, Invoice, InvoiceLine, Payment
from ..models.credit import INVOICED, OPEN
from ..models.receivables import (
    BANK,
    CASH,
    CN_OFFSET,
    CN_PRICE_ADJUST,
    CN_PRICE_DROP,
    CN_REBATE,
    CN_RETURN,
    CREDIT_NOTE_KINDS,
    OPENING,
    OPENING_CREDIT,
    PAYMENT_METHODS,
    POSTED,
    REVERSED,
    SALE,
)
from . import chart, limits, settings_of, tax
from .allocations import _reversal_date, allocate, invoice_open, live_allocations, settle, unallocate
from .common import _customer, _dims, _require, _user_id
from .ledger import LineSpec, atomic, lock_ledger, post_entry, reverse_entry
from .money import ZERO, money_str, round_money, to_money, to_quantity
from core import clock

#: Where the debit of a credit note goes, per kind.
CREDIT_NOTE_ACCOUNTS = {
    CN_REBATE: chart.OTHER_PAYABLE,        # redeems the approved rebate liability
    CN_PRICE_DROP: chart.REBATE_EXPENSE,   # 降价补差: a customer expense (seed 000 §四.5.D)
    CN_PRICE_ADJUST: chart.REVENUE_MAIN,   # 调价补差: corrects the price billed
    CN_OFFSET: chart.REVENUE_MAIN,         # 冲差
    CN_RETURN: chart.REVENUE_MAIN,         # 退货
}


@dataclass
class InvoiceLineSpec:
    description: str
    unit_price: Decimal | int | str
    quantity: Decimal | int | str = 1
    #: "13", "9", "6", "3", "0" or "exempt"; None: the setting
    #: ``finance.default_tax_rate``.
    tax_rate: str | None = None


def due_date_for(session: Session, customer_id: int, when: date) -> date:
    """Net-N customers have N days; prepayment customers pay at once."""
    from ..models import CreditProfile

    profile = session.get(CreditProfile, customer_id)
    if profile is not None and profile.effective_terms(when) == "net":
        return when + timedelta(days=profile.term_days)
    return when


# -- invoices --------------------------------------------------------------
def post_invoice(session: Session, customer_id: int, lines: Iterable, *, when: date | None = None,
                 due_date: date | None = None, source: str | None = None, description: str = "",
                 user=None, apply_prepayment: bool | None = None, kind: str = SALE,
                 external_ref: str | None = None, invoice_type: str | None = None,
                 prices_include_tax: bool | None = None, buyer=None) -> Invoice:
    """Post a sales invoice: Dr 1122 应收账款 (net + tax) / Cr 6001 主营业务收入
    (net, per line) / Cr 222101 销项税额 (the tax, per rate).
    ``lines`` are ``InvoiceLineSpec`` or dicts with description, unit_price,
    quantity and optionally tax_rate.  Prices include tax unless
    ``prices_include_tax`` (default: the setting) says otherwise.
    ``invoice_type``: slip / general / special (default: the setting);
    ``buyer``: the buyer's tax details (``tax.Buyer`` or a dict), taken from
    the customer and their last invoice when not given.  Closes the credit
    commitment of ``source``; applies the customer's prepayments unless
    ``apply_prepayment`` is False."""
    cust = _customer(session, customer_id)
    when = limits.check_date(session, when or clock.today())
    specs = [InvoiceLineSpec(**ln) if isinstance(ln, dict) else ln for ln in lines]
    if not specs:
        raise ServiceError(_l("An invoice needs at least one line."))
    if kind == OPENING:  # a balance carried over, not a sale: no tax of ours
        inclusive, invoice_type, default_rate = True, tax.SLIP, tax.EXEMPT
    else:
        inclusive = tax.prices_include_tax(session, prices_include_tax)
        invoice_type = invoice_type or tax.default_invoice_type(session)
        default_rate = tax.default_rate(session)
    buyer = tax.check_buyer(invoice_type, _buyer_for(session, cust, invoice_type, buyer))
    inv_lines = []
    ceiling = limits.max_amount(session)
    for s in specs:
        desc = (s.description or "").strip()
        if not desc:
            raise ServiceError(_l("Every invoice line needs a description."))
        rate = (default_rate if kind == OPENING or s.tax_rate in (None, "")
                else tax.check_rate(s.tax_rate))
        qty = limits.check_quantity(session, to_quantity(s.quantity))
        price = limits.check_amount(session, to_money(s.unit_price), ceiling)
        split = tax.split_amount(qty * price, rate, inclusive=inclusive)
        limits.check_amount(session, split.gross, ceiling)
        inv_lines.append(InvoiceLine(description=desc[:255], quantity=qty, unit_price=price,
                                     amount=split.gross, tax_rate=rate, net_amount=split.net,
                                     tax_amount=split.tax))
    total = limits.check_amount(session, sum((ln.amount for ln in inv_lines), ZERO), ceiling)
    if total <= 0:
        raise ServiceError(_l("The invoice total must be positive."))
    net_total = sum((ln.net_amount for ln in inv_lines), ZERO)
    tax_by_rate: dict[str, Decimal] = {}
    for ln in inv_lines:
        if ln.tax_amount:
            tax_by_rate[ln.tax_rate] = tax_by_rate.get(ln.tax_rate, ZERO) + ln.tax_amount
    with atomic(session):
        lock_ledger(session)
        if source:
            dup = session.scalar(select(Invoice.number).where(
                Invoice.source == source, Invoice.state == POSTED))
            if dup:
                raise ServiceError(_l("%(source)s is already invoiced as %(number)s.",
                                      source=source, number=dup))
        due = due_date or due_date_for(session, customer_id, when)
        if due < when:
            raise ServiceError(_l("The due date cannot be before the invoice date."))
        counter = chart.OPENING_OFFSET if kind == OPENING else chart.REVENUE_MAIN
        journal = "OPN" if kind == OPENING else "INV"
        memo = description or (inv_lines[0].description if len(inv_lines) == 1 else "")
        entry = post_entry(session, journal, when, [
            LineSpec(chart.RECEIVABLE, debit=total, customer_id=customer_id, memo=memo),
            *[LineSpec(counter, credit=ln.net_amount, customer_id=customer_id, memo=ln.description)
              for ln in inv_lines],
            *[LineSpec(chart.OUTPUT_VAT, credit=amt, customer_id=customer_id,
                       memo=str(_l("Output VAT %(rate)s", rate=tax.rate_label(rate))))
              for rate, amt in tax_by_rate.items()],
        ], memo=memo, customer_id=customer_id, source=source, user_id=_user_id(user), **_dims(cust))
        inv = Invoice(number=entry.number, kind=kind, customer_id=customer_id, date=when,
                      due_date=due, amount=total, net_amount=net_total,
                      tax_amount=total - net_total, invoice_type=invoice_type,
                      prices_include_tax=inclusive, buyer_name=buyer.name,
                      buyer_tax_id=buyer.tax_id, buyer_address_phone=buyer.address_phone,
                      buyer_bank_account=buyer.bank_account,
                      description=(description or memo)[:255],
                      source=source, external_ref=external_ref, entry_id=entry.id,
                      created_by=_user_id(user), lines=inv_lines)
        session.add(inv)
        session.flush()
        if source:
            session.execute(update(CreditCommitment)
                            .where(CreditCommitment.source == source, CreditCommitment.state == OPEN)
                            .values(state=INVOICED, closed_at=utcnow())
                            .execution_options(synchronize_session=False))
        if apply_prepayment is None:
            apply_prepayment = bool(settings_of(session, "finance.auto_apply_credits"))
        if apply_prepayment:
            settle(session, customer_id, when=when, user=user)
    events.emit(session, "finance.invoice_posted", invoice_id=inv.id, customer_id=customer_id,
                source=source, amount=str(total))
    return inv


def buyer_defaults(session: Session, customer) -> tax.Buyer:
    """The buyer's tax details we would print for ``customer``: the latest
    details invoiced to them (the desk's 开票资料), else the customer record
    (name, tax number, address and phone)."""
    last = session.execute(
        select(Invoice.buyer_name, Invoice.buyer_tax_id, Invoice.buyer_address_phone,
               Invoice.buyer_bank_account)
        .where(Invoice.customer_id == customer.id, Invoice.buyer_tax_id != "")
        .order_by(Invoice.id.desc()).limit(1)).first()
    if last is not None:
        return tax.Buyer(*last)
    address_phone = " ".join(p for p in ((customer.address or "").strip(),
                                         (customer.phone or "").strip()) if p)
    return tax.Buyer(customer.name or "", customer.tax_no or "", address_phone, "")


def _buyer_for(session: Session, customer, invoice_type: str, given) -> tax.Buyer:
    if given is not None:
        return tax.Buyer.of(given)
    if invoice_type == tax.SLIP:
        return tax.Buyer()
    return buyer_defaults(session, customer)


def reverse_invoice(session: Session, inv: Invoice, *, reason: str, when: date | None = None,
                    user=None) -> Invoice:
    """Cancel a posted invoice: undo its allocations (the money goes back to
    prepayment) and post the reversal."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Give a reason for the reversal."))
    inv = lock(session, inv)  # before the ledger lock, like every document (no deadlock)
    if inv.state != POSTED:
        raise ServiceError(_l("%(number)s is already reversed.", number=inv.number))
    with atomic(session):
        lock_ledger(session)
        allocs = live_allocations(session, invoice_id=inv.id)
        when = _reversal_date(when, inv, allocs)
        for alloc in allocs:
            unallocate(session, alloc, when=when, user=user)
        reverse_entry(session, inv.entry, when, user_id=_user_id(user),
                      memo=str(_l("Reversal of %(number)s: %(reason)s", number=inv.number,
                                  reason=reason)))
        inv.state = REVERSED
        session.flush()
    events.emit(session, "finance.invoice_reversed", invoice_id=inv.id, source=inv.source)
    return inv


# -- payments --------------------------------------------------------------
class DuplicateReference(ServiceError):
    """The bank slip / receipt number is already on a posted payment
    (issue 21): one transfer recorded twice counts the money twice.  The
    person recording may confirm it (``allow_duplicate_reference``)."""

    def __init__(self, message, payment: Payment):
        super().__init__(message)
        self.payment_number = payment.number


def reference_key(reference: str | None) -> str:
    """A reference as compared for duplicates: no whitespace (full-width
    spaces included), upper case."""
    return "".join((reference or "").split()).upper()[:80]


def duplicate_reference(session: Session, method: str, reference: str | None) -> Payment | None:
    """The posted payment of the same method that already carries this
    reference, if any (reversed ones do not count: a bounced transfer may
    come again under its number)."""
    key = reference_key(reference)
    if not key:
        return None
    return session.scalars(select(Payment).where(
        Payment.reference_key == key, Payment.method == method, Payment.state == POSTED)
        .order_by(Payment.id).limit(1)).first()


def record_payment(session: Session, customer_id: int, amount, *, when: date | None = None,
                   method: str = BANK, reference: str = "", memo: str = "", user=None,
                   allocations: str | list | None = None,
                   allow_duplicate_reference: bool = False) -> Payment:
    """Money received (回款), finance only.  Posts Dr 1002/1001 / Cr 2203.
    ``allocations``: None (keep as prepayment), "auto" (first in, first out
    over all open items) or ``[(invoice_id, amount), ...]``.  A bank slip or
    receipt number already on a posted payment of the same method is
    refused (``DuplicateReference``) unless ``allow_duplicate_reference``;
    the check runs under the ledger lock, so two clerks recording the same
    slip at once post it once."""
    if method != OPENING_CREDIT:  # opening credits come from the import, with its own permission
        _require(session, user, "finance.post_payment")
    cust = _customer(session, customer_id)
    amount = limits.check_amount(session, to_money(amount))
    when = limits.check_date(session, when or clock.today())
    if method not in PAYMENT_METHODS + (OPENING_CREDIT,):
        raise ServiceError(_l("Unknown payment method."))
    reference = " ".join((reference or "").split())[:80]
    debit_acc = {BANK: chart.BANK, CASH: chart.CASH, OPENING_CREDIT: chart.OPENING_OFFSET}[method]
    journal = "OPN" if method == OPENING_CREDIT else "REC"
    with atomic(session):
        lock_ledger(session)  # every payment checks for its twin after the one before committed
        twin = None if allow_duplicate_reference else duplicate_reference(session, method, reference)
        if twin is not None:
            raise DuplicateReference(_l(
                "The reference %(reference)s is already recorded on payment %(number)s "
                "(%(date)s, %(amount)s). Check the bank statement; if it really is a second "
                "transfer, confirm to record it again.", reference=reference, number=twin.number,
                date=twin.date.isoformat(), amount=money_str(twin.amount)), twin)
        entry = post_entry(session, journal, when, [
            LineSpec(debit_acc, debit=amount, memo=reference or memo),
            LineSpec(chart.ADVANCES, credit=amount, customer_id=customer_id, memo=memo),
        ], memo=memo or reference, customer_id=customer_id, user_id=_user_id(user), **_dims(cust))
        pay = Payment(number=entry.number, customer_id=customer_id, date=when, amount=amount,
                      method=method, reference=reference, reference_key=reference_key(reference),
                      memo=(memo or "")[:255],
                      entry_id=entry.id, created_by=_user_id(user))
        session.add(pay)
        session.flush()
        if allocations == "auto":
            settle(session, customer_id, when=when, user=user)
        elif allocations:
            for invoice_id, amt in allocations:
                inv = session.get(Invoice, int(invoice_id))
                if inv is None or inv.customer_id != customer_id:
                    raise ServiceError(_l("Unknown invoice."))
                if to_money(amt, allow_zero=True) > 0:
                    allocate(session, inv, pay, amt, when=when, user=user)
    events.emit(session, "finance.payment_recorded", payment_id=pay.id, customer_id=customer_id,
                amount=str(amount))
    return pay


def reverse_payment(session: Session, pay: Payment, *, reason: str, when: date | None = None,
                    user=None) -> Payment:
    """A bounced transfer or a mistyped amount: undo allocations, reverse."""
    _require(session, user, "finance.post_payment")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Give a reason for the reversal."))
    pay = lock(session, pay)
    if pay.state != POSTED:
        raise ServiceError(_l("%(number)s is already reversed.", number=pay.number))
    with atomic(session):
        lock_ledger(session)
        allocs = live_allocations(session, payment_id=pay.id)
        when = _reversal_date(when, pay, allocs)
        for alloc in allocs:
            unallocate(session, alloc, when=when, user=user)
        reverse_entry(session, pay.entry, when, user_id=_user_id(user),
                      memo=str(_l("Reversal of %(number)s: %(reason)s", number=pay.number,
                                  reason=reason)))
        pay.state = REVERSED
        session.flush()
    return pay


# -- credit notes ----------------------------------------------------------
def post_credit_note(session: Session, customer_id: int, kind: str, amount, *, reason: str,
                     when: date | None = None, invoice_id: int | None = None,
                     rebate_claim_id: int | None = None, source: str | None = None,
                     user=None, apply: bool | None = None,
                     tax_rate: str | None = None) -> CreditNote:
    """A credit to the customer (红字发票): Dr (per kind) / Cr 2203.
    ``amount`` includes tax; its tax part at ``tax_rate`` (default: the
    corrected invoice's one rate, else the setting) reverses output VAT:
    returns and price corrections post Dr 6001 net + Dr 222101 tax; 降价补差
    Dr 660105 net + Dr 222101 tax; a rebate clears 2241 in full and moves
    the tax from the rebate expense back off 222101.  Applied to
    ``invoice_id`` first when given, then oldest invoices (setting)."""
    cust = _customer(session, customer_id)
    if kind not in CREDIT_NOTE_KINDS:
        raise ServiceError(_l("Unknown credit note kind."))
    if kind == CN_REBATE and rebate_claim_id is None:
        # Seed 000 §四.5.D: no oral promises; only an approved claim is redeemed.
        raise ServiceError(_l("A rebate credit note redeems an approved rebate claim."))
    amount = limits.check_amount(session, to_money(amount))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Give a reason for the credit note."))
    when = limits.check_date(session, when or clock.today())
    inv = None
    if invoice_id:
        inv = session.get(Invoice, int(invoice_id))
        if inv is None or inv.customer_id != customer_id:
            raise ServiceError(_l("Unknown invoice."))
        if kind == CN_RETURN and amount > inv.amount:
            raise ServiceError(_l("A return cannot credit more than the invoice."))
    rate = (tax.check_rate(tax_rate) if tax_rate not in (None, "")
            else _invoice_rate(session, inv) or tax.default_rate(session))
    split = tax.split_amount(amount, rate, inclusive=True)
    memo = reason[:255]
    vat_memo = str(_l("Output VAT %(rate)s reversed", rate=tax.rate_label(rate)))
    if kind == CN_REBATE:
        lines = [LineSpec(chart.OTHER_PAYABLE, debit=amount, customer_id=customer_id, memo=memo)]
        if split.tax:
            lines += [LineSpec(chart.OUTPUT_VAT, debit=split.tax, customer_id=customer_id,
                               memo=vat_memo),
                      LineSpec(chart.REBATE_EXPENSE, credit=split.tax, memo=vat_memo)]
    else:
        lines = [LineSpec(CREDIT_NOTE_ACCOUNTS[kind], debit=split.net, memo=memo)]
        if split.tax:
            lines.append(LineSpec(chart.OUTPUT_VAT, debit=split.tax, customer_id=customer_id,
                                  memo=vat_memo))
    with atomic(session):
        entry = post_entry(session, "CRN", when, [
            *lines,
            LineSpec(chart.ADVANCES, credit=amount, customer_id=customer_id, memo=memo),
        ], memo=reason, customer_id=customer_id, source=source, user_id=_user_id(user),
            **_dims(cust))
        cn = CreditNote(number=entry.number, kind=kind, customer_id=customer_id, date=when,
                        amount=amount, tax_rate=rate, net_amount=split.net,
                        tax_amount=split.tax, reason=reason, invoice_id=inv.id if inv else None,
                        rebate_claim_id=rebate_claim_id, source=source, entry_id=entry.id,
                        created_by=_user_id(user))
        session.add(cn)
        session.flush()
        if inv is not None:  # nothing open on an invoice reversed meanwhile
            take = min(amount, invoice_open(session, inv.id))
            if take > 0:
                allocate(session, inv, cn, take, when=when, user=user)
        if apply is None:
            apply = bool(settings_of(session, "finance.auto_apply_credits"))
        if apply:
            settle(session, customer_id, when=when, user=user)
    events.emit(session, "finance.credit_note_posted", credit_note_id=cn.id,
                customer_id=customer_id, kind=kind, amount=str(amount))
    return cn


def _invoice_rate(session: Session, inv: Invoice | None) -> str | None:
    """The invoice's rate when all its lines share one."""
    if inv is None:
        return None
    rates = session.execute(select(InvoiceLine.tax_rate).where(InvoiceLine.invoice_id == inv.id)
                            .group_by(InvoiceLine.tax_rate)).scalars().all()
    return rates[0] if len(rates) == 1 else None


def reverse_credit_note(session: Session, cn: CreditNote, *, reason: str,
                        when: date | None = None, user=None) -> CreditNote:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Give a reason for the reversal."))
    cn = lock(session, cn)
    if cn.state != POSTED:
        raise ServiceError(_l("%(number)s is already reversed.", number=cn.number))
    if cn.rebate_claim_id:  # reopened below: its row is locked before the ledger's
        from ..models import RebateClaim

        lock(session, RebateClaim, cn.rebate_claim_id)
    with atomic(session):
        lock_ledger(session)
        allocs = live_allocations(session, credit_note_id=cn.id)
        when = _reversal_date(when, cn, allocs)
        for alloc in allocs:
            unallocate(session, alloc, when=when, user=user)
        reverse_entry(session, cn.entry, when, user_id=_user_id(user),
                      memo=str(_l("Reversal of %(number)s: %(reason)s", number=cn.number,
                                  reason=reason)))
        cn.state = REVERSED
        if cn.rebate_claim_id:
            _reopen_rebate_claim(session, cn.rebate_claim_id)
        session.flush()
    return cn


def _reopen_rebate_claim(session: Session, claim_id: int) -> None:
    """The rebate credit note was reversed: the claim is approved, unpaid again."""
    from ..models import RebateClaim
    from ..models.rebates import APPROVED, REDEEMED

    claim = lock(session, RebateClaim, claim_id)
    if claim is not None and claim.state == REDEEMED:
        claim.state = APPROVED
        claim.redemption = claim.redemption_entry_id = None
        claim.redeemed_on = claim.redeemed_by = None


__all__ = [
    "post_invoice", "reverse_invoice", "record_payment", "reverse_payment", "post_credit_note",
    "reverse_credit_note", "InvoiceLineSpec", "due_date_for", "DuplicateReference",
    "duplicate_reference", "reference_key",
]
