"""The dealers overview: to-dos and the two charts."""
from __future__ import annotations

from datetime import date

from flask import render_template
from flask_login import current_user

from core.web.decorators import permission_required
from core.web.request import db_session

from ..services import dashboard
from ..declarations import VIEW
from . import bp
from core import clock


@bp.route("/")
@permission_required(VIEW)
def index():
    s = db_session()
    today = clock.today()
    return render_template("dealers/index.html", counts=dashboard.counts(s, current_user, today),
                           sell=dashboard.sell_chart(s, current_user, today, 12),
                           cover=dashboard.cover_chart(s, current_user, today, 20))
