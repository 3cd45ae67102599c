"""Credit control pages: every visible customer's line and exposure, and
the log of manager overrides."""
from __future__ import annotations

from flask import render_template, request

from core.web.decorators import permission_required
from core.web.request import db_session, scoped_select
from core.web.actions import page_arg
from plugins.customers.api import Customer

from ..models import CreditOverride, CreditProfile
from ..services import credit as credit_svc
from . import bp
from .common import paged


@bp.route("/credit")
@permission_required("finance.view")
def credit_list():
    s = db_session()
    terms = request.args.get("terms") or ""
    stmt = scoped_select(CreditProfile).join(Customer, Customer.id == CreditProfile.customer_id)
    if terms in ("prepayment", "net"):
        stmt = stmt.where(CreditProfile.terms == terms)
    page = page_arg()
    profiles, has_next = paged(stmt.order_by(Customer.code), page)
    rows = [(p, credit_svc.status(s, p.customer_id, profile=p)) for p in profiles]
    return render_template("finance/credit.html", rows=rows, page=page, has_next=has_next,
                           terms=terms)


@bp.route("/credit/overrides")
@permission_required("finance.view")
def credit_overrides():
    page = page_arg()
    rows, has_next = paged(scoped_select(CreditOverride).order_by(CreditOverride.id.desc()), page)
    return render_template("finance/credit_overrides.html", rows=rows, page=page,
                           has_next=has_next)
