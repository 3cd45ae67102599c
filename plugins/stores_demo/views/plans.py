"""Development plans (开发方案): list, new, detail with plan against actual,
submit, approve or reject."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from core.access import EDIT
from core.web.actions import back, page_arg, run_action as run
from core.web.decorators import permission_required
from core.web.request import can, db_session, get_or_404

from ..declarations import APPROVE, DEVELOP, VIEW
from ..models.development import PLAN_STATES, StoresDemoPlan
from ..services import plans as svc
from . import bp
from .development import PAGE, posted_account, listing, user_names

FIELDS = ("title", "period_start", "period_end", "forecast_sales", "forecast_profit", "staff_cost",
          "travel_cost", "pr_cost", "risk_coefficient", "approach")


def _form() -> dict:
    return {k: request.form.get(k, "") for k in FIELDS}


@bp.route("/plans")
@permission_required(VIEW)
def plans():
    s = db_session()
    page = page_arg()
    status = request.args.get("status", "")
    rows = s.execute(listing(StoresDemoPlan, (StoresDemoPlan.id.desc(),), status, PLAN_STATES)
                     .offset((page - 1) * PAGE).limit(PAGE + 1)).scalars().all()
    can_develop = can(DEVELOP)
    return render_template("stores_demo/plans.html", rows=rows[:PAGE], has_next=len(rows) > PAGE,
                           page=page, status=status, states=PLAN_STATES,
                           owners=user_names(r.owner_id for r in rows),
                           
                           can_develop=can_develop, preset=request.args.get("customer_id", type=int))


@bp.route("/plans/new", methods=["POST"])
@permission_required(DEVELOP)
def plan_new():
    customer = posted_account(request.form.get("customer_id"))
    plan, ok = run(svc.create_plan, customer, current_user, **_form(), ok=_("Plan saved as a draft."))
    if ok:
        return back("stores_demo.plan", plan_id=plan.id)
    return back("stores_demo.plans")


@bp.route("/plans/<int:plan_id>")
@permission_required(VIEW)
def plan(plan_id: int):
    p = get_or_404(StoresDemoPlan, plan_id)
    actual = svc.plan_actual(db_session(), p)
    return render_template("stores_demo/plan.html", p=p, actual=actual,
                           names=user_names([p.owner_id, p.decided_by]),
                           can_edit=can(DEVELOP) and p.owner_id == current_user.id,
                           can_approve=can(APPROVE))


@bp.route("/plans/<int:plan_id>/edit", methods=["POST"])
@permission_required(DEVELOP)
def plan_edit(plan_id: int):
    p = get_or_404(StoresDemoPlan, plan_id, EDIT)
    run(svc.update_plan, p, current_user, **_form(), ok=_("Plan saved."))
    return back("stores_demo.plan", plan_id=p.id)


@bp.route("/plans/<int:plan_id>/submit", methods=["POST"])
@permission_required(DEVELOP)
def plan_submit(plan_id: int):
    p = get_or_404(StoresDemoPlan, plan_id, EDIT)
    run(svc.submit_plan, p, current_user, ok=_("Plan submitted for approval."))
    return back("stores_demo.plan", plan_id=p.id)


@bp.route("/plans/<int:plan_id>/approve", methods=["POST"])
@permission_required(APPROVE)
def plan_approve(plan_id: int):
    p = get_or_404(StoresDemoPlan, plan_id, EDIT)
    run(svc.approve_plan, p, current_user, ok=_("Plan approved."))
    return back("stores_demo.plan", plan_id=p.id)


@bp.route("/plans/<int:plan_id>/reject", methods=["POST"])
@permission_required(APPROVE)
def plan_reject(plan_id: int):
    p = get_or_404(StoresDemoPlan, plan_id, EDIT)
    run(svc.reject_plan, p, current_user, request.form.get("reason", ""), ok=_("Plan rejected."))
    return back("stores_demo.plan", plan_id=p.id)
