"""Invoices and credit notes: lists, new, detail, reversal."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.web.decorators import permission_required
from core.web.request import can, db_session, get_or_404, scoped_select
from core.web.actions import back, page_arg, run_action as run
from plugins.customers.api import Customer

from ..models import Allocation, CreditNote, Invoice
from ..models.receivables import CREDIT_NOTE_KINDS, CN_REBATE, POSTED
from ..services import allocations, receivables, tax
from ..services.money import mround
from . import bp
from .common import (
    FieldCheck,
    customer_or_404,
    posted_customer,
    int_arg,
    optional_day,
    paged,
    parse_day,
)
from core import clock

LINE_ROWS = 6


@bp.route("/invoices")
@permission_required("finance.view")
def invoices():
    stmt = scoped_select(Invoice).join(Customer, Customer.id == Invoice.customer_id)
    cid = int_arg("customer_id")
    if cid:
        stmt = stmt.where(Invoice.customer_id == cid)
    state = request.args.get("state") or ""
    if state in ("posted", "reversed"):
        stmt = stmt.where(Invoice.state == state)
    q = (request.args.get("q") or "").strip()
    if q:
        like = f"%{q}%"
        stmt = stmt.where(Invoice.number.ilike(like) | Customer.name.ilike(like)
                          | Customer.code.ilike(like) | Invoice.source.ilike(like))
    open_amt = Invoice.amount - allocations.allocated_sq(Allocation.invoice_id == Invoice.id)
    if request.args.get("overdue") == "1":
        stmt = stmt.where(Invoice.state == POSTED, Invoice.due_date < clock.today(),
                          mround(open_amt) > 0)
    page = page_arg()
    stmt = stmt.add_columns(open_amt.label("open")).order_by(Invoice.date.desc(), Invoice.id.desc())
    rows = db_session().execute(stmt.offset((page - 1) * 50).limit(51)).all()
    return render_template("finance/invoices.html", rows=rows[:50], has_next=len(rows) > 50,
                           page=page, state=state, q=q, overdue=request.args.get("overdue"),
                           customer_id=cid, today=clock.today())


BUYER_FIELDS = ("name", "tax_id", "address_phone", "bank_account")


def _rates() -> list[tuple[str, str]]:
    return [(code, tax.rate_label(code)) for code in tax.RATE_CODES]


def _vat_choices(s) -> dict:
    """What the VAT fields of the new-invoice form offer and preselect."""
    return {"rates": _rates(),
            "invoice_types": tax.INVOICE_TYPES, "default_rate": tax.default_rate(s),
            "default_type": tax.default_invoice_type(s),
            "default_inclusive": tax.prices_include_tax(s)}


def _invoice_form(customer_id, form, errors, status=200):
    s = db_session()
    buyer = None
    if customer_id:  # someone else's customer: 404
        buyer = receivables.buyer_defaults(s, customer_or_404(customer_id))
    return render_template("finance/invoice_new.html",
                           customer_id=customer_id, rows=range(LINE_ROWS), today=clock.today(),
                           form=form, errors=errors, buyer=buyer, **_vat_choices(s)), status


@bp.route("/invoices/new", methods=["GET", "POST"])
@permission_required("finance.post_invoice")
def invoice_new():
    if request.method == "POST":
        f = request.form
        c = posted_customer(f.get("customer_id"))
        check = FieldCheck(f)
        check.date("date")
        invoice_type = f.get("invoice_type") or tax.default_invoice_type(db_session())
        if invoice_type not in tax.INVOICE_TYPES:
            abort(400)
        inclusive = f.get("prices_include_tax") != "0"
        lines = []
        for i in range(LINE_ROWS):
            desc = (f.get(f"desc_{i}") or "").strip()
            price = (f.get(f"price_{i}") or "").strip()
            if not desc and not price:
                continue
            check.line_amount(f"price_{i}", check.quantity(f"qty_{i}"), check.amount(f"price_{i}"))
            raw_rate = (f.get(f"rate_{i}") or "").strip()
            rate = check.run(f"rate_{i}", lambda r=raw_rate: tax.check_rate(r)) if raw_rate else None
            lines.append({"description": desc, "unit_price": price or "0",
                          "quantity": (f.get(f"qty_{i}") or "1").strip() or "1",
                          "tax_rate": rate})
        # Empty buyer fields: the details on record (the customer's last tax
        # invoice, else the customer card).
        given = {k: (f.get(f"buyer_{k}") or "").strip() for k in BUYER_FIELDS}
        buyer = given if any(given.values()) else None
        check.run("buyer_tax_id", lambda: tax.check_buyer(
            invoice_type, tax.Buyer.of(buyer) if buyer else
            (tax.Buyer() if invoice_type == tax.SLIP
             else receivables.buyer_defaults(db_session(), c))))
        if not check:
            flash(_("Nothing was posted: correct the marked fields."), "error")
            return _invoice_form(c.id, f, check.errors, 422)

        def post(s):
            return receivables.post_invoice(s, c.id, lines, when=parse_day(f.get("date")),
                                     due_date=optional_day(f.get("due_date")),
                                     description=f.get("description", "").strip(), user=current_user,
                                     invoice_type=invoice_type, prices_include_tax=inclusive,
                                     buyer=buyer)

        inv, ok = run(post)
        if ok:
            return back("finance.invoice", invoice_id=inv.id)
        return back("finance.invoice_new", customer_id=c.id)
    return _invoice_form(int_arg("customer_id"), {}, {})


@bp.route("/invoices/<int:invoice_id>")
@permission_required("finance.view")
def invoice(invoice_id: int):
    s = db_session()
    inv = get_or_404(Invoice, invoice_id)
    allocs = s.execute(select(Allocation).where(Allocation.invoice_id == inv.id)
                       .order_by(Allocation.id)).scalars().all()
    credits = allocations.open_credits(s, inv.customer_id) if inv.state == POSTED else []
    return render_template("finance/invoice.html", inv=inv, allocs=allocs,
                           open=allocations.invoice_open(s, inv.id), credits=credits,
                           can_reverse=can("finance.post_invoice"),
                           can_allocate=can("finance.post_payment"))


@bp.route("/invoices/<int:invoice_id>/reverse", methods=["POST"])
@permission_required("finance.post_invoice")
def invoice_reverse(invoice_id: int):
    inv = get_or_404(Invoice, invoice_id)
    run(receivables.reverse_invoice, inv, reason=request.form.get("reason", ""), user=current_user,
        ok=_("%(number)s reversed.", number=inv.number))
    return back("finance.invoice", invoice_id=inv.id)


# -- credit notes ----------------------------------------------------------
@bp.route("/credit-notes")
@permission_required("finance.view")
def credit_notes():
    stmt = scoped_select(CreditNote)
    cid = int_arg("customer_id")
    if cid:
        stmt = stmt.where(CreditNote.customer_id == cid)
    kind = request.args.get("kind") or ""
    if kind in CREDIT_NOTE_KINDS:
        stmt = stmt.where(CreditNote.kind == kind)
    page = page_arg()
    rows, has_next = paged(stmt.order_by(CreditNote.date.desc(), CreditNote.id.desc()), page)
    return render_template("finance/credit_notes.html", rows=rows, has_next=has_next, page=page,
                           kind=kind, kinds=CREDIT_NOTE_KINDS)


@bp.route("/credit-notes/new", methods=["GET", "POST"])
@permission_required("finance.credit_note")
def credit_note_new():
    kinds = [k for k in CREDIT_NOTE_KINDS if k != CN_REBATE]
    if request.method == "POST":
        f = request.form
        c = posted_customer(f.get("customer_id"))
        invoice_id = None
        if f.get("invoice_number", "").strip():
            invoice_id = db_session().scalar(select(Invoice.id).where(
                Invoice.number == f["invoice_number"].strip(), Invoice.customer_id == c.id))
            if invoice_id is None:
                flash(_("No invoice %(number)s for this customer.",
                        number=f["invoice_number"].strip()), "error")
                return back("finance.credit_note_new", customer_id=c.id)
        if f.get("kind") not in kinds:
            abort(400)
        check = FieldCheck(f)
        check.amount("amount")
        check.date("date")
        rate = (f.get("tax_rate") or "").strip() or None
        if rate:
            check.run("tax_rate", lambda: tax.check_rate(rate))
        if not check:
            flash(_("Nothing was posted: correct the marked fields."), "error")
            return render_template("finance/credit_note_new.html", customer_id=c.id, kinds=kinds, today=clock.today(),
                                   invoice_number=f.get("invoice_number", ""), form=f,
                                   errors=check.errors, rates=_rates()), 422
        cn, ok = run(receivables.post_credit_note, c.id, f.get("kind"), f.get("amount", ""),
                     reason=f.get("reason", ""), when=parse_day(f.get("date")),
                     invoice_id=invoice_id, user=current_user, tax_rate=rate)
        if ok:
            return back("finance.credit_note", credit_note_id=cn.id)
        return back("finance.credit_note_new", customer_id=c.id)
    return render_template("finance/credit_note_new.html", customer_id=int_arg("customer_id"), kinds=kinds, today=clock.today(),
                           invoice_number=request.args.get("invoice", ""), form={}, errors={},
                           rates=_rates())


@bp.route("/credit-notes/<int:credit_note_id>")
@permission_required("finance.view")
def credit_note(credit_note_id: int):
    s = db_session()
    cn = get_or_404(CreditNote, credit_note_id)
    allocs = s.execute(select(Allocation).where(Allocation.credit_note_id == cn.id)
                       .order_by(Allocation.id)).scalars().all()
    return render_template("finance/credit_note.html", cn=cn, allocs=allocs,
                           open=allocations.credit_open(s, cn),
                           invoices=allocations.open_invoices(s, cn.customer_id) if cn.state == POSTED else [],
                           can_reverse=can("finance.credit_note"),
                           can_allocate=can("finance.post_payment"))


@bp.route("/credit-notes/<int:credit_note_id>/reverse", methods=["POST"])
@permission_required("finance.credit_note")
def credit_note_reverse(credit_note_id: int):
    cn = get_or_404(CreditNote, credit_note_id)
    run(receivables.reverse_credit_note, cn, reason=request.form.get("reason", ""), user=current_user,
        ok=_("%(number)s reversed.", number=cn.number))
    return back("finance.credit_note", credit_note_id=cn.id)
