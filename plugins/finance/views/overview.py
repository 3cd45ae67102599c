"""The finance overview and the customer account page."""
from __future__ import annotations

from datetime import date

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select

from core.web.decorators import permission_required
from core.web.request import db_session

from ..models import CreditCommitment, RebateClaim, Statement
from ..models.credit import OPEN
from ..models.rebates import APPROVED, SUBMITTED
from ..models.statements import DISPUTED, PENDING
from ..services import aging as aging_svc
from ..services.money import msum
from . import bp
from .common import visible_customer_ids
from core import clock


def summary(session, user) -> dict:
    """Figures for the overview and the dashboard widget, all SQL sums over
    the customers ``user`` may see."""
    from core.access import scoped_select as scoped
    from plugins.customers.api import customer_ids_for

    ids = customer_ids_for(user)
    _rows, total = aging_svc.aging(session, ids, clock.today())
    committed = session.scalar(
        select(msum(CreditCommitment.amount)).where(CreditCommitment.state == OPEN,
                                                    CreditCommitment.customer_id.in_(ids)))
    claims = scoped(session, RebateClaim, user)
    rebates_open = session.execute(
        claims.with_only_columns(func.count(RebateClaim.id), msum(RebateClaim.amount))
        .where(RebateClaim.state == APPROVED)).one()
    to_decide = session.scalar(claims.with_only_columns(func.count(RebateClaim.id))
                               .where(RebateClaim.state == SUBMITTED))
    st_counts = dict(session.execute(
        scoped(session, Statement, user).with_only_columns(Statement.answer,
                                                           func.count(Statement.id))
        .where(Statement.answer.in_((PENDING, DISPUTED))).group_by(Statement.answer)).all())
    return {"aging": total, "committed": committed, "rebates_open": rebates_open[0],
            "rebates_open_amount": rebates_open[1], "rebates_to_decide": to_decide,
            "statements_pending": st_counts.get(PENDING, 0),
            "statements_disputed": st_counts.get(DISPUTED, 0)}


@bp.route("/")
@permission_required("finance.view")
def index():
    s = db_session()
    data = summary(s, current_user)
    top, _total = aging_svc.aging(s, visible_customer_ids(), clock.today())
    top = [r for r in top if r.overdue > 0][:10]
    return render_template("finance/index.html", data=data, top=top)
