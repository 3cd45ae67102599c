"""The department's home page: the pipeline at a glance, my accounts and
the contacts due (the other areas add their sections below)."""
from __future__ import annotations

from datetime import date

from flask import render_template
from flask_login import current_user

from core.web.decorators import permission_required
from core.web.request import can, db_session

from ..account_labels import STAGE_LABELS
from ..declarations import DEVELOP, VIEW
from ..services import accounts as accounts_svc
from ..services import overview
from . import bp
from core import clock


@bp.route("/")
@permission_required(VIEW)
def index():
    s = db_session()
    return render_template("stores_demo/index.html",
                           summary=overview.summary(s, current_user), labels=STAGE_LABELS,
                           stage_label=accounts_svc.stage_label, today=clock.today(),
                           can_develop=can(DEVELOP))
