"""Visit pages: the day route, plans, records, follow-ups, overdue list and
the weekly report."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core import versions
from core.access import EDIT
from core.models import User
from core.web.actions import back, day_arg, run_action
from core.web.decorators import permission_required
from core.web.request import can, db_session
from core.web.request import scoped_select as web_scoped_select

from ..services import visits
from ..forms import EmptyForm, FollowUpForm, ReasonForm, VisitPlanForm, VisitRecordForm
from ..models import PLANNED, Customer, FollowUp, Visit
from ..declarations import EDIT as P_EDIT, REPORTS, VIEW
from . import bp
from .common import child_or_404, form_errors, writable
from core import clock


def _plan_form() -> VisitPlanForm:
    form = VisitPlanForm()
    form.purpose.choices = [(k, str(v)) for k, v in visits.purpose_labels().items()]
    form.objectives.choices = [(k, str(v)) for k, v in visits.objective_labels().items()]
    return form


@bp.route("/visits")
@permission_required(VIEW)
def route():
    """A salesperson's day: planned visits in route order, and what follows."""
    s = db_session()
    day = day_arg("day")
    legs = visits.day_route_legs(s, current_user, day)
    planned = [v for v, _km in legs]
    total_km = sum(km for _v, km in legs if km is not None)
    done = s.scalars(web_scoped_select(Visit).where(
        Visit.user_id == current_user.id, Visit.visit_date == day,
        Visit.state != PLANNED).order_by(Visit.time_in)).all()
    upcoming = s.scalars(web_scoped_select(Visit).where(
        Visit.user_id == current_user.id, Visit.state == PLANNED,
        Visit.visit_date > day, Visit.visit_date <= day + timedelta(days=7))
        .order_by(Visit.visit_date, Visit.id)).all()
    return render_template("customers/route.html", day=day, planned=planned, done=done,
                           legs=legs, total_km=round(total_km),
                           upcoming=upcoming, prev_day=day - timedelta(days=1),
                           next_day=day + timedelta(days=1),
                           objective_labels=visits.objective_labels(),
                           purposes=visits.purpose_labels(), states=visits.state_labels())


@bp.route("/<int:customer_id>/visits/new", methods=["GET", "POST"])
@permission_required(P_EDIT)
def visit_plan(customer_id):
    c = writable(customer_id)
    form = _plan_form()
    if request.method == "GET":
        form.visit_date.data = clock.today()
    if form.validate_on_submit():
        v, ok = run_action(visits.plan, c, current_user, form.visit_date.data, form.purpose.data,
                           form.objectives.data, form.note.data)
        if ok:
            flash(_("Visit planned for %(day)s.", day=v.visit_date.isoformat()), "success")
            return redirect(url_for("customers.detail", customer_id=c.id))
    return render_template("customers/visit_plan.html", c=c, form=form)


@bp.route("/visits/<int:visit_id>")
@permission_required(VIEW)
def visit(visit_id):
    s = db_session()
    v = child_or_404(Visit, visit_id)
    tasks = s.scalars(select(FollowUp).where(FollowUp.visit_id == v.id)).all()
    return render_template("customers/visit.html", v=v, c=v.customer, tasks=tasks,
                           visitor=s.get(User, v.user_id),
                           objective_labels=visits.objective_labels(),
                           purposes=visits.purpose_labels(), states=visits.state_labels(),
                           cancel_form=ReasonForm(),
                           can_edit=can(P_EDIT) and not current_user.read_only)


def _visit_current(v: Visit) -> dict:
    return {"objective_met": {True: "1", False: "0"}.get(v.objective_met, "")}


@bp.route("/visits/<int:visit_id>/record", methods=["GET", "POST"])
@permission_required(P_EDIT)
def visit_record(visit_id):
    v = child_or_404(Visit, visit_id, EDIT)
    writable(v.customer_id)
    form = VisitRecordForm(obj=v)
    if request.method == "GET" and v.time_in is None:
        now = clock.now()  # wall clock
        form.time_in.data = now.replace(second=0, microsecond=0) - timedelta(minutes=30)
        form.time_out.data = now.replace(second=0, microsecond=0)
    versions.load(form, v, current=_visit_current)
    if form.validate_on_submit():
        met = {"1": True, "0": False}.get(form.objective_met.data)
        fields = {k: getattr(form, k).data for k in visits.RECORD_FIELDS}

        def record(s):
            visits.record(s, v, time_in=form.time_in.data, time_out=form.time_out.data,
                          objective_met=met, next_visit_on=form.next_visit_on.data,
                          first_visit=form.first_visit.data, **fields)
            if form.followup_title.data:
                visits.add_followup(s, v.customer, current_user.id, form.followup_title.data,
                                    form.followup_due.data or form.next_visit_on.data
                                    or v.visit_date + timedelta(days=7), visit_id=v.id)

        _r, ok = versions.run_edit(v, record, form=form, ok=_("Visit recorded."),
                                   current=_visit_current)
        if ok == versions.CONFLICT:
            return render_template("customers/visit_record.html", v=v, c=v.customer, form=form,
                                   objective_labels=visits.objective_labels()), 409
        if ok:
            return redirect(url_for("customers.visit", visit_id=v.id))
    return render_template("customers/visit_record.html", v=v, c=v.customer, form=form,
                           objective_labels=visits.objective_labels())


@bp.route("/visits/<int:visit_id>/cancel", methods=["POST"])
@permission_required(P_EDIT)
def visit_cancel(visit_id):
    v = child_or_404(Visit, visit_id, EDIT)
    form = ReasonForm()
    if not form.validate_on_submit():
        form_errors(form)
        return redirect(url_for("customers.visit", visit_id=v.id)), 303
    run_action(visits.cancel, v, form.reason.data, ok=_("Visit cancelled."))
    return back("customers.visit", visit_id=v.id)


# -- follow-ups --------------------------------------------------------------------
@bp.route("/followups")
@permission_required(VIEW)
def followups():
    s = db_session()
    return render_template("customers/followups.html",
                           tasks=visits.open_followups(s, current_user), today=clock.today(),
                           form=EmptyForm())


@bp.route("/<int:customer_id>/followups/new", methods=["GET", "POST"])
@permission_required(P_EDIT)
def followup_new(customer_id):
    c = writable(customer_id)
    form = FollowUpForm()
    if form.validate_on_submit():
        _r, ok = run_action(visits.add_followup, c, current_user.id, form.title.data,
                            form.due_on.data, ok=_("Follow-up task added."))
        if ok:
            return redirect(url_for("customers.detail", customer_id=c.id))
    return render_template("customers/followup_form.html", c=c, form=form)


@bp.route("/followups/<int:task_id>/done", methods=["POST"])
@permission_required(P_EDIT)
def followup_done(task_id):
    task = child_or_404(FollowUp, task_id, EDIT)
    if not EmptyForm().validate_on_submit():
        abort(400)
    _r, ok = run_action(visits.complete_followup, task, ok=_("Task done."))
    if ok and request.form.get("next") == "customer":
        return back("customers.detail", customer_id=task.customer_id)
    return back("customers.followups")


# -- overdue and reports --------------------------------------------------------------
@bp.route("/overdue")
@permission_required(VIEW)
def overdue():
    s = db_session()
    rows = visits.overdue(s, current_user, limit=500)
    owners = {u.id: u for u in s.scalars(select(User).where(
        User.id.in_({r.customer.owner_id for r in rows if r.customer.owner_id})))}
    return render_template("customers/overdue.html", rows=rows, owners=owners,
                           allowed=visits.allowed_days(s))


@bp.route("/reports/weekly")
@permission_required(REPORTS)
def weekly_report():
    s = db_session()
    start = day_arg("week")
    start = start - timedelta(days=start.weekday())
    rows = visits.weekly_report(s, current_user, start)
    never = s.scalars(web_scoped_select(Customer).where(
        Customer.status == "active", Customer.last_visit_on.is_(None))
        .order_by(Customer.code).limit(200)).all()
    return render_template("customers/weekly.html", rows=rows, start=start,
                           end=start + timedelta(days=6), prev=start - timedelta(days=7),
                           next=start + timedelta(days=7), never=never,
                           per_week=visits.expected_per_week(s))
