"""Open amounts and allocations (核销): which part of which payment or
credit note settles which invoice.  See documents.py for the money model."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import literal, select, union_all
from sqlalchemy.orm import Session

from core.i18n import _l
from core.services import ServiceError

from ..models import Allocation, CreditNote, Invoice, Payment
from ..models.receivables import POSTED
from . import chart
from .common import _dims, _user_id
from .ledger import LineSpec, lock_ledger, post_entry, reverse_entry
from .money import ZERO, mround, msum, round_money, to_money
from core import clock


# -- open amounts ----------------------------------------------------------
def allocated_sq(column):
    """Correlated subquery: the amount allocated to/from a row."""
    return (select(msum(Allocation.amount)).where(column)
            .correlate_except(Allocation).scalar_subquery())


def invoice_open(session: Session, invoice_id: int) -> Decimal:
    # State and amount as committed, not as an object loaded earlier shows them.
    row = session.execute(select(Invoice.state, Invoice.amount)
                          .where(Invoice.id == invoice_id)).first()
    if row is None or row.state != POSTED:
        return ZERO
    done = session.scalar(select(msum(Allocation.amount)).where(Allocation.invoice_id == invoice_id))
    return row.amount - done


def open_invoices(session: Session, customer_id: int) -> list[tuple[Invoice, Decimal]]:
    """(invoice, open amount) of the customer's unpaid invoices, oldest due first."""
    open_amt = Invoice.amount - allocated_sq(Allocation.invoice_id == Invoice.id)
    rows = session.execute(
        select(Invoice, open_amt.label("open"))
        .where(Invoice.customer_id == customer_id, Invoice.state == POSTED,
               mround(open_amt) > 0)
        .order_by(Invoice.due_date, Invoice.id)).all()
    return [(inv, round_money(amt)) for inv, amt in rows]


def credit_open(session: Session, credit) -> Decimal:
    if _state(session, credit) != POSTED:
        return ZERO
    col = Allocation.payment_id if isinstance(credit, Payment) else Allocation.credit_note_id
    return credit.amount - session.scalar(select(msum(Allocation.amount)).where(col == credit.id))


def open_credits(session: Session, customer_id: int) -> list[tuple[object, Decimal]]:
    """Unapplied payments and credit notes, oldest first."""
    p_open = Payment.amount - allocated_sq(Allocation.payment_id == Payment.id)
    c_open = CreditNote.amount - allocated_sq(Allocation.credit_note_id == CreditNote.id)
    q = union_all(
        select(literal("p").label("t"), Payment.id.label("id"), Payment.date.label("d"),
               p_open.label("open"))
        .where(Payment.customer_id == customer_id, Payment.state == POSTED, mround(p_open) > 0),
        select(literal("c").label("t"), CreditNote.id.label("id"), CreditNote.date.label("d"),
               c_open.label("open"))
        .where(CreditNote.customer_id == customer_id, CreditNote.state == POSTED,
               mround(c_open) > 0),
    ).subquery()
    out = []
    for t, ident, _d, amt in session.execute(select(q).order_by(q.c.d, q.c.t, q.c.id)):
        obj = session.get(Payment if t == "p" else CreditNote, ident)
        out.append((obj, round_money(Decimal(str(amt)))))
    return out


# -- allocations -----------------------------------------------------------
def allocate(session: Session, invoice: Invoice, credit, amount, *, when: date | None = None,
             user=None) -> Allocation:
    """Apply ``amount`` of a payment or credit note to an invoice."""
    amount = to_money(amount)
    lock_ledger(session)
    if credit.customer_id != invoice.customer_id:
        raise ServiceError(_l("A payment can only settle invoices of the same customer."))
    # The states as committed now, under the ledger lock that every reversal
    # holds while it changes them — not as loaded before the lock.
    if _state(session, invoice) != POSTED or _state(session, credit) != POSTED:
        raise ServiceError(_l("Reversed documents cannot be allocated."))
    inv_open = invoice_open(session, invoice.id)
    if amount > inv_open:
        raise ServiceError(_l("Invoice %(number)s has only %(open)s open.",
                              number=invoice.number, open=inv_open))
    cr_open = credit_open(session, credit)
    if amount > cr_open:
        raise ServiceError(_l("%(number)s has only %(open)s left to allocate.",
                              number=credit.number, open=cr_open))
    # Never before either document exists: aging "as of" stays truthful.
    when = max(when or clock.today(), invoice.date, credit.date)
    cust = invoice.customer_id
    entry = post_entry(session, "ALC", when, [
        LineSpec(chart.ADVANCES, debit=amount, customer_id=cust, memo=credit.number),
        LineSpec(chart.RECEIVABLE, credit=amount, customer_id=cust, memo=invoice.number),
    ], memo=f"{credit.number} → {invoice.number}", customer_id=cust,
        source=f"finance.invoice:{invoice.id}", user_id=_user_id(user), **_dims(invoice.customer))
    alloc = Allocation(customer_id=cust, invoice_id=invoice.id, amount=amount, date=when,
                       entry_id=entry.id, created_by=_user_id(user),
                       payment_id=credit.id if isinstance(credit, Payment) else None,
                       credit_note_id=credit.id if isinstance(credit, CreditNote) else None)
    session.add(alloc)
    session.flush()
    return alloc


def _state(session: Session, doc) -> str:
    return session.scalar(select(type(doc).state).where(type(doc).id == doc.id))


def unallocate(session: Session, alloc: Allocation, *, when: date | None = None,
               user=None) -> Allocation:
    """Undo an allocation: a reversing entry and a row with the opposite amount."""
    lock_ledger(session)
    if alloc.amount < 0 or session.scalar(
            select(Allocation.id).where(Allocation.undo_of_id == alloc.id)):
        raise ServiceError(_l("This allocation is already undone."))
    when = max(when, alloc.date) if when else None
    rev = reverse_entry(session, alloc.entry, when, user_id=_user_id(user))
    undo = Allocation(customer_id=alloc.customer_id, invoice_id=alloc.invoice_id,
                      payment_id=alloc.payment_id, credit_note_id=alloc.credit_note_id,
                      amount=-alloc.amount, date=rev.date, entry_id=rev.id,
                      undo_of_id=alloc.id, created_by=_user_id(user))
    session.add(undo)
    session.flush()
    return undo


def _reversal_date(when: date | None, doc, allocs: list[Allocation]) -> date:
    """A document and its allocations are undone on one date, never before
    the document or any of its allocations."""
    return max([when or clock.today(), doc.date] + [a.date for a in allocs])


def live_allocations(session: Session, **where) -> list[Allocation]:
    """Allocations not undone, filtered by invoice_id / payment_id / credit_note_id."""
    undone = select(Allocation.undo_of_id).where(Allocation.undo_of_id.is_not(None))
    stmt = select(Allocation).where(Allocation.amount > 0, Allocation.id.not_in(undone))
    for key, value in where.items():
        stmt = stmt.where(getattr(Allocation, key) == value)
    return list(session.execute(stmt.order_by(Allocation.id)).scalars())


def settle(session: Session, customer_id: int, *, when: date | None = None,
           user=None) -> Decimal:
    """First in, first out (先进先出核销): apply the customer's open payments
    and credits, oldest first, to their open invoices, oldest due first.
    With automatic settlement on, a customer never has an overdue invoice
    and an unapplied prepayment at the same time.  Returns the amount applied."""
    invoices = open_invoices(session, customer_id)
    credits = open_credits(session, customer_id) if invoices else []
    applied, i, j = ZERO, 0, 0
    while i < len(invoices) and j < len(credits):
        inv, inv_open = invoices[i]
        cr, cr_open = credits[j]
        take = min(inv_open, cr_open)
        allocate(session, inv, cr, take, when=when, user=user)
        applied += take
        invoices[i], credits[j] = (inv, inv_open - take), (cr, cr_open - take)
        if inv_open - take == 0:
            i += 1
        if cr_open - take == 0:
            j += 1
    return applied
