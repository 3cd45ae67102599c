"""Expense claims: file one for a visit or a reception, approve (refused
without the summary or report) or reject, and finance pays."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.access import EDIT, VIEW as SCOPE_VIEW
from core.web.actions import back, page_arg, run_action as run
from core.web.decorators import permission_required
from core.web.request import can, db_session, get_or_404

from ..declarations import APPROVE, DEVELOP, PAY_CLAIMS, VIEW
from ..models.development import CLAIM_STATES, StoresDemoClaim, StoresDemoReception, StoresDemoVisit
from ..services import claims as svc
from . import bp
from .development import PAGE, listing, user_names


@bp.route("/claims")
@login_required
def claims():
    if not (can(VIEW) or can(PAY_CLAIMS)):
        abort(403)
    s = db_session()
    page = page_arg()
    status = request.args.get("status", "")
    rows = s.execute(listing(StoresDemoClaim, (StoresDemoClaim.id.desc(),), status, CLAIM_STATES)
                     .offset((page - 1) * PAGE).limit(PAGE + 1)).scalars().all()
    return render_template("stores_demo/claims.html", rows=rows[:PAGE], has_next=len(rows) > PAGE,
                           page=page, status=status, states=CLAIM_STATES,
                           owners=user_names(r.owner_id for r in rows),
                           can_view=can(VIEW), can_approve=can(APPROVE), can_pay=can(PAY_CLAIMS))


@bp.route("/claims/new", methods=["POST"])
@permission_required(DEVELOP)
def claim_new():
    kind = request.form.get("kind")
    model = {"visit": StoresDemoVisit, "reception": StoresDemoReception}.get(kind)
    if model is None:
        abort(404)
    record = get_or_404(model, request.form.get("record_id", ""), EDIT)
    if record.owner_id != current_user.id:
        abort(404)
    run(svc.file_claim, current_user, **{kind: record}, category=request.form.get("category", ""),
        amount=request.form.get("amount", ""), description=request.form.get("description", ""),
        spent_on=request.form.get("spent_on", ""), ok=_("Expense claim filed."))
    return back(f"stores_demo.{kind}", **{f"{kind}_id": record.id})


@bp.route("/claims/<int:claim_id>/approve", methods=["POST"])
@permission_required(APPROVE)
def claim_approve(claim_id: int):
    c = get_or_404(StoresDemoClaim, claim_id, EDIT)
    run(svc.approve_claim, c, current_user, ok=_("Claim approved and posted to finance."))
    return back("stores_demo.claims")


@bp.route("/claims/<int:claim_id>/reject", methods=["POST"])
@permission_required(APPROVE)
def claim_reject(claim_id: int):
    c = get_or_404(StoresDemoClaim, claim_id, EDIT)
    run(svc.reject_claim, c, current_user, request.form.get("reason", ""), ok=_("Claim rejected."))
    return back("stores_demo.claims")


@bp.route("/claims/<int:claim_id>/pay", methods=["POST"])
@permission_required(PAY_CLAIMS)
def claim_pay(claim_id: int):
    c = get_or_404(StoresDemoClaim, claim_id, SCOPE_VIEW)
    run(svc.pay_claim, c, current_user, ok=_("Claim paid."))
    return back("stores_demo.claims", status="approved")
