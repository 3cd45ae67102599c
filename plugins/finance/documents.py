"""PDF documents of the finance plugin — statement (对账单), sales slip /
invoice, receipt (收款收据), rebate settlement notice (返利兑付通知单) and the
aged receivables report — and the month-end statement batch job.

Contexts are plain data (core renders, numbers and archives); labels are
lazy strings, translated by core into the document's language.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from core.access import scoped_get
from core.documents.grid import Column, Grid
from core.i18n import _l
from core.registry import Paging
from plugins.customers import api as customers

from .labels import LABELS
from .models import Invoice, Payment, RebateClaim, Statement
from .services import aging as aging_svc
from .services import statements as st_svc
from .services.tax import rate_label


def _customer(c) -> dict:
    return {"id": c.id, "code": c.code, "name": c.name, "address": c.address or "",
            "phone": c.phone or ""}


def statement_context(session: Session, record_id: str, user) -> dict | None:
    """For core's own routes (``/documents/issue/finance.statement/<id>``):
    core found the statement through the user's access scope already (the
    spec's ``model``), so it is not filtered again here.  Issuing a
    statement goes through ``statements.issue_statement``, which hands core
    the figures it computed and never calls this."""
    st = session.get(Statement, int(record_id))
    if st is None:
        return None
    return st_svc.pdf_context(st_svc.statement_data(session, st.customer_id, st.period,
                                                    locale=st.locale, statement=st))


def invoice_context(session: Session, record_id: str, user) -> dict | None:
    inv = scoped_get(session, Invoice, int(record_id), user)
    if inv is None:
        return None
    # Issue 21 §15: a 销售单 (sales slip) is not a tax invoice; the tax is
    # shown on it all the same.  Totals as posted (the lines' SQL sums are
    # checked by ``qudao finance verify``).
    return {
        "title": LABELS.get(inv.invoice_type, LABELS["slip"]), "number": inv.number,
        "customer": _customer(inv.customer), "invoice_type": inv.invoice_type,
        "date": inv.date, "due_date": inv.due_date, "amount": inv.amount,
        "net_amount": inv.net_amount, "tax_amount": inv.tax_amount,
        "prices_include_tax": inv.prices_include_tax,
        "buyer": {"name": inv.buyer_name, "tax_id": inv.buyer_tax_id,
                  "address_phone": inv.buyer_address_phone,
                  "bank_account": inv.buyer_bank_account},
        "description": inv.description or "", "source": inv.source or "",
        "reversed": inv.state != "posted",
        "lines": [{"description": ln.description, "quantity": ln.quantity.normalize(),
                   "unit_price": ln.unit_price, "amount": ln.amount,
                   "net_amount": ln.net_amount, "tax_amount": ln.tax_amount,
                   "rate": rate_label(ln.tax_rate)} for ln in inv.lines],
    }


def receipt_context(session: Session, record_id: str, user) -> dict | None:
    pay = scoped_get(session, Payment, int(record_id), user)
    if pay is None:
        return None
    return {"title": _l("Receipt"), "number": pay.number, "customer": _customer(pay.customer),
            "date": pay.date, "amount": pay.amount, "method": LABELS.get(pay.method, pay.method),
            "reference": pay.reference or "", "memo": pay.memo or "",
            "reversed": pay.state != "posted"}


def rebate_notice_context(session: Session, record_id: str, user) -> dict | None:
    claim = scoped_get(session, RebateClaim, int(record_id), user)
    if claim is None or claim.state not in ("approved", "redeemed"):
        return None
    return {
        "title": _l("Rebate settlement notice"), "number": claim.number,
        "customer": _customer(claim.customer), "kind": LABELS[claim.kind],
        "period_start": claim.period_start, "period_end": claim.period_end,
        "amount": claim.amount, "approved_on": claim.approved_on,
        "redeemed_on": claim.redeemed_on,
        "redemption": LABELS.get(claim.redemption, "") if claim.redemption else "",
        "lines": [{"product": ln.product, "quantity": ln.quantity.normalize(),
                   "unit_amount": ln.unit_amount, "amount": ln.amount} for ln in claim.lines],
    }


def aging_context(session: Session, record_id: str, user) -> dict | None:
    """``record_id`` is the as-of date (YYYY-MM-DD); the rows are the
    customers this user may see, as everywhere else."""
    try:
        as_of = date.fromisoformat(record_id)
    except ValueError:
        return None
    ids = customers.customer_ids_for(user)
    rows, total = aging_svc.aging(session, ids, as_of, "customer")
    return {
        "title": _l("Aged receivables"), "as_of": as_of,
        "labels": {k: LABELS[k] for k in aging_svc.BUCKETS + ("unapplied",)},
        "rows": [r.as_dict() for r in rows], "total": total.as_dict(),
    }


#: The statement's movements: a grid of 110 cells (core/documents/grid.py);
#: a description line holds 16 Chinese characters.  Measured on the
#: template: 29 one-line rows fit under the fields and 37 on later pages (one
#: row kept spare on each); a further line of a row is 0.7 of a row.
STATEMENT_GRID = Grid(Column(10), Column(14, key="number"), Column(33, key="description"),
                      Column(14, "right"), Column(14, "right"), Column(15, "right"))
STATEMENT_PAGING = Paging("movements", first_page=28, per_page=36, extra_line=0.7,
                          grid=STATEMENT_GRID)

#: The aged receivables report: one row per customer on landscape pages of
#: 163 cells; measured the same way (19 rows on the first page, 23 after).
AGING_GRID = Grid(Column(44, key="label"), *(Column(15, "right") for _col in range(7)))
AGING_PAGING = Paging("rows", first_page=18, per_page=22, extra_line=0.7, grid=AGING_GRID)


# -- reports from the ledger (issue 21, item 16) --------------------------------
def _tb_row(r) -> dict:
    return {"code": r.code, "name": r.name, "name_en": r.name_en,
            "opening_debit": r.opening_debit, "opening_credit": r.opening_credit,
            "debit": r.debit, "credit": r.credit,
            "closing_debit": r.closing_debit, "closing_credit": r.closing_credit}


def trial_balance_context(session: Session, record_id: str, user) -> dict | None:
    """``record_id`` is the period, ``2026-03-01_2026-03-31``; the lines are
    those of the user's org units, as on the page."""
    from core.services import ServiceError

    from .services import reports as rep

    try:
        start, end = rep.parse_range(record_id)
        tb = rep.period_trial_balance(session, start, end, rep.unit_scope(user))
    except ServiceError:
        return None
    return {"title": _l("Trial balance"), "start": start, "end": end,
            "rows": [_tb_row(r) for r in tb.rows], "total": _tb_row(tb.total)}


def _statement_context(st) -> dict:
    return {"title": st.title, "day": st.day, "start": st.start, "end": st.end,
            "columns": [{"key": k, "label": label} for k, label in st.columns],
            "rows": [{"label": label, "key": key, "values": values, "bold": bold, "indent": indent}
                     for label, key, values, bold, indent in st.rows]}


def balance_sheet_context(session: Session, record_id: str, user) -> dict | None:
    from .services import reports as rep

    try:
        day = date.fromisoformat(record_id)
    except ValueError:
        return None
    return _statement_context(rep.balance_sheet(session, day, rep.unit_scope(user)))


def income_statement_context(session: Session, record_id: str, user) -> dict | None:
    from core.services import ServiceError

    from .services import reports as rep

    try:
        start, end = rep.parse_range(record_id)
        return _statement_context(rep.income_statement(session, start, end, rep.unit_scope(user)))
    except ServiceError:
        return None
