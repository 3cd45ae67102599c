"""Dealers, their profile (agreement, targets, region), terminals and promoters."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from core import versions
from core.access import EDIT
from core.web.decorators import permission_required
from core.web.request import can, db_session, get_or_404
from core.web.request import scoped_select as web_scoped_select
from core.web.actions import back, page_arg, run_action as run
from plugins.customers.api import DETAIL_ENDPOINT, Customer, kind_label

from ..models import (
    DealerOrder,
    DealerProfile,
    DealerPriceList,
    DealerPromoter,
    DealerPromotion,
    SampleUnit,
    DealerStockReport,
    DealerTerminal,
)
from ..models.network import DEALER_KINDS, DISPLAY_STATES
from ..models.samples import ON_REGISTER
from ..declarations import NETWORK, VIEW
from ..services import network as svc
from . import bp
from .common import PAGE, dealer_or_404, terminal_or_404


@bp.route("/list")
@permission_required(VIEW)
def dealers():
    s = db_session()
    q = (request.args.get("q") or "").strip()
    kind = request.args.get("kind") or ""
    stmt = svc.dealer_select(s, current_user)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(Customer.name.ilike(like) | Customer.code.ilike(like)
                          | Customer.county.ilike(like))
    if kind in DEALER_KINDS:
        stmt = stmt.where(Customer.kind == kind)
    page = page_arg()
    rows = s.execute(stmt.order_by(Customer.code).offset((page - 1) * PAGE).limit(PAGE + 1)).scalars().all()
    ids = [c.id for c in rows]
    terminals = dict(s.execute(select(DealerTerminal.customer_id, func.count(DealerTerminal.id))
                               .where(DealerTerminal.customer_id.in_(ids), DealerTerminal.active.is_(True))
                               .group_by(DealerTerminal.customer_id)).all())
    kinds = [(k, kind_label(s, k)) for k in DEALER_KINDS]
    return render_template("dealers/dealers.html", dealers=rows[:PAGE], has_next=len(rows) > PAGE,
                           page=page, q=q, kind=kind, kinds=kinds, terminals=terminals,
                           kind_names=dict(kinds), detail_endpoint=DETAIL_ENDPOINT)


@bp.route("/d/<int:customer_id>")
@permission_required(VIEW)
def dealer(customer_id: int):
    s = db_session()
    customer = dealer_or_404(customer_id)
    prof = svc.profile_of(s, customer)
    terminals = s.execute(web_scoped_select(DealerTerminal).where(DealerTerminal.customer_id == customer.id)
                          .order_by(DealerTerminal.active.desc(), DealerTerminal.name)).scalars().all()
    promoters = s.execute(web_scoped_select(DealerPromoter).where(
        DealerPromoter.terminal_id.in_([t.id for t in terminals])).order_by(DealerPromoter.name)).scalars().all()
    orders = s.execute(web_scoped_select(DealerOrder).where(DealerOrder.customer_id == customer.id)
                       .order_by(DealerOrder.order_date.desc(), DealerOrder.id.desc()).limit(10)).scalars().all()
    reports = s.execute(web_scoped_select(DealerStockReport).where(DealerStockReport.customer_id == customer.id)
                        .order_by(DealerStockReport.report_date.desc()).limit(5)).scalars().all()
    samples = s.execute(web_scoped_select(SampleUnit).where(
        SampleUnit.customer_id == customer.id, SampleUnit.state.in_(ON_REGISTER))
        .order_by(SampleUnit.terminal_id, SampleUnit.serial_no)).scalars().all()
    promotions = s.execute(web_scoped_select(DealerPromotion).where(DealerPromotion.customer_id == customer.id)
                           .order_by(DealerPromotion.start_date.desc()).limit(5)).scalars().all()
    price_lists = s.execute(select(DealerPriceList).where(DealerPriceList.active.is_(True))
                            .order_by(DealerPriceList.valid_from.desc())).scalars().all()
    return render_template("dealers/dealer.html", c=customer, prof=prof, terminals=terminals,
                           promoters=promoters, orders=orders, reports=reports, samples=samples,
                           promotions=promotions, price_lists=price_lists,
                           kind=kind_label(s, customer.kind), display_states=DISPLAY_STATES,
                           can_edit=can(NETWORK), detail_endpoint=DETAIL_ENDPOINT)


@bp.route("/d/<int:customer_id>/profile", methods=["POST"])
@permission_required(NETWORK)
def profile_save(customer_id: int):
    customer = dealer_or_404(customer_id, EDIT)
    s = db_session()
    _res, ok = versions.run_edit(svc.profile_of(s, customer), svc.save_profile, customer, ok=_ok(),
                                 fields=_profile_fields(), **request.form.to_dict())
    if ok == versions.CONFLICT:
        return dealer(customer_id), 409
    return back("dealers.dealer", customer_id=customer.id)


@versions.form_fields(DealerProfile)
def _profile_fields() -> list:
    prices = {str(pl.id): pl.name for pl in db_session().execute(select(DealerPriceList)).scalars()}
    return [
        ("multi_brand", _l("Sells competing brands (multi-brand)"), lambda p: bool(p.multi_brand)),
        ("agreement_no", _l("Agreement number"), lambda p: p.agreement_no),
        ("agreement_start", _l("Agreement start"), lambda p: p.agreement_start),
        ("agreement_end", _l("Agreement end"), lambda p: p.agreement_end),
        ("annual_target_amount", _l("Annual target (amount)"), lambda p: p.annual_target_amount),
        ("annual_target_units", _l("Annual target (units)"), lambda p: p.annual_target_units),
        ("main_push_share_pct", _l("Main-push share target (%%)"), lambda p: p.main_push_share_pct),
        ("member_fee", _l("Membership fee"), lambda p: p.member_fee),
        ("region_province", _l("Province"), lambda p: p.region_province),
        ("region_city", _l("City"), lambda p: p.region_city),
        ("region_county", _l("County"), lambda p: p.region_county),
        ("price_list_id", _l("Price list"), lambda p: str(p.price_list_id or ""),
         {"": _l("By dealer kind"), **prices})]


@bp.route("/d/<int:customer_id>/terminals", methods=["POST"])
@permission_required(NETWORK)
def terminal_new(customer_id: int):
    customer = dealer_or_404(customer_id, EDIT)
    run(svc.save_terminal, customer, None, ok=_ok(), **_terminal_form())
    return back("dealers.dealer", customer_id=customer.id)


@bp.route("/terminals/<int:terminal_id>", methods=["GET", "POST"])
@permission_required(VIEW)
def terminal(terminal_id: int):
    s = db_session()
    if request.method == "POST":
        if not can(NETWORK):
            from flask import abort

            abort(403)
        t = terminal_or_404(terminal_id, EDIT)
        _res, ok = versions.run_edit(t, svc.save_terminal, t.customer, t, ok=_ok(),
                                  fields=_terminal_fields(), **_terminal_form())
        if ok != versions.CONFLICT:
            return back("dealers.terminal", terminal_id=t.id)
        status = 409
    else:
        status = 200
    t = terminal_or_404(terminal_id)
    promoters = s.execute(web_scoped_select(DealerPromoter).where(DealerPromoter.terminal_id == t.id)
                          .order_by(DealerPromoter.status, DealerPromoter.name)).scalars().all()
    samples = s.execute(web_scoped_select(SampleUnit).where(
        SampleUnit.terminal_id == t.id, SampleUnit.state.in_(ON_REGISTER))
        .order_by(SampleUnit.serial_no)).scalars().all()
    return render_template("dealers/terminal.html", t=t, promoters=promoters, samples=samples,
                           display_states=DISPLAY_STATES, can_edit=can(NETWORK)), status


@versions.form_fields(DealerTerminal)
def _terminal_fields() -> list:
    from ..labels import state_label

    return [("name", _l("Name"), lambda t: t.name), ("address", _l("Address"), lambda t: t.address),
            ("province", _l("Province"), lambda t: t.province), ("city", _l("City"), lambda t: t.city),
            ("county", _l("County"), lambda t: t.county),
            ("town", _l("Town (empty = county seat)"), lambda t: t.town),
            ("floor_area", _l("Floor area (m²)"), lambda t: t.floor_area),
            ("has_signage", _l("Our signage (门头) in place"), lambda t: bool(t.has_signage)),
            ("display_state", _l("Display booth"), lambda t: t.display_state,
             {s: state_label(s) for s in DISPLAY_STATES}),
            ("active", _l("Store is open"), lambda t: bool(t.active))]


@bp.route("/terminals/<int:terminal_id>/promoters", methods=["POST"])
@permission_required(NETWORK)
def promoter_new(terminal_id: int):
    t = terminal_or_404(terminal_id, EDIT)
    run(svc.save_promoter, t, None, ok=_ok(), **request.form.to_dict())
    return back("dealers.terminal", terminal_id=t.id)


@bp.route("/promoters/<int:promoter_id>/status", methods=["POST"])
@permission_required(NETWORK)
def promoter_status(promoter_id: int):
    p = get_or_404(DealerPromoter, promoter_id, EDIT)
    run(svc.set_promoter_status, p, request.form.get("status", ""), request.form.get("reason", ""),
        ok=_ok())
    return back("dealers.terminal", terminal_id=p.terminal_id)


def _terminal_form() -> dict:
    f = request.form.to_dict()
    f["has_signage"] = "has_signage" in request.form
    f["active"] = "active" in request.form or "active_present" not in request.form
    return f


def _ok():
    from flask_babel import gettext as _

    return _("Saved.")
