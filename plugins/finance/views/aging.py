"""Aged receivables: per customer, salesperson or org unit; drill-down to
the invoices; Excel export — all limited to the customers the user sees."""
from __future__ import annotations

from datetime import date
from io import BytesIO

from flask import render_template, request, send_file
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from core import spreadsheets
from core.web.decorators import permission_required
from core.web.request import db_session
from plugins.customers.api import Customer

from ..labels import label
from ..services import aging as svc
from . import bp
from .common import customer_or_404, visible_customer_ids
from core import clock


def _args() -> tuple[date, str, int | None, int | None]:
    try:
        as_of = date.fromisoformat(request.args.get("as_of") or "")
    except ValueError:
        as_of = clock.today()
    group = request.args.get("group") if request.args.get("group") in svc.GROUPS else "customer"
    owner = request.args.get("salesperson", type=int)
    unit = request.args.get("org_unit", type=int)
    return as_of, group, owner, unit


def _ids(owner: int | None, unit: int | None):
    """The visible customers, narrowed by a drill-down from a higher group."""
    from sqlalchemy import select

    stmt = select(Customer.id).where(Customer.id.in_(visible_customer_ids()))
    if owner:
        stmt = stmt.where(Customer.owner_id == owner)
    if unit:
        stmt = stmt.where(Customer.org_unit_id == unit)
    return stmt


@bp.route("/aging")
@permission_required("finance.view")
def aging():
    as_of, group, owner, unit = _args()
    rows, total = svc.aging(db_session(), _ids(owner, unit), as_of, group)
    return render_template("finance/aging.html", rows=rows, total=total, as_of=as_of, group=group,
                           groups=svc.GROUPS, buckets=svc.BUCKETS, owner=owner, unit=unit)


@bp.route("/aging/customers/<int:customer_id>")
@permission_required("finance.view")
def aging_customer(customer_id: int):
    c = customer_or_404(customer_id)
    as_of, _g, _o, _u = _args()
    rows = svc.customer_invoices(db_session(), c.id, as_of)
    summary = svc.customer_summary(db_session(), c.id, as_of)
    return render_template("finance/aging_customer.html", c=c, rows=rows, summary=summary,
                           as_of=as_of, buckets=svc.BUCKETS)


@bp.route("/aging.xlsx")
@permission_required("finance.view")
def aging_export():
    as_of, group, owner, unit = _args()
    s = db_session()
    rows, total = svc.aging(s, _ids(owner, unit), as_of, group)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Aged receivables")[:31]
    spreadsheets.append(ws, [_("Aged receivables as of %(date)s", date=as_of.isoformat())])
    ws["A1"].font = Font(bold=True)
    header = [label(group)] + [label(b) for b in svc.BUCKETS] + [
        _("Overdue"), label("unapplied"), _("Balance")]
    spreadsheets.append(ws, header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for r in rows + [total]:
        name = r.label if r is not total else _("Total")
        spreadsheets.append(ws, [name] + [getattr(r, b) for b in svc.BUCKETS]
                            + [r.overdue, r.unapplied, r.balance])
    if group == "customer":
        detail = wb.create_sheet(_("Invoices")[:31])
        spreadsheets.append(detail, [_("Customer"), _("Invoice"), _("Date"), _("Due date"),
                                     _("Amount"), _("Open amount"), _("Days past due"),
                                     _("Bucket")])
        for r in rows:
            for inv in svc.customer_invoices(s, r.key, as_of):
                spreadsheets.append(detail, [r.label, inv["number"], inv["date"], inv["due_date"],
                                             inv["amount"], inv["open"], inv["days"],
                                             label(inv["bucket"])])
    for sheet in wb.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if hasattr(cell.value, "as_tuple"):
                    cell.number_format = "#,##0.00"
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    return send_file(buf, as_attachment=True, download_name=f"aging-{as_of.isoformat()}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
