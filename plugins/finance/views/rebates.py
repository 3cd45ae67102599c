"""Rebate claims: list, file, evidence, submit, decide, redeem; timeliness."""
from __future__ import annotations

from datetime import date

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from core import versions
from core.access import EDIT
from core.web.decorators import permission_required
from core.web.request import can, db_session, get_or_404, scoped_select
from core.web.actions import back, page_arg, run_action as run

from ..labels import label as fin_label
from ..models import RebateClaim
from ..models.rebates import REBATE_KINDS, REBATE_STATES
from ..services import rebates as svc
from ..services.tax import RATE_CODES, default_rate, rate_label
from . import bp
from .common import customer_or_404, int_arg, paged, parse_day, posted_customer
from core import clock

LINE_ROWS = 6


def _lines(form) -> list[dict]:
    out = []
    for i in range(LINE_ROWS):
        product = (form.get(f"product_{i}") or "").strip()
        qty = (form.get(f"qty_{i}") or "").strip()
        unit = (form.get(f"unit_{i}") or "").strip()
        if product or qty or unit:
            out.append({"product": product, "quantity": qty or "0", "unit_amount": unit or "0"})
    return out


@bp.route("/rebates")
@permission_required("finance.view")
def rebates():
    stmt = scoped_select(RebateClaim)
    state = request.args.get("state") or ""
    if state in REBATE_STATES:
        stmt = stmt.where(RebateClaim.state == state)
    cid = int_arg("customer_id")
    if cid:
        stmt = stmt.where(RebateClaim.customer_id == cid)
    page = page_arg()
    rows, has_next = paged(stmt.order_by(RebateClaim.id.desc()), page)
    return render_template("finance/rebates.html", rows=rows, has_next=has_next, page=page,
                           state=state, states=REBATE_STATES, can_claim=can("finance.rebate_claim"))


@bp.route("/rebates/new", methods=["GET", "POST"])
@permission_required("finance.rebate_claim")
def rebate_new():
    if request.method == "POST":
        f = request.form
        c = posted_customer(f.get("customer_id"), EDIT)

        def create(s):
            return svc.create_claim(s, c.id, f.get("kind", ""),
                                    period_start=parse_day(f.get("period_start")),
                                    period_end=parse_day(f.get("period_end")),
                                    lines=_lines(f), note=f.get("note", ""), user=current_user)

        claim, ok = run(create, ok=_("Claim saved as a draft: attach the evidence, then submit."))
        if ok:
            return back("finance.rebate", claim_id=claim.id)
        return back("finance.rebate_new", customer_id=c.id)
    today = clock.today()
    return render_template("finance/rebate_new.html",
                           customer_id=int_arg("customer_id"), kinds=REBATE_KINDS,
                           rows=range(LINE_ROWS), start=today.replace(day=1), end=today)


@bp.route("/rebates/<int:claim_id>")
@permission_required("finance.view")
def rebate(claim_id: int):
    s = db_session()
    claim = get_or_404(RebateClaim, claim_id)
    return render_template("finance/rebate.html", claim=claim, evidence=svc.evidence(s, claim),
                           kinds=REBATE_KINDS, rows=range(LINE_ROWS),
                           can_claim=can("finance.rebate_claim"),
                           can_approve=can("finance.rebate_approve"),
                           can_redeem=can("finance.rebate_redeem"), today=clock.today(),
                           rates=[(c, rate_label(c)) for c in RATE_CODES],
                           default_rate=default_rate(s))


@bp.route("/rebates/<int:claim_id>/edit", methods=["POST"])
@permission_required("finance.rebate_claim")
def rebate_edit(claim_id: int):
    claim = get_or_404(RebateClaim, claim_id, EDIT)
    f = request.form

    def update(s):
        return svc.update_claim(s, claim, kind=f.get("kind", ""),
                                period_start=parse_day(f.get("period_start")),
                                period_end=parse_day(f.get("period_end")), lines=_lines(f),
                                note=f.get("note", ""))

    _res, ok = versions.run_edit(claim, update, ok=_("Claim saved."), fields=_claim_fields())
    if ok == versions.CONFLICT:
        return rebate(claim_id), 409
    return back("finance.rebate", claim_id=claim.id)


@versions.form_fields(RebateClaim)
def _claim_fields() -> list:
    return [
        ("kind", _("Kind"), lambda r: r.kind, {k: fin_label(k) for k in REBATE_KINDS}),
        ("period_start", _("Period from"), lambda r: r.period_start),
        ("period_end", _("Period to"), lambda r: r.period_end),
        ("note", _("Note"), lambda r: r.note)] + [
        (f"{key}_{i}", f"{label} {i + 1}", _line_value(i, attr))
        for i in range(LINE_ROWS)
        for key, label, attr in (("product", _("Product"), "product"),
                                 ("qty", _("Quantity"), "quantity"),
                                 ("unit", _("Per unit"), "unit_amount"))]


def _line_value(i: int, attr: str):
    def value(claim):
        lines = list(claim.lines)
        return getattr(lines[i], attr) if i < len(lines) else ""
    return value


@bp.route("/rebates/<int:claim_id>/evidence", methods=["POST"])
@permission_required("finance.rebate_claim")
def rebate_evidence(claim_id: int):
    claim = get_or_404(RebateClaim, claim_id, EDIT)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        abort(400)
    run(svc.add_evidence, claim, upload.stream, upload.filename, user=current_user,
        ok=_("Supporting document attached."))
    return back("finance.rebate", claim_id=claim.id)


@bp.route("/rebates/<int:claim_id>/submit", methods=["POST"])
@permission_required("finance.rebate_claim")
def rebate_submit(claim_id: int):
    claim = get_or_404(RebateClaim, claim_id, EDIT)
    run(svc.submit_claim, claim, user=current_user, ok=_("Claim submitted for approval."))
    return back("finance.rebate", claim_id=claim.id)


@bp.route("/rebates/<int:claim_id>/decide", methods=["POST"])
@permission_required("finance.rebate_approve")
def rebate_decide(claim_id: int):
    claim = get_or_404(RebateClaim, claim_id)
    note = request.form.get("note", "")
    if request.form.get("decision") == "approve":
        run(svc.approve_claim, claim, user=current_user, note=note,
            ok=_("Approved: the rebate is now owed to the customer."))
    elif request.form.get("decision") == "reject":
        run(svc.reject_claim, claim, user=current_user, note=note, ok=_("Claim rejected."))
    else:
        abort(400)
    return back("finance.rebate", claim_id=claim.id)


@bp.route("/rebates/<int:claim_id>/redeem", methods=["POST"])
@permission_required("finance.rebate_redeem")
def rebate_redeem(claim_id: int):
    claim = get_or_404(RebateClaim, claim_id)
    f = request.form
    run(lambda s: svc.redeem_claim(s, claim, method=f.get("method", ""), user=current_user,
                                   when=parse_day(f.get("date")), reference=f.get("reference", ""),
                                   tax_rate=(f.get("tax_rate") or "").strip() or None),
        ok=_("Rebate redeemed."))
    return back("finance.rebate", claim_id=claim.id)


@bp.route("/rebates/timeliness")
@permission_required("finance.view")
def rebate_timeliness():
    rows, summary = svc.timeliness(db_session(), scoped_select(RebateClaim))
    return render_template("finance/rebate_timeliness.html", rows=rows, summary=summary)
