"""Payments received (回款, finance only), allocations and reversals."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.filters import money
from core.web.decorators import permission_required
from core.web.request import can, db_session, get_or_404, scoped_select
from core.web.actions import back, page_arg, run_action as run

from ..models import Allocation, CreditNote, Invoice, Payment
from ..models.receivables import PAYMENT_METHODS, POSTED
from ..services import allocations, receivables
from . import bp
from .common import FieldCheck, customer_or_404, int_arg, paged, parse_day, posted_customer
from core import clock


@bp.route("/payments")
@permission_required("finance.view")
def payments():
    stmt = scoped_select(Payment)
    cid = int_arg("customer_id")
    if cid:
        stmt = stmt.where(Payment.customer_id == cid)
    q = (request.args.get("q") or "").strip()
    if q:
        stmt = stmt.where(Payment.number.ilike(f"%{q}%") | Payment.reference.ilike(f"%{q}%"))
    page = page_arg()
    rows, has_next = paged(stmt.order_by(Payment.date.desc(), Payment.id.desc()), page)
    return render_template("finance/payments.html", rows=rows, has_next=has_next, page=page,
                           q=q, can_post=can("finance.post_payment"))


@bp.route("/payments/new", methods=["GET", "POST"])
@permission_required("finance.post_payment")
def payment_new():
    s = db_session()
    if request.method == "POST":
        f = request.form
        c = posted_customer(f.get("customer_id"))
        check = FieldCheck(f)
        check.amount("amount")
        check.date("date")
        for k in f:
            if k.startswith("alloc_"):
                check.amount(k, blank_ok=True)
        method = f.get("method") if f.get("method") in PAYMENT_METHODS else ""
        confirmed = f.get("confirm_duplicate") == "1"
        twin = None if confirmed else receivables.duplicate_reference(s, method, f.get("reference"))
        if twin is not None:  # the service checks again under the ledger lock
            check.errors["reference"] = _(
                "This reference is already recorded on payment %(number)s (%(date)s, "
                "%(amount)s). Check the bank statement; if it really is a second transfer, "
                "tick the box below and record it again.", number=twin.number,
                date=twin.date.isoformat(), amount=money(twin.amount))
        if not check:
            flash(_("Nothing was recorded: correct the marked fields."), "error")
            return render_template("finance/payment_new.html", c=c,
                                   open_invoices=allocations.open_invoices(s, c.id),
                                   methods=PAYMENT_METHODS, today=clock.today(), form=f,
                                   errors=check.errors, twin=twin), 422
        mode = f.get("allocation") or "none"
        apply_to = None
        if mode == "auto":
            apply_to = "auto"
        elif mode == "manual":
            apply_to = [(k.split("_", 1)[1], v) for k, v in f.items()
                        if k.startswith("alloc_") and v.strip()]
        pay, ok = run(receivables.record_payment, c.id, f.get("amount", ""), when=parse_day(f.get("date")),
                      method=method, reference=f.get("reference", ""), memo=f.get("memo", ""),
                      user=current_user, allocations=apply_to,
                      allow_duplicate_reference=confirmed, ok=_("Payment recorded."))
        if ok:
            return back("finance.payment", payment_id=pay.id)
        return back("finance.payment_new", customer_id=c.id)
    c = posted_customer(request.args.get("customer_id"), required=False)
    return render_template("finance/payment_new.html", c=c,
                           open_invoices=allocations.open_invoices(s, c.id) if c else [],
                           methods=PAYMENT_METHODS, today=clock.today(), form={}, errors={},
                           twin=None)


@bp.route("/payments/<int:payment_id>")
@permission_required("finance.view")
def payment(payment_id: int):
    s = db_session()
    pay = get_or_404(Payment, payment_id)
    allocs = s.execute(select(Allocation).where(Allocation.payment_id == pay.id)
                       .order_by(Allocation.id)).scalars().all()
    return render_template("finance/payment.html", pay=pay, allocs=allocs,
                           open=allocations.credit_open(s, pay),
                           invoices=allocations.open_invoices(s, pay.customer_id) if pay.state == POSTED else [],
                           can_post=can("finance.post_payment"))


@bp.route("/payments/<int:payment_id>/reverse", methods=["POST"])
@permission_required("finance.post_payment")
def payment_reverse(payment_id: int):
    pay = get_or_404(Payment, payment_id)
    run(receivables.reverse_payment, pay, reason=request.form.get("reason", ""), user=current_user,
        ok=_("%(number)s reversed.", number=pay.number))
    return back("finance.payment", payment_id=pay.id)


@bp.route("/allocations", methods=["POST"])
@permission_required("finance.post_payment")
def allocate():
    """Apply part of a payment or credit note to an invoice of the same customer."""
    f = request.form
    inv = get_or_404(Invoice, f.get("invoice_id", type=int) or 0)
    if f.get("payment_id"):
        credit = get_or_404(Payment, f.get("payment_id", type=int) or 0)
        target = ("finance.payment", {"payment_id": credit.id})
    elif f.get("credit_note_id"):
        credit = get_or_404(CreditNote, f.get("credit_note_id", type=int) or 0)
        target = ("finance.credit_note", {"credit_note_id": credit.id})
    else:
        abort(400)
    run(allocations.allocate, inv, credit, f.get("amount", ""), user=current_user,
        ok=_("Allocated to %(number)s.", number=inv.number))
    if f.get("next") == "invoice":
        return back("finance.invoice", invoice_id=inv.id)
    return back(target[0], **target[1])


@bp.route("/allocations/<int:allocation_id>/undo", methods=["POST"])
@permission_required("finance.post_payment")
def unallocate(allocation_id: int):
    alloc = get_or_404(Allocation, allocation_id)
    run(allocations.unallocate, alloc, user=current_user, ok=_("Allocation undone."))
    return back("finance.invoice", invoice_id=alloc.invoice_id)
