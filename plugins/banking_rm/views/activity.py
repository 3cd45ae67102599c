"""5-20-30 pages: the phone log (one tap per activity), the league table
and the branch head's spot checks."""
from __future__ import annotations

from datetime import date

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from core.web.actions import back, day_arg, run_action as run
from core.web.decorators import permission_required
from core.web.request import can, db_session, signed_in

from ..declarations import REFER, SERVE, SUPERVISE, VIEW
from ..models import BankCampaign
from ..models.activity import ALL_KINDS
from ..services import activity as svc
from . import bp
from core import clock


def can_log() -> bool:
    return can(SERVE) or can(REFER)


def running_campaigns(s, on: date) -> list:
    from sqlalchemy import select

    return list(s.execute(select(BankCampaign).where(BankCampaign.start_on <= on,
                                                     BankCampaign.end_on >= on)
                          .order_by(BankCampaign.name)).scalars())


@bp.route("/activity", methods=["GET", "POST"])
@permission_required(VIEW)
def activity_log():
    s = db_session()
    if request.method == "POST":
        if not can_log():
            abort(403)
        f = request.form
        kind = f.get("kind", "")
        user = signed_in()  # the user itself, not Flask-Login's proxy: the customer lookup is kept per user
        rows, ok = run(lambda s_: svc.log_activity(
            s_, user, kind, customer_id=f.get("customer"), count=f.get("count") or 1,
            topic=f.get("topic", ""), campaign_id=f.get("campaign_id") or None),
            ok=None)
        if ok:
            from flask import flash
            flash(_("Logged: %(kind)s × %(n)s.", kind=svc.KIND_LABELS[kind], n=len(rows)), "success")
        return back("banking_rm.activity_log", campaign_id=f.get("campaign_id") or None)
    today = clock.today()
    show_all = request.args.get("all") == "1"
    kinds = ALL_KINDS if show_all else svc.kinds_for(current_user)
    counts = svc.my_counts(s, current_user, today)
    return render_template("banking_rm/activity_log.html", kinds=kinds, counts=counts,
                           targets=svc.targets(s), labels=svc.KIND_LABELS, hints=svc.KIND_HINTS,
                           can_log=can_log(), show_all=show_all,
                           campaigns=running_campaigns(s, today),
                           campaign_id=request.args.get("campaign_id", type=int))


@bp.route("/activity/undo", methods=["POST"])
@permission_required(VIEW)
def activity_undo():
    if not can_log():
        abort(403)
    run(lambda s_: svc.undo_last(s_, current_user), ok=_("The last activity was taken back."))
    return back("banking_rm.activity_log")


@bp.route("/league")
@permission_required(VIEW)
def league():
    s = db_session()
    period = request.args.get("period", "day")
    data = svc.league(s, current_user, period, day_arg("day"))
    return render_template("banking_rm/activity_league.html", data=data, labels=svc.KIND_LABELS,
                           kinds=ALL_KINDS, periods=svc.PERIODS,
                           role_labels=svc.ROLE_LABELS)


@bp.route("/spot-checks", methods=["GET", "POST"])
@permission_required(SUPERVISE)
def spot_checks():
    s = db_session()
    if request.method == "POST":
        f = request.form
        act = svc.branch_activity(s, current_user, f.get("activity_id"))
        if act is None:
            abort(404)
        run(lambda s_: svc.spot_check(s_, current_user, act, f.get("result", ""), f.get("note", "")),
            ok=_("Spot check recorded."))
        return back("banking_rm.spot_checks")
    today = clock.today()
    start, end = svc.period_bounds("month", today)
    return render_template("banking_rm/activity_spot.html", rows=svc.sample(s, current_user),
                           labels=svc.KIND_LABELS, checks=svc.recent_checks(s, current_user, start, today),
                           scores=svc.check_scores(s, current_user, start, end),
                           users=_names(s))


def _names(s) -> dict:
    from sqlalchemy import select

    from core.models import User

    return {uid: (full or uname) for uid, full, uname in
            s.execute(select(User.id, User.full_name, User.username).where(
                User.id.in_(svc.branch_users(current_user))))}
