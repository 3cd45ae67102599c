"""The pipeline board, its two reports and the contacts due."""
from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from core.models import User
from core.web.actions import page_arg
from core.web.decorators import permission_required
from core.web.frame import render_kept
from core.web.request import can, db_session, signed_in
from plugins.customers import api as customers

from ..account_labels import STAGE_LABELS
from ..declarations import DEVELOP, STAGE_SKIP, VIEW
from ..models.accounts import STAGES, StoresDemoAccount
from ..services import accounts as svc
from ..services import pipeline as pipe
from . import bp
from .accounts import kind_choices, stage_choices
from core import clock


def _board_filter() -> pipe.BoardFilter:
    return pipe.BoardFilter(owner_id=request.args.get("owner", type=int),
                            kind=request.args.get("kind") or "")


@bp.route("/pipeline")
@permission_required(VIEW)
def pipeline():
    s = db_session()
    f = _board_filter()
    kinds = kind_choices(s)
    user = signed_in()  # the user itself, not Flask-Login's proxy: the statements are kept per user
    columns = pipe.board(s, user, f)
    owners = svc.owners_for(s, user)
    # Kept per (frame, cards and counts shown, filters, day), as the
    # customer list is: the board is read every time, drawn when it changed.
    shows = (tuple((c["stage"], c["count"], tuple(map(tuple, c["cards"]))) for c in columns), tuple(owners),
             pipe.this_hour(), tuple(sorted(request.args.items(multi=True))))
    # Plain strings: a lazy label is translated again at every card.
    return render_kept("stores_demo/pipeline_board.html", shows, columns=columns,
                       f=f, kinds=kinds, kind_names=dict(kinds), owners=owners,
                       labels={k: str(v) for k, v in STAGE_LABELS.items()},
                       list_query=urlencode({"owner": f.owner_id or "", "kind": f.kind}),
                       days_since=pipe.days_since, stages=STAGES,
                       # "{} days" in the reader's language, formatted per card
                       days_label=_("%(n)s days", n="{}"),
                       can_develop=can(DEVELOP), can_skip=can(STAGE_SKIP))


@bp.route("/pipeline/report")
@permission_required(VIEW)
def pipeline_report():
    s = db_session()
    f = _board_filter()
    kinds = kind_choices(s)
    rows, totals = pipe.by_owner(s, current_user, f)
    return render_template("stores_demo/pipeline_report.html", f=f, kinds=kinds,
                           owners=svc.owners_for(s, current_user),
                           conversion=pipe.conversion(s, current_user, f), by_owner=rows,
                           totals=totals, labels=STAGE_LABELS, stage_codes=STAGES)


DUE_PAGE = 50


@bp.route("/contacts/due")
@permission_required(VIEW)
def contacts_due():
    """Accounts whose agreed next contact is today or overdue, or within the
    coming week (``?days=``)."""
    s = db_session()
    days = max(0, min(request.args.get("days", 7, type=int) or 0, 90))
    today = clock.today()
    C, A = customers.Customer, StoresDemoAccount
    page = page_arg()
    owner = func.coalesce(func.nullif(User.full_name, ""), User.username)
    rows = s.execute(
        select(C.id, C.code, C.name, A.stage, A.next_contact_on, owner.label("owner"))
        .join(A, A.customer_id == C.id).outerjoin(User, User.id == C.owner_id)
        .where(C.id.in_(customers.customer_ids_for(current_user)),
               A.next_contact_on <= today + timedelta(days=days))
        .order_by(A.next_contact_on, C.name).offset((page - 1) * DUE_PAGE).limit(DUE_PAGE + 1)).all()
    return render_template("stores_demo/contacts_due.html", rows=rows[:DUE_PAGE],
                           has_next=len(rows) > DUE_PAGE, page=page, days=days, today=today,
                           stage_label=svc.stage_label)
