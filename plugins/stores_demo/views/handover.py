"""A leaving developer's accounts handed to colleagues in one step."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.models import User
from core.web.actions import back, run_action
from core.web.decorators import permission_required
from core.web.request import db_session

from ..account_forms import HandoverForm
from ..account_labels import RULE_LABELS
from ..declarations import HANDOVER
from ..models.accounts import HANDOVER_RULES, StoresDemoHandover
from ..services import accounts as accounts_svc
from ..services import handover as svc
from . import bp


@bp.route("/handover", methods=["GET", "POST"])
@permission_required(HANDOVER)
def handover():
    s = db_session()
    people = accounts_svc.owners_for(s, current_user)
    form = HandoverForm()
    form.from_user_id.choices = [("", "—")] + [(str(i), n) for i, n in people]
    form.to_user_ids.choices = [(str(i), n) for i, n in people]
    form.rule.choices = [(k, str(RULE_LABELS[k])) for k in HANDOVER_RULES]
    if request.method == "POST":
        form.validate()  # CSRF; the rules (and their messages) are the service's
        rec, ok = run_action(svc.handover, current_user, from_user_id=form.from_user_id.data,
                             to_user_ids=request.form.getlist("to_user_ids"),
                             rule=form.rule.data, reason=form.reason.data or "")
        if ok:
            from flask import flash

            flash(_("%(n)d accounts handed over.", n=rec.accounts), "success")
            return back("stores_demo.handover")
    names = dict(s.execute(select(User.id, User.username)).all())
    done = s.scalars(select(StoresDemoHandover).order_by(StoresDemoHandover.done_at.desc())
                     .limit(20)).all()
    return render_template("stores_demo/handover.html", form=form, done=done, names=names,
                           rule_labels=RULE_LABELS), (400 if request.method == "POST" else 200)
