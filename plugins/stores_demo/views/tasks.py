"""My follow-up tasks: the overdue ones first, then what is due; mark one
done.  The team's tasks: a manager sees colleagues' open and overdue tasks
(the org unit and below, as the access scope says)."""
from __future__ import annotations

from datetime import date, timedelta

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from core.access import EDIT
from core.web.actions import back, page_arg, run_action
from core.web.decorators import permission_required
from core.web.request import db_session, get_or_404

from ..declarations import APPROVE, VIEW
from ..models.tasks import StoresDemoTask
from ..services import tasks as svc
from . import bp
from core import clock


@bp.route("/tasks")
@permission_required(VIEW)
def tasks():
    from plugins.customers.api import Customer

    s = db_session()
    today = clock.today()
    rows = svc.open_tasks(s, current_user)
    ids = {t.customer_id for t in rows if t.customer_id}
    names = dict(s.query(Customer.id, Customer.name).filter(Customer.id.in_(ids)).all()) if ids else {}
    overdue = [t for t in rows if t.due_on < today]
    due = [t for t in rows if t.due_on >= today]
    return render_template("stores_demo/tasks_mine.html", overdue=overdue, due=due, names=names,
                           today=today)


@bp.route("/tasks/<int:task_id>/done", methods=["POST"])
@permission_required(VIEW)
def task_done(task_id: int):
    # Someone else's task answers 404, as if it did not exist.
    task = get_or_404(StoresDemoTask, task_id, EDIT)
    run_action(svc.mark_done, task.id, current_user, outcome=request.form.get("outcome"),
               ok=_("Task done."))
    return back("stores_demo.tasks")


TEAM_PAGE = 50


@bp.route("/tasks/team")
@permission_required(APPROVE)
def tasks_team():
    s = db_session()
    today = clock.today()
    owner_id = request.args.get("owner", type=int)
    overdue_only = request.args.get("overdue") == "1"
    page = page_arg()
    counts = svc.team_counts(s, current_user, today, since=today - timedelta(days=7))
    rows = svc.team_tasks(s, current_user, today, owner_id=owner_id, overdue_only=overdue_only,
                          offset=(page - 1) * TEAM_PAGE, limit=TEAM_PAGE + 1)
    return render_template("stores_demo/tasks_team.html", counts=counts, rows=rows[:TEAM_PAGE],
                           has_next=len(rows) > TEAM_PAGE, page=page, owner_id=owner_id,
                           overdue_only=overdue_only, today=today)
