"""Receptions (接待): request, plan (host, main seller, clerk; a senior
leader when dining out), approval, reception, report."""
from __future__ import annotations

from datetime import date

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from core.access import EDIT, VIEW as SCOPE_VIEW
from core.web.actions import back, page_arg, run_action as run
from core.web.decorators import permission_required
from core.web.request import can, db_session, get_or_404, scoped_select

from ..declarations import APPROVE, DEVELOP, VIEW
from ..models.development import CLAIM_CATEGORIES, RECEPTION_STATES, StoresDemoClaim, StoresDemoReception
from ..services import receptions as svc
from . import bp
from .development import PAGE, account_or_404, listing, posted_account, staff_choices, user_names
from core import clock

PLAN_FIELDS = ("host_id", "main_seller_id", "clerk_id", "room", "dining_out", "senior_leader_id", "budget")


@bp.route("/receptions")
@permission_required(VIEW)
def receptions():
    s = db_session()
    page = page_arg()
    status = request.args.get("status", "")
    rows = s.execute(listing(StoresDemoReception, (StoresDemoReception.visit_on.desc(), StoresDemoReception.id.desc()),
                             status, RECEPTION_STATES)
                     .offset((page - 1) * PAGE).limit(PAGE + 1)).scalars().all()
    can_develop = can(DEVELOP)
    return render_template("stores_demo/receptions.html", rows=rows[:PAGE], has_next=len(rows) > PAGE,
                           page=page, status=status, states=RECEPTION_STATES,
                           owners=user_names(r.owner_id for r in rows),
                           can_develop=can_develop,
                           preset=request.args.get("customer_id", type=int), today=clock.today())


@bp.route("/receptions/new", methods=["POST"])
@permission_required(DEVELOP)
def reception_new():
    customer = posted_account(request.form.get("customer_id"))
    r, ok = run(svc.request_reception, customer, current_user,
                **{k: request.form.get(k, "") for k in ("visit_on", "visit_time", "head_count", "needs")},
                ok=_("Reception requested."))
    if ok:
        return back("stores_demo.reception", reception_id=r.id)
    return back("stores_demo.receptions")


@bp.route("/receptions/<int:reception_id>")
@permission_required(VIEW)
def reception(reception_id: int):
    r = get_or_404(StoresDemoReception, reception_id)
    claims = db_session().execute(scoped_select(StoresDemoClaim, SCOPE_VIEW)
                                  .where(StoresDemoClaim.reception_id == r.id)
                                  .order_by(StoresDemoClaim.id)).scalars().all()
    can_edit = can(DEVELOP) and r.owner_id == current_user.id
    return render_template("stores_demo/reception.html", r=r, claims=claims,
                           names=user_names([r.owner_id, r.decided_by, r.host_id, r.main_seller_id,
                                             r.clerk_id, r.senior_leader_id]),
                           staff=staff_choices() if can_edit else [], can_edit=can_edit,
                           can_approve=can(APPROVE), categories=CLAIM_CATEGORIES, today=clock.today())


def _step(reception_id: int, fn, *args, ok=None, **kwargs):
    r = get_or_404(StoresDemoReception, reception_id, EDIT)
    run(fn, r, current_user, *args, ok=ok, **kwargs)
    return back("stores_demo.reception", reception_id=r.id)


@bp.route("/receptions/<int:reception_id>/plan", methods=["POST"])
@permission_required(DEVELOP)
def reception_plan(reception_id: int):
    return _step(reception_id, svc.plan_reception, ok=_("Reception plan saved."),
                 **{k: request.form.get(k, "") for k in PLAN_FIELDS})


@bp.route("/receptions/<int:reception_id>/approve", methods=["POST"])
@permission_required(APPROVE)
def reception_approve(reception_id: int):
    return _step(reception_id, svc.approve, ok=_("Reception approved."))


@bp.route("/receptions/<int:reception_id>/reject", methods=["POST"])
@permission_required(APPROVE)
def reception_reject(reception_id: int):
    return _step(reception_id, svc.reject, request.form.get("reason", ""), ok=_("Reception rejected."))


@bp.route("/receptions/<int:reception_id>/received", methods=["POST"])
@permission_required(DEVELOP)
def reception_received(reception_id: int):
    return _step(reception_id, svc.record_reception, request.form.get("received_on", ""),
                 ok=_("Reception recorded."))


@bp.route("/receptions/<int:reception_id>/report", methods=["POST"])
@permission_required(DEVELOP)
def reception_report(reception_id: int):
    return _step(reception_id, svc.report, buying_experience=request.form.get("buying_experience", ""),
                 outcome=request.form.get("outcome", ""), ok=_("Reception report saved."))
