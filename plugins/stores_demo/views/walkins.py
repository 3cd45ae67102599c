"""Walk-ins: the phone form on the shop floor and the list of visitors not
yet followed up."""
from __future__ import annotations

from datetime import date

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.web.actions import back, page_arg, run_action
from core.web.decorators import permission_required
from core.web.request import can, db_session
from core.web.request import scoped_select

from ..declarations import DEVELOP, VIEW
from ..models.pieces import IN_STOCK, StoresDemoPiece
from ..models.walkins import BUDGET_BANDS, INTERESTS, StoresDemoWalkin
from ..services import walkins as svc
from . import bp
from core import clock

PAGE = 50


@bp.route("/walkins")
@permission_required(VIEW)
def walkins():
    s = db_session()
    show = request.args.get("show") or "open"
    stmt = scoped_select(StoresDemoWalkin)
    if show == "open":
        stmt = svc.not_followed_up(stmt)
    page = page_arg()
    rows = s.execute(stmt.order_by(StoresDemoWalkin.visited_on.desc(), StoresDemoWalkin.id.desc())
                     .offset((page - 1) * PAGE).limit(PAGE + 1)).scalars().all()
    tasks = svc.task_of(s, [w.id for w in rows])
    pieces = s.execute(select(StoresDemoPiece.id, StoresDemoPiece.sku, StoresDemoPiece.name)
                       .where(StoresDemoPiece.state == IN_STOCK).order_by(StoresDemoPiece.sku)
                       .limit(500)).all()
    return render_template("stores_demo/walkins_list.html", walkins=rows[:PAGE], has_next=len(rows) > PAGE,
                           page=page, show=show, tasks=tasks, pieces=pieces, bands=BUDGET_BANDS,
                           interests=INTERESTS, can_capture=can(DEVELOP), today=clock.today(),
                           form=request.form)


@bp.route("/walkins/new", methods=["POST"])
@permission_required(DEVELOP)
def walkin_new():
    f = request.form
    _w, ok = run_action(svc.capture, current_user, name=f.get("name", ""), mobile=f.get("mobile", ""),
                        interest=f.get("interest", ""), budget_band=f.get("budget_band") or None,
                        piece_id=f.get("piece_id", type=int) or None, note=f.get("note"),
                        ok=_("Walk-in saved; a follow-up task is in your list."))
    if not ok:  # shown again with what was typed, the message above it
        return walkins()
    return back("stores_demo.walkins")
