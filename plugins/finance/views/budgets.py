"""Budgets against actuals, and month-end accruals."""
from __future__ import annotations

from datetime import date, timedelta

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core import versions
from core.access import subtree_ids
from core.models import OrgUnit, User
from core.web.decorators import permission_required
from core.web.request import can, db_session, scoped_select
from core.web.actions import back, page_arg, run_action as run

from ..models import Accrual, Budget
from ..models.budgets import BUDGET_KINDS, EXPENSE
from ..services import budgets as svc
from ..services import chart
from . import bp
from .common import paged, parse_day
from core import clock


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
    return _budgets_page(request.args.get("year", type=int), request.args.get("month", type=int),
                         request.args.get("org_unit", type=int))


def _budgets_page(year: int | None, month: int | None, unit: int | None):
    today = clock.today()
    year = year or today.year
    month = month or today.month
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        year, month = today.year, today.month
    stmt = scoped_select(Budget)
    if unit:
        stmt = stmt.where(Budget.org_unit_id == unit)
    s = db_session()
    rows = svc.report(s, stmt, year, month)
    # The form sets the line its choices name: it carries the versions of
    # this month's lines (all the user's, whatever the filter), a line not
    # among them being absent (core.versions.check_keyed).
    seen = [(_budget_key(b.year, b.month, b.org_unit_id, b.owner_id, b.kind, b.account_id),
             b.version)
            for b in s.execute(scoped_select(Budget).where(Budget.year == year,
                                                           Budget.month == month)).scalars()]
    units = _units()
    return render_template("finance/budgets.html", rows=rows, year=year, month=month, unit=unit,
                           units=units, people=_people(units), kinds=BUDGET_KINDS,
                           accounts=svc.expense_accounts(s), seen=seen,
                           can_budget=can("finance.budget"))


def _budget_key(year, month, unit_id, owner_id, kind, account_id) -> str:
    return f"{year}-{month}/{unit_id}/{owner_id or ''}/{kind}/{account_id or ''}"


@bp.route("/budgets", methods=["POST"])
@permission_required("finance.budget")
def budget_set():
    f = request.form
    unit_id = f.get("org_unit_id", type=int)
    if unit_id not in {u.id for u in _units()}:
        abort(404)
    year, month = f.get("year", type=int) or 0, f.get("month", type=int) or 0
    owner_id = f.get("owner_id", type=int) or None
    kind = f.get("kind", "")
    account_id = (f.get("account_id", type=int) or None) if kind == EXPENSE else None
    s = db_session()

    def find():
        return s.execute(select(Budget).where(
            Budget.org_unit_id == unit_id, Budget.year == year, Budget.month == month,
            Budget.kind == kind,
            Budget.owner_id.is_(None) if owner_id is None else Budget.owner_id == owner_id,
            Budget.account_id.is_(None) if account_id is None else Budget.account_id == account_id)
            .order_by(Budget.id)).scalars().first()

    _res, ok = versions.run_keyed(
        _budget_key(year, month, unit_id, owner_id, kind, account_id), find, svc.set_budget,
        # One line per key: saving a line locks its org unit's row.
        lock=select(OrgUnit.id).where(OrgUnit.id == unit_id).with_for_update(),
        fields=[("amount", _("Amount"), lambda b: b.amount), ("note", _("Note"), lambda b: b.note)],
        org_unit_id=unit_id, owner_id=owner_id, year=year, month=month, kind=kind,
        amount=f.get("amount", ""), account_id=f.get("account_id", type=int) or None,
        note=f.get("note", "")[:255], ok=_("Budget saved."))
    if ok == versions.CONFLICT:
        return _budgets_page(year, month, None), 409
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
                           default_date=clock.today().replace(day=1) - timedelta(days=1),
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
