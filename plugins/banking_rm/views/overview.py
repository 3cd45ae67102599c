"""The branch's home page: one overview per role — the branch head sees the
branch and each manager's overdue contacts, a wealth manager their own book
and whom to contact today, the lobby and tellers the census, non-holders and
product cards."""
from __future__ import annotations

from datetime import date

from flask import render_template
from flask_login import current_user

from core.web.decorators import permission_required
from core.web.request import can, db_session
from core.web.request import scoped_select as web_scoped_select
from plugins.customers.api import Customer

from ..declarations import REFER, SELL, SUPERVISE, VIEW
from ..services import clients as csvc
from ..services import matrix, overview as svc
from ..services.holdings import KIND_LABELS
from . import bp
from core import clock


@bp.route("/")
@permission_required(VIEW)
def index():
    s = db_session()
    scope = web_scoped_select(Customer).whereclause
    today = clock.today()
    head = can(SUPERVISE)
    manager = can(SELL) and not head
    return render_template(
        "banking_rm/index.html", fig=svc.figures(s, scope, today), today=today,
        head=head, manager=manager, front=can(REFER) and not can(SELL),
        cells=csvc.CELL_LABELS, days=csvc.contact_days(s), kind_labels=KIND_LABELS,
        per_manager=matrix.overdue_per_manager(s, scope, today) if head else [],
        todo=matrix.overdue(s, scope, today, current_user.id, limit=10) if manager else [])
