"""The evening meeting page: the day's figures, notes and the PDF."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from core.web.actions import back, day_arg, run_action as run
from core.web.decorators import permission_required
from core.web.request import can, db_session

from ..declarations import SUPERVISE, VIEW
from ..services import meeting as svc
from . import bp


@bp.route("/meeting", methods=["GET", "POST"])
@permission_required(VIEW)
def meeting():
    s = db_session()
    if request.method == "POST":
        if not can(SUPERVISE):
            from flask import abort
            abort(403)
        f = request.form
        day = day_arg("day")
        from core.dates import parse_day
        from core.services import ServiceError

        try:
            day = parse_day(f.get("day"))
        except ServiceError as e:
            from flask import flash
            flash(str(e), "error")
            return back("banking_rm.meeting")
        run(lambda s_: svc.save_notes(s_, current_user, day, f.get("problems", ""), f.get("focus", "")),
            ok=_("Meeting notes saved."))
        return back("banking_rm.meeting", day=day.isoformat())
    day = day_arg("day")
    return render_template("banking_rm/meeting.html", d=svc.meeting_data(s, current_user, day),
                           can_edit=can(SUPERVISE))
