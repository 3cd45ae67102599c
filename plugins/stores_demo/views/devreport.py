"""Development reports: visits and receptions with their outcome, expense
per key account against revenue, and each developer's periodic report
(page and PDF)."""
from __future__ import annotations

from flask import abort, flash, render_template, request
from flask_login import current_user

from core.services import ServiceError
from core.web.decorators import permission_required
from core.web.request import db_session
from plugins.customers.api import customer_ids_for

from ..declarations import VIEW
from ..documents import report_target
from ..services import devreport as svc
from . import bp


def _period():
    raw = request.args.get("period", "")
    try:
        start, end = svc.month_bounds(raw)
    except ServiceError as e:
        flash(str(e), "error")
        start, end = svc.month_bounds("")
    return start, end, f"{start:%Y-%m}"


@bp.route("/development-report")
@permission_required(VIEW)
def dev_report():
    s = db_session()
    start, end, period = _period()
    scope = customer_ids_for(current_user)
    return render_template("stores_demo/dev_report.html", period=period,
                           visits=svc.visits_in(s, scope, start, end),
                           receptions=svc.receptions_in(s, scope, start, end),
                           accounts=svc.expense_against_revenue(s, scope, start, end),
                           developers=svc.per_developer(s, scope, start, end))


@bp.route("/development-report/<int:user_id>")
@permission_required(VIEW)
def dev_report_user(user_id: int):
    s = db_session()
    target = report_target(s, user_id, current_user)
    if target is None:
        abort(404)
    start, end, period = _period()
    rep = svc.developer_report(s, customer_ids_for(current_user), target.id, target.display_name,
                               start, end)
    return render_template("stores_demo/dev_report_user.html", rep=rep, period=period)
