"""Reports from the general ledger (issue 21, item 16): the 科目余额表 for a
period with its customer sub-ledgers, the 资产负债表 and the 利润表 — on
screen, in Excel and as PDF, for the readers of finance reports
(``finance.ledger``), limited to the lines of their org units."""
from __future__ import annotations

from datetime import date
from io import BytesIO

from flask import abort, render_template, request, send_file
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from openpyxl import Workbook
from openpyxl.styles import Font

from core import spreadsheets
from core.services import ServiceError
from core.web.actions import day_arg
from core.web.decorators import permission_required
from core.web.request import db_session

from ..services import reports as svc
from . import bp
from core import clock

READ = "finance.ledger"
#: Customers shown on the screen's sub-ledger page; Excel has them all.
SCREEN_ROWS = 2000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period() -> tuple[date, date]:
    today = clock.today()
    first, _last = svc.default_period(today)
    # ``as_of`` is the old trial balance's argument: the period then ends there.
    end = day_arg("end", day_arg("as_of", today) if request.args.get("as_of") else today)
    start = day_arg("start", end.replace(day=1) if request.args.get("as_of") else first)
    try:
        svc.check_period(start, end)
    except ServiceError as e:
        from flask import flash

        flash(str(e), "error")
        start, end = first, today
    return start, end


def _locale() -> str:
    return str(get_locale() or "zh_CN")


@bp.route("/ledger/trial-balance")
@permission_required(READ)
def trial_balance():
    start, end = _period()
    tb = svc.period_trial_balance(db_session(), start, end, svc.unit_scope(current_user))
    return render_template("finance/trial_balance.html", tb=tb, start=start, end=end,
                           locale=_locale(), tab="trial_balance")


@bp.route("/ledger/trial-balance/<code>")
@permission_required(READ)
def subledger(code: str):
    if code not in svc.subledger_codes():
        abort(404)
    start, end = _period()
    tb = svc.customer_subledger(db_session(), start, end, code, svc.unit_scope(current_user),
                                limit=SCREEN_ROWS + 1)
    more = len(tb.rows) > SCREEN_ROWS
    tb.rows = tb.rows[:SCREEN_ROWS]
    return render_template("finance/subledger.html", tb=tb, code=code, start=start, end=end,
                           more=more, locale=_locale(), tab="trial_balance")


@bp.route("/reports/balance-sheet")
@permission_required(READ)
def balance_sheet():
    day = day_arg("day", clock.today())
    st = svc.balance_sheet(db_session(), day, svc.unit_scope(current_user))
    return render_template("finance/statement_report.html", st=st, day=day, tab="balance_sheet",
                           pdf_spec="finance.balance_sheet", pdf_id=day.isoformat(),
                           xlsx=("finance.balance_sheet_xlsx", {"day": day.isoformat()}))


@bp.route("/reports/income-statement")
@permission_required(READ)
def income_statement():
    start, end = _period()
    st = svc.income_statement(db_session(), start, end, svc.unit_scope(current_user))
    return render_template("finance/statement_report.html", st=st, start=start, end=end,
                           tab="income_statement", pdf_spec="finance.income_statement",
                           pdf_id=f"{start.isoformat()}_{end.isoformat()}",
                           xlsx=("finance.income_statement_xlsx",
                                 {"start": start.isoformat(), "end": end.isoformat()}))


# -- Excel ------------------------------------------------------------------------
def _send(wb: Workbook, name: str):
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if hasattr(cell.value, "as_tuple"):
                    cell.number_format = "#,##0.00"
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    return send_file(buf, as_attachment=True, download_name=name, mimetype=XLSX)


def _bold_row(ws) -> None:
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)




def _tb_header() -> list[str]:
    return [_("Opening balance (debit)"), _("Opening balance (credit)"), _("Debit for the period"),
            _("Credit for the period"), _("Closing balance (debit)"), _("Closing balance (credit)")]


def _tb_figures(r) -> list:
    return [r.opening_debit, r.opening_credit, r.debit, r.credit, r.closing_debit, r.closing_credit]


@bp.route("/ledger/trial-balance.xlsx")
@permission_required(READ)
def trial_balance_xlsx():
    start, end = _period()
    s, units, loc = db_session(), svc.unit_scope(current_user), _locale()
    tb = svc.period_trial_balance(s, start, end, units)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Trial balance")[:31]
    spreadsheets.append(ws, [_("Trial balance %(start)s – %(end)s", start=start.isoformat(),
                                end=end.isoformat())])
    _bold_row(ws)
    spreadsheets.append(ws, [_("Account code"), _("Account")] + _tb_header())
    _bold_row(ws)
    for r in tb.rows:
        spreadsheets.append(ws, [r.code, r.label(loc).split(" ", 1)[-1]] + _tb_figures(r))
    spreadsheets.append(ws, ["", _("Total")] + _tb_figures(tb.total))
    _bold_row(ws)
    for code in tb.subledger:
        sub = svc.customer_subledger(s, start, end, code, units)
        sheet = wb.create_sheet(f"{code} {sub.total.label(loc).split(' ', 1)[-1]}"[:31])
        spreadsheets.append(sheet, [_("Customer code"), _("Customer")] + _tb_header())
        _bold_row(sheet)
        for r in sub.rows:
            spreadsheets.append(sheet, [r.code, r.name] + _tb_figures(r))
        spreadsheets.append(sheet, ["", _("Total")] + _tb_figures(sub.total))
        _bold_row(sheet)
    return _send(wb, f"trial-balance-{start.isoformat()}-{end.isoformat()}.xlsx")


def _statement_xlsx(st, heading: str, name: str):
    wb = Workbook()
    ws = wb.active
    ws.title = str(st.title)[:31]
    spreadsheets.append(ws, [heading])
    _bold_row(ws)
    spreadsheets.append(ws, [_("Item")] + [str(label) for _k, label in st.columns])
    _bold_row(ws)
    for label, _key, values, bold, indent in st.rows:
        spreadsheets.append(ws, [("　" * indent) + str(label)] + [values[k] for k, _l in st.columns])
        if bold:
            _bold_row(ws)
    return _send(wb, name)


@bp.route("/reports/balance-sheet.xlsx")
@permission_required(READ)
def balance_sheet_xlsx():
    day = day_arg("day", clock.today())
    st = svc.balance_sheet(db_session(), day, svc.unit_scope(current_user))
    return _statement_xlsx(st, _("Balance sheet as of %(date)s", date=day.isoformat()),
                           f"balance-sheet-{day.isoformat()}.xlsx")


@bp.route("/reports/income-statement.xlsx")
@permission_required(READ)
def income_statement_xlsx():
    start, end = _period()
    st = svc.income_statement(db_session(), start, end, svc.unit_scope(current_user))
    return _statement_xlsx(st, _("Income statement %(start)s – %(end)s", start=start.isoformat(),
                                 end=end.isoformat()),
                           f"income-statement-{start.isoformat()}-{end.isoformat()}.xlsx")
