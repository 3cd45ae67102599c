"""Dealer rebate claims, filed into finance's rebate workflow."""
from __future__ import annotations

from datetime import date

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from core.access import EDIT
from core.web.decorators import permission_required
from core.web.request import can, db_session, get_or_404
from core.web.request import scoped_select as web_scoped_select
from core.web.actions import back, page_arg, run_action as run

from ..models import DealerRebateClaim, DealerRebateClaimLine
from ..models.market import REBATE_KINDS
from ..declarations import REBATE, VIEW
from ..services import finance_link
from ..services import rebates as svc
from ..services.common import period_of
from . import bp
from .common import PAGE, dealer_or_404, product_or_404, posted_dealer, posted_product
from core import clock


@bp.route("/rebates")
@permission_required(VIEW)
def rebates():
    s = db_session()
    page = page_arg()
    rows = s.execute(web_scoped_select(DealerRebateClaim).order_by(DealerRebateClaim.id.desc())
                     .offset((page - 1) * PAGE).limit(PAGE + 1)).scalars().all()
    states = {c.id: finance_link.rebate_state(s, c.finance_ref) for c in rows[:PAGE]}
    return render_template("dealers/rebates.html", claims=rows[:PAGE], has_next=len(rows) > PAGE,
                           page=page, states=states, kinds=REBATE_KINDS,
                           can_edit=can(REBATE), period=period_of(clock.today()))


@bp.route("/rebates/new", methods=["POST"])
@permission_required(REBATE)
def rebate_new():
    customer = posted_dealer(request.form.get("customer_id"), EDIT)
    claim, ok = run(svc.create_claim, customer, current_user, kind=request.form.get("kind", ""),
                    period=request.form.get("period", ""), note=request.form.get("note") or None)
    if ok:
        return back("dealers.rebate", claim_id=claim.id)
    return back("dealers.rebates")


@bp.route("/rebates/<int:claim_id>")
@permission_required(VIEW)
def rebate(claim_id: int):
    s = db_session()
    c = get_or_404(DealerRebateClaim, claim_id)
    return render_template("dealers/rebate.html", c=c,
                           evidence=svc.evidence(s, c),
                           finance_state=finance_link.rebate_state(s, c.finance_ref),
                           can_edit=can(REBATE))


@bp.route("/rebates/<int:claim_id>/lines", methods=["POST"])
@permission_required(REBATE)
def rebate_line_add(claim_id: int):
    c = get_or_404(DealerRebateClaim, claim_id, EDIT)
    product = posted_product(request.form.get("product_id"))
    run(svc.add_line, c, product, request.form.get("quantity"), request.form.get("unit_amount"),
        ok=_("Line added."))
    return back("dealers.rebate", claim_id=c.id)


@bp.route("/rebates/<int:claim_id>/lines/<int:line_id>/delete", methods=["POST"])
@permission_required(REBATE)
def rebate_line_remove(claim_id: int, line_id: int):
    c = get_or_404(DealerRebateClaim, claim_id, EDIT)
    line = get_or_404(DealerRebateClaimLine, line_id, EDIT)
    if line.claim_id != c.id:
        abort(404)
    run(svc.remove_line, c, line, ok=_("Line removed."))
    return back("dealers.rebate", claim_id=c.id)


@bp.route("/rebates/<int:claim_id>/submit", methods=["POST"])
@permission_required(REBATE)
def rebate_submit(claim_id: int):
    c = get_or_404(DealerRebateClaim, claim_id, EDIT)
    run(svc.submit_claim, c, current_user, ok=_("Claim submitted to finance."))
    return back("dealers.rebate", claim_id=c.id)


@bp.route("/rebates/<int:claim_id>/evidence", methods=["POST"])
@permission_required(REBATE)
def rebate_evidence(claim_id: int):
    c = get_or_404(DealerRebateClaim, claim_id, EDIT)
    f = request.files.get("file")
    if f is None or not f.filename:
        from flask import flash

        flash(_("Choose a file."), "error")
    else:
        run(svc.add_evidence, c, f.stream, f.filename, current_user, ok=_("Evidence attached."))
    return back("dealers.rebate", claim_id=c.id)
