"""Budgets against actuals, and month-end accruals."""
from __future__ import annotations

from datetime import date, timedelta

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.access import subtree_ids
from core.models import OrgUnit, User
from core.web.decorators import permission_required
from core.web.request import can, db_session, scoped_select

from ..models import Accrual, Budget
from ..models.budgets import BUDGET_KINDS
from ..services import budgets as svc
from ..services import chart
from . import bp
from .common import back, page_arg, paged, parse_day, run


def _units():
    """Org units the user may budget for: their own subtree (all for admins)."""
    s = db_session()
    stmt = select(OrgUnit).where(OrgUnit.active.is_(True)).order_by(OrgUnit.path)
    if current_user.scope != "all":
        stmt = stmt.where(OrgUnit.id.in_(subtree_ids(current_user.org_unit_id)))
    return s.execute(stmt).scalars().all()


def _people(units):
    s = db_session()
    ids = [u.id for u in units]
    return s.execute(select(User).where(User.org_unit_id.in_(ids), User.active.is_(True))
                     .order_by(User.username)).scalars().all()


@bp.route("/budgets")
@permission_required("finance.view")
def budgets():
    today = date.today()
    year = request.args.get("year", type=int) or today.year
    month = request.args.get("month", type=int) or today.month
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        year, month = today.year, today.month
    stmt = scoped_select(Budget)
    unit = request.args.get("org_unit", type=int)
    if unit:
        stmt = stmt.where(Budget.org_unit_id == unit)
    rows = svc.report(db_session(), stmt, year, month)
    units = _units()
    return render_template("finance/budgets.html", rows=rows, year=year, month=month, unit=unit,
                           units=units, people=_people(units), kinds=BUDGET_KINDS,
                           accounts=svc.expense_accounts(db_session()),
                           can_budget=can("finance.budget"))


@bp.route("/budgets", methods=["POST"])
@permission_required("finance.budget")
def budget_set():
    f = request.form
    unit_id = f.get("org_unit_id", type=int)
    if unit_id not in {u.id for u in _units()}:
        abort(404)
    year, month = f.get("year", type=int) or 0, f.get("month", type=int) or 0
    run(svc.set_budget, org_unit_id=unit_id, owner_id=f.get("owner_id", type=int) or None,
        year=year, month=month, kind=f.get("kind", ""), amount=f.get("amount", ""),
        account_id=f.get("account_id", type=int) or None, note=f.get("note", "")[:255],
        ok=_("Budget saved."))
    return back("finance.budgets", year=year or None, month=month or None)


@bp.route("/accruals")
@permission_required("finance.view")
def accruals():
    page = page_arg()
    rows, has_next = paged(scoped_select(Accrual).order_by(Accrual.date.desc(), Accrual.id.desc()),
                           page)
    units = _units()
    s = db_session()
    return render_template("finance/accruals.html", rows=rows, has_next=has_next, page=page,
                           units=units, people=_people(units),
                           accounts=svc.expense_accounts(s),
                           counters=svc.accrual_counter_accounts(s),
                           default_date=date.today().replace(day=1) - timedelta(days=1),
                           default_counter=chart.OTHER_PAYABLE,
                           can_accrue=can("finance.accrual"))


@bp.route("/accruals", methods=["POST"])
@permission_required("finance.accrual")
def accrual_new():
    f = request.form
    unit_id = f.get("org_unit_id", type=int)
    if unit_id not in {u.id for u in _units()}:
        abort(404)
    run(lambda s: svc.post_accrual(
        s, org_unit_id=unit_id, owner_id=f.get("owner_id", type=int) or None,
        account_code=f.get("account", ""), counter_code=f.get("counter", chart.OTHER_PAYABLE),
        amount=f.get("amount", ""), description=f.get("description", ""),
        when=parse_day(f.get("date")), user=current_user),
        ok=_("Accrued; the reversal is posted on the first day of next month."))
    return back("finance.accruals")
