"""Anniversaries in the next days with pieces that fit, reserved in one
click; an account's important dates and what fits them."""
from __future__ import annotations

from datetime import date

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core import settings
from core.access import EDIT
from core.services import ServiceError
from core.web.actions import back, run_action
from core.web.decorators import permission_required
from core.web.request import can, db_session
from plugins.customers.api import get_customer, scoped_customers

from ..declarations import DEVELOP, ORDERS, VIEW
from ..models.anniversaries import DATE_KINDS, StoresDemoFit, StoresDemoImportantDate
from ..models.walkins import BUDGET_BANDS
from ..services import anniversaries as svc
from . import bp


def _account_or_404(customer_id, action=EDIT):
    c = get_customer(db_session(), customer_id, current_user, action)
    if c is None:
        abort(404)
    return c


@bp.route("/anniversaries")
@permission_required(VIEW)
def anniversaries():
    s = db_session()
    days = request.args.get("days", type=int) or 30
    try:
        rows = svc.reminders(s, current_user, days=days)
    except ServiceError as e:
        from flask import flash

        flash(str(e), "error")
        days, rows = 30, svc.reminders(s, current_user, days=30)
    svc.propose(s, rows)
    return render_template("stores_demo/anniversaries_list.html", rows=rows, days=days,
                           can_reserve=can(ORDERS), can_edit=can(DEVELOP),
                           ahead=settings.get(s, "stores_demo.anniversary_days_ahead"))


@bp.route("/anniversaries/reserve", methods=["POST"])
@permission_required(ORDERS)
def anniversary_reserve():
    account = _account_or_404(request.form.get("customer_id", type=int))
    piece_id = request.form.get("piece_id", type=int)
    if not piece_id:
        abort(404)
    run_action(svc.reserve_for, piece_id, account.id, current_user,
               ok=_("Piece reserved for %(name)s.", name=account.name))
    return back("stores_demo.anniversaries", days=request.form.get("days", type=int) or 30)


@bp.route("/anniversaries/<int:date_id>/task", methods=["POST"])
@permission_required(DEVELOP)
def anniversary_task(date_id: int):
    from core.web.request import get_or_404

    d = get_or_404(StoresDemoImportantDate, date_id, EDIT)  # follows the account: someone else's → 404
    run_action(svc.remind, d.id, current_user, ok=_("Added to the tasks."))
    return back("stores_demo.anniversaries", days=request.form.get("days", type=int) or 30)


@bp.route("/accounts/<int:customer_id>/dates")
@permission_required(VIEW)
def account_dates(customer_id: int):
    s = db_session()
    account = _account_or_404(customer_id, "view")
    dates = s.execute(select(StoresDemoImportantDate).where(StoresDemoImportantDate.customer_id == account.id)
                      .order_by(StoresDemoImportantDate.month_day)).scalars().all()
    fit = s.scalar(select(StoresDemoFit).where(StoresDemoFit.customer_id == account.id))
    return render_template("stores_demo/anniversaries_account.html", account=account, dates=dates,
                           fit=fit, kinds=DATE_KINDS, bands=BUDGET_BANDS, can_edit=can(DEVELOP),
                           form=request.form)


@bp.route("/accounts/<int:customer_id>/dates/new", methods=["POST"])
@permission_required(DEVELOP)
def account_date_new(customer_id: int):
    account = _account_or_404(customer_id)
    f = request.form
    _d, ok = run_action(svc.add_date, account.id, kind=f.get("kind", ""), month=f.get("month"),
                        day=f.get("day"), year=f.get("year"), person=f.get("person"), note=f.get("note"),
                        ok=_("Date saved."))
    if not ok:
        return account_dates(account.id)
    return back("stores_demo.account_dates", customer_id=account.id)


@bp.route("/accounts/<int:customer_id>/fit", methods=["POST"])
@permission_required(DEVELOP)
def account_fit(customer_id: int):
    account = _account_or_404(customer_id)
    f = request.form
    run_action(svc.set_fit, account.id, budget_band=f.get("budget_band"), ring_size=f.get("ring_size"),
               style=f.get("style"), metal=f.get("metal"), stone=f.get("stone"), note=f.get("note"),
               ok=_("Saved."))
    return back("stores_demo.account_dates", customer_id=account.id)


@bp.route("/accounts/dates")
@permission_required(VIEW)
def account_dates_pick():
    """Pick an account to keep its dates (the anniversaries page links here)."""
    s = db_session()
    q = (request.args.get("q") or "").strip()
    from plugins.customers.api import Customer

    stmt = scoped_customers(s, current_user)
    if q:
        stmt = stmt.where(Customer.name.contains(q, autoescape=True))
    accounts = s.execute(stmt.order_by(Customer.name).limit(50)).scalars().all()
    return render_template("stores_demo/anniversaries_pick.html", accounts=accounts, q=q)
