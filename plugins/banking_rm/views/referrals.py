"""Referrals: the list (mine, or the branch's for the head), a new referral
(lobby manager, teller), one referral with accept / decline / outcome, and
conversion per referrer, touchpoint and campaign."""
from __future__ import annotations

from datetime import date

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.models import User
from core.services import ServiceError
from core.web.actions import back, day_arg, page_arg, run_action as run
from core.web.decorators import permission_required
from core.web.request import can, db_session, get_or_404, scoped_select
from plugins.customers.api import Customer

from ..declarations import REFER, VIEW
from ..models import BankCampaign
from ..models.activity import PROSPECT_CRITERIA, BankReferral
from ..models.campaigns import TOUCHPOINTS
from ..models.clients import PRODUCT_KINDS
from ..services import referrals as svc
from . import bp
from .activity import running_campaigns
from core import clock

PAGE = 50


def _labels() -> dict:
    from ..services.touchpoints import PRODUCT_LABELS, TOUCHPOINT_LABELS

    return {"states": svc.STATE_LABELS, "criteria": svc.CRITERIA_LABELS,
            "products": PRODUCT_LABELS, "touchpoints": TOUCHPOINT_LABELS}


@bp.route("/referrals")
@permission_required(VIEW)
def referrals():
    s = db_session()
    state = request.args.get("state") or ""
    stmt = scoped_select(BankReferral)
    if state in svc.STATE_LABELS:
        stmt = stmt.where(BankReferral.state == state)
    page = page_arg()
    rows = list(s.execute(stmt.order_by(BankReferral.id.desc()).offset((page - 1) * PAGE)
                          .limit(PAGE + 1)).scalars())
    return render_template("banking_rm/referrals_list.html", rows=rows[:PAGE],
                           has_next=len(rows) > PAGE, page=page, state=state,
                           names=_names(s, rows), customers=_customers(s, rows),
                           can_refer=can(REFER), **_labels())


@bp.route("/referrals/new", methods=["GET", "POST"])
@permission_required(REFER)
def referral_new():
    """Find the customer (``?q=``: name, number, mobile or card — the
    branch's customers, masked), pick one (``?customer_id=``: someone
    outside the branch → 404), then refer them."""
    s = db_session()
    if request.method == "POST":
        f = request.form
        customer = f.get("customer")
        if f.get("customer_id"):
            if svc.picked(s, current_user, f.get("customer_id")) is None:
                abort(404)
            customer = f.get("customer_id")
        r, ok = run(lambda s_: svc.create_referral(
            s_, current_user, customer_id=customer, receiver_id=f.get("receiver_id"),
            product_kind=f.get("product_kind", ""), script=f.get("script", ""),
            touchpoint=f.get("touchpoint", ""), campaign_id=f.get("campaign_id") or None,
            criteria=f.getlist("criteria"), note=f.get("note", "")),
            ok=_("Referral sent to the wealth manager."))
        if ok:
            return back("banking_rm.referral", referral_id=r.id)
        return back("banking_rm.referral_new", customer_id=f.get("customer_id") or None)
    q = (request.args.get("q") or "").strip()[:60]
    found, more, problem, chosen = [], False, None, None
    if request.args.get("customer_id"):
        chosen = svc.picked(s, current_user, request.args.get("customer_id"))
        if chosen is None:
            abort(404)
    elif q:
        try:
            found, more = svc.pick_customers(s, current_user, q)
        except ServiceError as e:
            problem = str(e)
    today = clock.today()
    campaigns = running_campaigns(s, today)
    lab = _labels()
    return render_template("banking_rm/referrals_new.html", q=q, found=found, more=more, problem=problem,
                           chosen=chosen, receivers=svc.receivers(s, current_user),
                           products=PRODUCT_KINDS, touchpoints=TOUCHPOINTS, criteria=PROSPECT_CRITERIA,
                           campaigns=campaigns, products_labels=lab["products"],
                           touchpoint_labels=lab["touchpoints"], criteria_labels=lab["criteria"])


@bp.route("/referrals/<int:referral_id>")
@permission_required(VIEW)
def referral(referral_id: int):
    s = db_session()
    r = get_or_404(BankReferral, referral_id)
    return render_template("banking_rm/referrals_detail.html", r=r, names=_names(s, [r]),
                           customer=s.get(Customer, r.customer_id),
                           campaign=s.get(BankCampaign, r.campaign_id) if r.campaign_id else None,
                           is_receiver=r.receiver_id == current_user.id, **_labels())


@bp.route("/referrals/<int:referral_id>/<any(accept,decline,close):step>", methods=["POST"])
@permission_required(VIEW)
def referral_step(referral_id: int, step: str):
    r = get_or_404(BankReferral, referral_id)
    if r.receiver_id != current_user.id:
        abort(403)
    f = request.form
    if step == "accept":
        run(lambda s_: svc.accept(s_, current_user, r), ok=_("Referral accepted."))
    elif step == "decline":
        run(lambda s_: svc.decline(s_, current_user, r, f.get("reason", "")), ok=_("Referral declined."))
    else:
        sold = f.get("outcome") == "won"
        run(lambda s_: svc.close(s_, current_user, r, sold=sold, product_name=f.get("product_name", ""),
                                 amount=f.get("amount") or "0", commission=f.get("commission") or "0",
                                 note=f.get("note", "")),
            ok=_("Outcome recorded."))
    return back("banking_rm.referral", referral_id=r.id)


@bp.route("/referrals/conversion")
@permission_required(VIEW)
def referral_conversion():
    s = db_session()
    by = request.args.get("by", "referrer")
    if by not in ("referrer", "touchpoint", "campaign"):
        by = "referrer"
    today = clock.today()
    start = day_arg("start", today.replace(day=1))
    end = day_arg("end", today)
    rows = svc.conversion(s, current_user, start, end, by)
    names = {}
    if by == "referrer":
        names = {u.id: u.display_name for u in s.execute(
            select(User).where(User.id.in_([r["key"] for r in rows]))).scalars()}
    elif by == "campaign":
        names = {c.id: c.name for c in s.execute(
            select(BankCampaign).where(BankCampaign.id.in_([r["key"] for r in rows if r["key"]]))).scalars()}
    return render_template("banking_rm/referrals_conversion.html", rows=rows, by=by, start=start,
                           end=end, names=names, **_labels())


def _names(s, rows) -> dict:
    ids = {r.referrer_id for r in rows} | {r.receiver_id for r in rows}
    if not ids:
        return {}
    return {u.id: u.display_name for u in s.execute(select(User).where(User.id.in_(ids))).scalars()}


def _customers(s, rows) -> dict:
    ids = {r.customer_id for r in rows}
    if not ids:
        return {}
    return {c.id: c for c in s.execute(select(Customer).where(Customer.id.in_(ids))).scalars()}


