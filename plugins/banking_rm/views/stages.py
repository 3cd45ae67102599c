"""Relationship stages: the distribution, one customer's stage with its
history, and the move (POST, evidence required)."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.access import EDIT
from core.web.actions import back, page_arg, run_action as run
from core.web.decorators import permission_required
from core.web.request import can, db_session
from plugins.customers.api import Customer, customer_ids_for, get_customer

from ..declarations import SERVE, VIEW
from ..models import BankRetailProfile
from ..models.clients import STAGES
from ..services import stages as svc
from . import bp

PAGE = 50


@bp.route("/stages")
@permission_required(VIEW)
def stages():
    s = db_session()
    ids = customer_ids_for(current_user)
    stage = request.args.get("stage") or ""
    stmt = (select(Customer, BankRetailProfile.stage)
            .join(BankRetailProfile, BankRetailProfile.customer_id == Customer.id)
            .where(Customer.id.in_(ids)))
    if stage in STAGES:
        stmt = stmt.where(BankRetailProfile.stage == stage)
    page = page_arg()
    rows = s.execute(stmt.order_by(Customer.code).offset((page - 1) * PAGE).limit(PAGE + 1)).all()
    return render_template("banking_rm/stages_list.html", dist=svc.distribution(s, ids),
                           rows=rows[:PAGE], has_next=len(rows) > PAGE, page=page, stage=stage,
                           stages=STAGES, labels=svc.STAGE_LABELS, signs=svc.STAGE_SIGNS)


@bp.route("/stages/<int:customer_id>", methods=["GET", "POST"])
@permission_required(VIEW)
def stage(customer_id: int):
    s = db_session()
    action = EDIT if request.method == "POST" else "view"
    c = get_customer(s, customer_id, current_user, action)
    if c is None:
        abort(404)
    if request.method == "POST":
        if not can(SERVE):
            abort(403)
        f = request.form
        run(lambda s_: svc.move_stage(s_, current_user, c.id, from_stage=f.get("from_stage", ""),
                                      to_stage=f.get("to_stage", ""), evidence=f.get("evidence", ""),
                                      upload=request.files.get("file")),
            ok=_("Stage moved."))
        return back("banking_rm.stage", customer_id=c.id)
    p = s.execute(select(BankRetailProfile).where(BankRetailProfile.customer_id == c.id)
                  ).scalar_one_or_none()
    current = p.stage if p else STAGES[0]
    i = STAGES.index(current) if current in STAGES else 0
    targets = [st for j, st in enumerate(STAGES) if j != i and j <= i + 1]
    return render_template("banking_rm/stages_customer.html", customer=c, current=current,
                           targets=targets, history=svc.history(s, c.id), labels=svc.STAGE_LABELS,
                           signs=svc.STAGE_SIGNS, can_move=can(SERVE), users=_users(s))


def _users(s) -> dict:
    from core.models import User

    return {u.id: u.display_name for u in s.execute(select(User)).scalars()}
