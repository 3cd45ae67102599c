"""The general ledger: entries, a general entry form, reversals, the chart
of accounts, the lock date and the hash-chain check (the reports from the
ledger are in ``reports.py``)."""
from __future__ import annotations

import re
from datetime import date

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.services import ServiceError
from core.web.decorators import permission_required
from core.web.request import can, db_session, get_or_404, scoped_select
from core.web.actions import back, page_arg, run_action as run

from ..models import Account, Entry, Journal
from ..models.ledger import ACCOUNT_KINDS
from ..services import chart, ledger as svc, limits
from . import bp
from .common import FieldCheck, paged, parse_day, posted_customer
from core import clock

LINE_ROWS = 6
CODE_RE = re.compile(r"^\d{4,10}$")


@bp.route("/ledger")
@permission_required("finance.ledger")
def entries():
    s = db_session()
    chart.ensure_setup(s)
    stmt = scoped_select(Entry)
    journal = request.args.get("journal") or ""
    if journal:
        stmt = stmt.join(Journal, Journal.id == Entry.journal_id).where(Journal.code == journal)
    q = (request.args.get("q") or "").strip()
    if q:
        stmt = stmt.where(Entry.number.ilike(f"%{q}%") | Entry.memo.ilike(f"%{q}%"))
    page = page_arg()
    rows, has_next = paged(stmt.order_by(Entry.chain_seq.desc()), page)
    journals = s.execute(select(Journal).order_by(Journal.id)).scalars().all()
    return render_template("finance/entries.html", rows=rows, has_next=has_next, page=page,
                           journal=journal, journals=journals, q=q, lock_date=limits.lock_date(s),
                           can_post=can("finance.journal_entry"), can_lock=can("finance.lock"))


@bp.route("/ledger/<int:entry_id>")
@permission_required("finance.ledger")
def entry(entry_id: int):
    e = get_or_404(Entry, entry_id)
    return render_template("finance/entry.html", e=e, can_post=can("finance.journal_entry"))


@bp.route("/ledger/new", methods=["GET", "POST"])
@permission_required("finance.journal_entry")
def entry_new():
    s = db_session()
    if request.method == "POST":
        f = request.form
        check = FieldCheck(f)
        check.date("date")
        lines = []
        for i in range(LINE_ROWS):
            code = (f.get(f"account_{i}") or "").strip()
            debit = (f.get(f"debit_{i}") or "").strip()
            credit = (f.get(f"credit_{i}") or "").strip()
            if not (code or debit or credit):
                continue
            check.amount(f"debit_{i}", blank_ok=True)
            check.amount(f"credit_{i}", blank_ok=True)
            # The one dimension this form sets; the posting service checks all of them.
            customer = posted_customer(f.get(f"customer_{i}"), required=False)
            if "customer" in chart.REQUIRED_DIMENSIONS.get(code, ()) and customer is None:
                check.errors[f"customer_{i}"] = _(
                    "Account %(code)s needs %(dimension)s on every line.", code=code,
                    dimension=svc.DIMENSION_LABELS["customer"])
            cid = customer.id if customer is not None else None
            lines.append(svc.LineSpec(code, debit=debit or "0", credit=credit or "0",
                                      customer_id=cid, memo=f.get(f"memo_{i}", "")))
        if not check:
            flash(_("Nothing was posted: correct the marked fields."), "error")
            return render_template("finance/entry_new.html", accounts=_accounts(s),
                                   rows=range(LINE_ROWS), form=f,
                                   today=clock.today(), errors=check.errors), 422
        unit = current_user.org_unit_id
        e, ok = run(lambda s_: svc.post_entry(s_, "GEN", parse_day(f.get("date")), lines,
                                              memo=f.get("memo", ""), user_id=current_user.id,
                                              unit_id=unit), ok=_("Entry posted."))
        if ok:
            return back("finance.entry", entry_id=e.id)
        return render_template("finance/entry_new.html", accounts=_accounts(s),
                               rows=range(LINE_ROWS), form=f,
                               today=clock.today(), errors={}), 422
    return render_template("finance/entry_new.html", accounts=_accounts(s),
                           rows=range(LINE_ROWS), form={},
                           today=clock.today(), errors={})


def _accounts(s):
    chart.ensure_setup(s)
    return s.execute(select(Account).where(Account.active.is_(True)).order_by(Account.code)
                     ).scalars().all()


@bp.route("/ledger/<int:entry_id>/reverse", methods=["POST"])
@permission_required("finance.journal_entry")
def entry_reverse(entry_id: int):
    e = get_or_404(Entry, entry_id)
    if e.journal.code != "GEN":
        flash(_("This entry belongs to a document: reverse the document instead."), "error")
        return back("finance.entry", entry_id=e.id)
    rev, ok = run(lambda s: svc.reverse_entry(s, e, parse_day(request.form.get("date")),
                                              user_id=current_user.id,
                                              memo=request.form.get("memo", "")),
                  ok=_("Reversal posted."))
    return back("finance.entry", entry_id=rev.id if ok else e.id)


@bp.route("/ledger/lock", methods=["POST"])
@permission_required("finance.lock")
def lock():
    run(lambda s: svc.set_lock_date(s, parse_day(request.form.get("lock_date")),
                                    user_id=current_user.id),
        ok=_("The books are locked up to the new date."))
    return back("finance.entries")


@bp.route("/ledger/verify", methods=["GET", "POST"])
@permission_required("finance.ledger")
def verify():
    report = None
    if request.method == "POST":
        report = svc.verify_chain(db_session())
    return render_template("finance/verify.html", report=report)


@bp.route("/accounts", methods=["GET", "POST"])
@permission_required("finance.ledger")
def accounts():
    s = db_session()
    chart.ensure_setup(s)
    if request.method == "POST":
        if not can("finance.accounts"):
            abort(403)
        f = request.form

        def add(s_):
            code = (f.get("code") or "").strip()
            name = (f.get("name") or "").strip()
            if not CODE_RE.match(code):
                raise ServiceError(_("An account code has 4 to 10 digits."))
            if not name:
                raise ServiceError(_("Give the account a name."))
            if f.get("kind") not in ACCOUNT_KINDS:
                raise ServiceError(_("Choose the kind of account."))
            if s_.scalar(select(Account.id).where(Account.code == code)):
                raise ServiceError(_("Account %(code)s already exists.", code=code))
            acc = Account(code=code, name=name[:120], name_en=(f.get("name_en") or "")[:120],
                          kind=f["kind"])
            s_.add(acc)
            s_.flush()
            return acc

        run(add, ok=_("Account added."))
        return back("finance.accounts")
    rows = s.execute(select(Account).order_by(Account.code)).scalars().all()
    return render_template("finance/accounts.html", rows=rows, kinds=ACCOUNT_KINDS,
                           can_edit=can("finance.accounts"))


@bp.route("/accounts/<int:account_id>/toggle", methods=["POST"])
@permission_required("finance.accounts")
def account_toggle(account_id: int):
    s = db_session()
    acc = s.get(Account, account_id)
    if acc is None:
        abort(404)
    if acc.builtin and acc.code in (chart.RECEIVABLE, chart.ADVANCES, chart.OTHER_PAYABLE,
                                    chart.REVENUE_MAIN, chart.BANK, chart.CASH,
                                    chart.REBATE_EXPENSE, chart.OPENING_OFFSET,
                                    chart.OUTPUT_VAT):
        flash(_("Account %(code)s is used by the postings themselves and stays open.",
                code=acc.code), "error")
        return back("finance.accounts")
    acc.active = not acc.active
    s.commit()
    return back("finance.accounts")
