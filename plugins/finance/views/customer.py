"""A customer's account with us: balance, credit line, open items,
movements, statements and rebates — and the credit line form."""
from __future__ import annotations

from datetime import date, timedelta

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core import versions
from core.web.decorators import permission_required
from core.web.request import can, db_session
from core.web.actions import back

from ..labels import label as fin_label
from ..models import CreditCommitment, CreditOverride, CreditProfile, RebateClaim, Statement
from ..models.credit import OPEN, TERMS
from ..services import aging as aging_svc
from ..services import credit as credit_svc
from ..services import allocations
from ..services import statements as st_svc
from ..services.ledger import customer_balance
from . import bp
from .common import customer_or_404, optional_day
from core import clock


@bp.route("/customers/<int:customer_id>")
@permission_required("finance.view")
def customer(customer_id: int):
    s = db_session()
    c = customer_or_404(customer_id)
    today = clock.today()
    start = (request.args.get("start") or "").strip()
    try:
        start_day = date.fromisoformat(start) if start else today.replace(day=1) - timedelta(days=62)
    except ValueError:
        start_day = today.replace(day=1) - timedelta(days=62)
    start_day = start_day.replace(day=1)
    opening = customer_balance(s, c.id, start_day - timedelta(days=1))
    moves = st_svc.movements(s, c.id, start_day, today, opening)
    status = credit_svc.status(s, c.id)
    commitments = s.execute(select(CreditCommitment).where(
        CreditCommitment.customer_id == c.id, CreditCommitment.state == OPEN)
        .order_by(CreditCommitment.id)).scalars().all()
    overrides = s.execute(select(CreditOverride).where(CreditOverride.customer_id == c.id)
                          .order_by(CreditOverride.id.desc()).limit(10)).scalars().all()
    statements = s.execute(select(Statement).where(Statement.customer_id == c.id)
                           .order_by(Statement.period.desc()).limit(12)).scalars().all()
    claims = s.execute(select(RebateClaim).where(RebateClaim.customer_id == c.id)
                       .order_by(RebateClaim.id.desc()).limit(20)).scalars().all()
    return render_template(
        "finance/customer.html", c=c, status=status, profile=s.get(CreditProfile, c.id),
        open_invoices=aging_svc.customer_invoices(s, c.id, today),
        open_credits=allocations.open_credits(s, c.id), moves=moves, opening=opening, start=start_day,
        commitments=commitments, overrides=overrides, statements=statements, claims=claims,
        terms=TERMS, can_credit=can("finance.manage_credit"), today=today)


@bp.route("/customers/<int:customer_id>/credit", methods=["POST"])
@permission_required("finance.manage_credit")
def customer_credit(customer_id: int):
    c = customer_or_404(customer_id)
    f = request.form

    def save(s):
        return credit_svc.set_profile(
            s, c.id, credit_limit=f.get("credit_limit") or "0", terms=f.get("terms", ""),
            term_days=int(f.get("term_days") or 0) if (f.get("term_days") or "0").isdigit() else -1,
            valid_until=optional_day(f.get("valid_until")), note=f.get("note", ""),
            user=current_user)

    profile = db_session().get(CreditProfile, c.id)
    _res, ok = versions.run_edit(profile, save, ok=_("Credit line saved."),
                                 fields=_credit_fields())
    if ok == versions.CONFLICT:
        return customer(customer_id), 409
    return back("finance.customer", customer_id=c.id)


@versions.form_fields(CreditProfile)
def _credit_fields() -> list:
    return [
        ("terms", _("Terms"), lambda p: p.terms, {t: fin_label(t) for t in TERMS}),
        ("term_days", _("Days"), lambda p: p.term_days),
        ("credit_limit", _("Credit limit"), lambda p: p.credit_limit),
        ("valid_until", _("Valid until"), lambda p: p.valid_until),
        ("note", _("Note (credit check basis: assets, reputation, business)"), lambda p: p.note)]
