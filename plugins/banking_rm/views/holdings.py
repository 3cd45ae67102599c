"""Product holdings: record a sale through the suitability gate (with the
product's FABE card beside the form), close a holding, the cross-holding
report, the non-holders of a product and the lobby's raise-hand census."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core import access
from core.web.actions import back, run_action
from core.web.decorators import permission_required
from core.web.request import can, db_session, get_or_404
from core.web.request import scoped_select as web_scoped_select
from plugins.customers.api import Customer

from ..declarations import REFER, SELL, VIEW
from ..forms_clients import CensusForm, CloseForm, SaleForm
from ..models import BankHolding
from ..models.clients import INVESTMENT_KINDS, PRODUCT_KINDS
from ..models.retail import BankProductCard
from ..services import holdings as svc
from ..services.clients import profile_or_blank, risk_valid_until
from . import bp
from .clients import retail_or_404
from core import clock


def _kind_choices():
    return [(k, str(svc.KIND_LABELS[k])) for k in PRODUCT_KINDS]


def _scope():
    return web_scoped_select(Customer).whereclause


@bp.route("/clients/<int:customer_id>/holdings/new", methods=["GET", "POST"])
@permission_required(SELL)
def holding_new(customer_id):
    s = db_session()
    c = retail_or_404(customer_id, access.EDIT)
    form = SaleForm()
    form.kind.choices = _kind_choices()
    if request.method == "GET":
        form.start_on.data = clock.today()
        if request.args.get("kind") in PRODUCT_KINDS:
            form.kind.data = request.args["kind"]
    status = 200
    if form.validate_on_submit():
        h, ok = run_action(svc.sell, current_user, c, kind=form.kind.data,
                           product_name=form.product_name.data, amount=form.amount.data,
                           start_on=form.start_on.data, maturity_on=form.maturity_on.data,
                           yield_rate=form.yield_rate.data, risk_level=form.risk_level.data,
                           recording_ref=form.recording_ref.data,
                           elderly_confirmed=form.elderly_confirmed.data, note=form.note.data,
                           ok=_("Sale recorded."))
        if ok:
            return redirect(url_for("banking_rm.client", customer_id=c.id))
        status = 422
    elif request.method == "POST":
        status = 422
    p = profile_or_blank(s, c)
    gate = svc.suitability(s, c, form.kind.data or "deposit", None, clock.today())
    cards = s.scalars(select(BankProductCard).order_by(BankProductCard.kind, BankProductCard.title)).all()
    return render_template("banking_rm/holding_new.html", form=form, c=c, p=p, gate=gate,
                           valid_until=risk_valid_until(s, p), cards=cards,
                           kind_labels=svc.KIND_LABELS, investment=INVESTMENT_KINDS), status


@bp.route("/holdings/<int:holding_id>/close", methods=["POST"])
@permission_required(SELL)
def holding_close(holding_id):
    h = get_or_404(BankHolding, holding_id, access.EDIT)
    retail_or_404(h.customer_id, access.EDIT)
    form = CloseForm()
    if not form.validate_on_submit():
        flash(_("Give the date the holding closed."), "error")
    else:
        run_action(svc.close, h, form.closed_on.data, ok=_("Holding closed."))
    return back("banking_rm.client", customer_id=h.customer_id)


@bp.route("/holdings")
@permission_required(VIEW)
def holdings_report():
    """Cross-holding: the distribution, one-product customers as cross-sell
    targets, and the way to the non-holders of a product."""
    s = db_session()
    scope = _scope()
    dist = svc.cross_distribution(s, scope)
    targets = svc.one_product_customers(s, scope, limit=100)
    return render_template("banking_rm/holdings_report.html", dist=dist, targets=targets,
                           kind_labels=svc.KIND_LABELS, kinds=_kind_choices(),
                           top=max([d["customers"] for d in dist] + [1]))


@bp.route("/holdings/non-holders")
@permission_required(VIEW)
def non_holders():
    s = db_session()
    kind = request.args.get("kind", "")
    if kind not in PRODUCT_KINDS:
        kind = PRODUCT_KINDS[0]
    count, rows = svc.non_holders(s, _scope(), kind)
    return render_template("banking_rm/non_holders.html", kind=kind, count=count, rows=rows,
                           kinds=_kind_choices(), kind_labels=svc.KIND_LABELS,
                           can_sell=can(SELL))


@bp.route("/census", methods=["GET", "POST"])
@permission_required(VIEW)
def census():
    """The lobby's raise-hand census (seed 004): of the customers present,
    who already holds the product; the rest are the targets."""
    s = db_session()
    form = CensusForm()
    form.kind.choices = _kind_choices()
    if request.method == "GET":
        form.day.data = clock.today()
    if request.method == "POST":
        if not can(REFER):
            return render_template("banking_rm/census.html", form=form, rows=[], kind_labels={}), 403
        if form.validate_on_submit():
            _c, ok = run_action(svc.record_census, current_user, day=form.day.data,
                                kind=form.kind.data, present=form.present.data,
                                holders=form.holders.data or 0, note=form.note.data,
                                ok=_("Census recorded."))
            if ok:
                return redirect(url_for("banking_rm.census"))
        else:
            flash(_("Check the day and the numbers."), "error")
    return render_template("banking_rm/census.html", form=form, rows=svc.censuses(s),
                           kind_labels=svc.KIND_LABELS, can_record=can(REFER))
