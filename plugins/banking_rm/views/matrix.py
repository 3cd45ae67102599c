"""The value matrix page: customers per cell with each cell's contact
frequency, and the overdue-contact list per manager (one SQL statement)."""
from __future__ import annotations

from datetime import date

from flask import render_template, request

from core.web.decorators import permission_required
from core.web.request import db_session
from core.web.request import scoped_select as web_scoped_select
from plugins.customers.api import Customer

from ..declarations import VIEW
from ..services import clients as csvc
from ..services import matrix as svc
from . import bp
from core import clock

LIMIT = 300


@bp.route("/matrix")
@permission_required(VIEW)
def matrix():
    s = db_session()
    scope = web_scoped_select(Customer).whereclause
    today = clock.today()
    owner = request.args.get("owner", "")
    owner_id = int(owner) if owner.isdigit() and len(owner) < 10 else None
    rows = svc.overdue(s, scope, today, owner_id, limit=LIMIT + 1)
    return render_template("banking_rm/matrix.html", counts=svc.matrix_counts(s, scope),
                           days=csvc.contact_days(s), threshold=csvc.aum_threshold(s),
                           cells=csvc.CELL_LABELS, rows=rows[:LIMIT], more=len(rows) > LIMIT,
                           per_manager=svc.overdue_per_manager(s, scope, today),
                           owner=owner, orientations=csvc.ORIENTATION_LABELS, today=today)
