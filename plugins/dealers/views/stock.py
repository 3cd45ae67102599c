"""Stock reports (quick grid), the four volumes, stock pressing, profit."""
from __future__ import annotations

from datetime import date

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.access import EDIT
from core.services import ServiceError
from core.web.actions import day_arg
from core.web.decorators import permission_required
from core.web.request import can, db_session, get_or_404
from core.web.request import scoped_select as web_scoped_select
from core.web.actions import back, run_action as run
from plugins.customers.api import Customer

from ..models import DealerProduct, DealerStockReport
from ..models.stock import SOURCE_MONTHLY, SOURCE_VISIT
from ..declarations import STOCK, VIEW
from ..services import pressing as pressing_svc
from ..services import profit as profit_svc
from ..services import stock as svc
from ..services import common
from ..services.common import period_of
from ..services.network import dealer_ids
from . import bp
from .common import dealer_or_404, posted_dealer
from core import clock


@bp.route("/d/<int:customer_id>/stock", methods=["GET", "POST"])
@permission_required(STOCK)
def stock_new(customer_id: int):
    s = db_session()
    customer = dealer_or_404(customer_id, EDIT)
    products = svc.grid_products(s, customer)
    if request.method == "POST":
        rows = [{"product": p, "stock": request.form.get(f"stock_{p.id}"),
                 "sold": request.form.get(f"sold_{p.id}"), "price": request.form.get(f"price_{p.id}")}
                for p in products]
        report, ok = run(svc.record_report, customer, current_user,
                         report_date=request.form.get("report_date"),
                         source=request.form.get("source", SOURCE_VISIT), rows=rows,
                         note=request.form.get("note") or None, ok=_("Stock report saved."))
        if ok:
            return back("dealers.stock_report", report_id=report.id)
        return back("dealers.stock_new", customer_id=customer.id)
    today = clock.today()
    on_hand = svc.stock_on_hand(s, [customer.id], today)
    return render_template("dealers/stock_new.html", c=customer, products=products,
                           expected={pid: q for (_c, pid), q in on_hand.items()}, today=today,
                           sources=(SOURCE_VISIT, SOURCE_MONTHLY))


@bp.route("/stock-reports/<int:report_id>")
@permission_required(VIEW)
def stock_report(report_id: int):
    r = get_or_404(DealerStockReport, report_id)
    return render_template("dealers/stock_report.html", r=r)


def _filters():
    s = db_session()
    dealer = posted_dealer(request.args.get("customer_id"), required=False)
    cid = dealer.id if dealer is not None else None
    ids = [cid] if cid else dealer_ids(s, current_user)
    return s, cid, ids


@bp.route("/volumes")
@permission_required(VIEW)
def volumes():
    s, cid, ids = _filters()
    today = common.today()
    period = request.args.get("period") or period_of(today)
    try:
        _first, at = common.month_as_of(today, period)
        rows = svc.volumes(s, ids, period, today=today)
    except ServiceError as e:
        from flask import flash

        flash(str(e), "error")
        period = period_of(today)
        _first, at = common.month_as_of(today, period)
        rows = svc.volumes(s, ids, period, today=today)
    names, products = _names(s, rows)
    totals = {k: sum(getattr(r, k) for r in rows) for k in ("gross", "net", "stock", "slow")}
    reports = s.execute(svc.reports_for(web_scoped_select(DealerStockReport), cid).limit(20)).scalars().all()
    return render_template("dealers/volumes.html", rows=rows, period=period, at=at, names=names,
                           products=products, totals=totals, customer_id=cid,
                           reports=reports, can_stock=can(STOCK))


@bp.route("/pressing")
@permission_required(VIEW)
def pressing():
    s, cid, ids = _filters()
    today = common.today()
    # The same "this month as of today" as the volumes page: a day to come
    # is read as today (issue 21, item 17).
    _first, day = common.month_as_of(today, day=day_arg("day", today))
    try:
        advice = pressing_svc.advise(s, ids, day)
        season = pressing_svc.season_of(s, day)
    except ServiceError as e:
        from flask import flash

        flash(str(e), "error")
        advice, season = [], None
    names, products = _names(s, advice)
    return render_template("dealers/pressing.html", advice=advice, day=day, season=season,
                           names=names, products=products, customer_id=cid)


@bp.route("/d/<int:customer_id>/profit")
@permission_required(VIEW)
def profit(customer_id: int):
    s = db_session()
    customer = dealer_or_404(customer_id)
    today = clock.today()
    start = day_arg("start", date(today.year, 1, 1))
    end = day_arg("end", today)
    if end < start:
        start, end = end, start
    rows, total = profit_svc.profit(s, customer.id, start, end)
    return render_template("dealers/profit.html", c=customer, rows=rows, total=total, start=start, end=end)


def _names(s, rows):
    cids = {r.customer_id for r in rows}
    pids = {r.product_id for r in rows}
    names = dict(s.execute(select(Customer.id, Customer.name).where(Customer.id.in_(cids))).all()) if cids else {}
    products = {p.id: p for p in s.execute(select(DealerProduct).where(DealerProduct.id.in_(pids))).scalars()} if pids else {}
    return names, products
