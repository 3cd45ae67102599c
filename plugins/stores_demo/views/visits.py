"""Visits (拜访): plan, pre-visit discussion, application, approval and
funds, the visit record, follow-up within 7 days (overdue list), summary."""
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
from ..models.development import (
    CLAIM_CATEGORIES, TRANSPORTS, VISIT_METHODS, VISIT_STATES, StoresDemoClaim, StoresDemoVisit,
)
from ..services import visits as svc
from . import bp
from .development import PAGE, account_or_404, listing, user_names, posted_account
from core import clock

PLAN_FIELDS = ("planned_on", "purpose", "people", "head_count", "gift", "offers", "pieces_to_show",
               "transport", "budget")
RECORD_FIELDS = ("visited_on", "visited_time", "place", "method", "key_points", "customer_views",
                 "next_visit_on")


@bp.route("/visits")
@permission_required(VIEW)
def visits():
    s = db_session()
    page = page_arg()
    status = request.args.get("status", "")
    stmt = listing(StoresDemoVisit, (StoresDemoVisit.planned_on.desc(), StoresDemoVisit.id.desc()),
                   status, VISIT_STATES)
    customer_id = request.args.get("customer_id", type=int)
    if customer_id:
        stmt = stmt.where(StoresDemoVisit.customer_id == customer_id)
    rows = s.execute(stmt.offset((page - 1) * PAGE).limit(PAGE + 1)).scalars().all()
    due = s.execute(svc.due_follow_ups(scoped_select(StoresDemoVisit, SCOPE_VIEW)).limit(20)).scalars().all()
    can_develop = can(DEVELOP)
    return render_template("stores_demo/visits.html", rows=rows[:PAGE], has_next=len(rows) > PAGE,
                           page=page, status=status, states=VISIT_STATES, due=due,
                           owners=user_names(r.owner_id for r in rows),
                           can_develop=can_develop,
                           transports=TRANSPORTS, preset=customer_id, today=clock.today())


@bp.route("/visits/overdue")
@permission_required(VIEW)
def visits_overdue():
    s = db_session()
    rows = s.execute(svc.overdue_follow_ups(scoped_select(StoresDemoVisit, SCOPE_VIEW)).limit(500)).scalars().all()
    return render_template("stores_demo/visits_overdue.html", rows=rows, today=clock.today(),
                           owners=user_names(r.owner_id for r in rows))


@bp.route("/visits/new", methods=["POST"])
@permission_required(DEVELOP)
def visit_new():
    customer = posted_account(request.form.get("customer_id"))
    v, ok = run(svc.plan_visit, customer, current_user, **{k: request.form.get(k, "") for k in PLAN_FIELDS},
                ok=_("Visit planned."))
    if ok:
        return back("stores_demo.visit", visit_id=v.id)
    return back("stores_demo.visits")


@bp.route("/visits/<int:visit_id>")
@permission_required(VIEW)
def visit(visit_id: int):
    v = get_or_404(StoresDemoVisit, visit_id)
    claims = db_session().execute(scoped_select(StoresDemoClaim, SCOPE_VIEW)
                                  .where(StoresDemoClaim.visit_id == v.id)
                                  .order_by(StoresDemoClaim.id)).scalars().all()
    return render_template("stores_demo/visit.html", v=v, claims=claims,
                           names=user_names([v.owner_id, v.decided_by]),
                           can_edit=can(DEVELOP) and v.owner_id == current_user.id,
                           can_approve=can(APPROVE), methods=VISIT_METHODS,
                           categories=CLAIM_CATEGORIES, today=clock.today())


def _step(visit_id: int, fn, *args, ok=None, **kwargs):
    v = get_or_404(StoresDemoVisit, visit_id, EDIT)
    run(fn, v, current_user, *args, ok=ok, **kwargs)
    return back("stores_demo.visit", visit_id=v.id)


@bp.route("/visits/<int:visit_id>/discussion", methods=["POST"])
@permission_required(DEVELOP)
def visit_discussion(visit_id: int):
    return _step(visit_id, svc.record_discussion, request.form.get("notes", ""),
                 ok=_("Advice from the meeting recorded."))


@bp.route("/visits/<int:visit_id>/apply", methods=["POST"])
@permission_required(DEVELOP)
def visit_apply(visit_id: int):
    return _step(visit_id, svc.apply, ok=_("Application sent for approval."))


@bp.route("/visits/<int:visit_id>/approve", methods=["POST"])
@permission_required(APPROVE)
def visit_approve(visit_id: int):
    return _step(visit_id, svc.approve, request.form.get("funds", ""), ok=_("Visit approved."))


@bp.route("/visits/<int:visit_id>/reject", methods=["POST"])
@permission_required(APPROVE)
def visit_reject(visit_id: int):
    return _step(visit_id, svc.reject, request.form.get("reason", ""), ok=_("Visit rejected."))


@bp.route("/visits/<int:visit_id>/record", methods=["POST"])
@permission_required(DEVELOP)
def visit_record(visit_id: int):
    return _step(visit_id, svc.record_visit, ok=_("Visit recorded."),
                 **{k: request.form.get(k, "") for k in RECORD_FIELDS})


@bp.route("/visits/<int:visit_id>/follow-up", methods=["POST"])
@permission_required(DEVELOP)
def visit_follow_up(visit_id: int):
    return _step(visit_id, svc.follow_up, request.form.get("note", ""), ok=_("Follow-up recorded."))


@bp.route("/visits/<int:visit_id>/summary", methods=["POST"])
@permission_required(DEVELOP)
def visit_summary(visit_id: int):
    return _step(visit_id, svc.summarise, request.form.get("summary", ""), ok=_("Summary saved."))
