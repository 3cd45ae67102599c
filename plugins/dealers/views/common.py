"""Helpers shared by the page modules: scoped look-ups, the run-a-service
pattern (commit, or roll back and show the message), form parsing."""
from __future__ import annotations

from flask import abort, request
from flask_login import current_user
from sqlalchemy import select

from core.access import EDIT, VIEW
from core.attachments import save as save_attachment
from core.inputs import bounded_int
from core.web.request import db_session, get_or_404
from plugins.customers.api import Customer, customer_label

from ..models import DealerProduct, DealerTerminal
from ..services.network import is_dealer

PAGE = 50


def dealer_or_404(customer_id: int, action: str = VIEW) -> Customer:
    customer = get_or_404(Customer, customer_id, action)
    if not is_dealer(customer):
        abort(404)
    return customer





def upload(field: str, *, res_table: str, res_id: int, purpose: str, org_unit_id: int | None):
    """Store the uploaded file of ``field`` (PDF/JPEG/PNG, checked by content);
    None when nothing was uploaded."""
    f = request.files.get(field)
    if f is None or not f.filename:
        return None
    return save_attachment(db_session(), f.stream, f.filename, res_table=res_table,
                           res_id=res_id, purpose=purpose, org_unit_id=org_unit_id,
                           user_id=current_user.id)


def product_or_404(product_id) -> DealerProduct:
    try:
        p = db_session().get(DealerProduct, bounded_int(product_id))
    except (TypeError, ValueError):
        abort(404)
    if p is None:
        abort(404)
    return p


def terminal_or_404(terminal_id, action: str = VIEW) -> DealerTerminal:
    return get_or_404(DealerTerminal, terminal_id, action)


def dealer_choices(action: str = VIEW) -> list[tuple[int, str]]:
    from ..services.network import dealer_select

    s = db_session()
    rows = s.execute(dealer_select(s, current_user, action).order_by(Customer.code)).scalars()
    return [(c.id, customer_label(c)) for c in rows]


def product_choices(active_only: bool = True) -> list[tuple[int, str]]:
    stmt = select(DealerProduct).order_by(DealerProduct.category, DealerProduct.model)
    if active_only:
        stmt = stmt.where(DealerProduct.active.is_(True))
    return [(p.id, p.label) for p in db_session().execute(stmt).scalars()]


__all__ = ["dealer_or_404", "upload", "product_or_404", "terminal_or_404", "dealer_choices", "product_choices", "EDIT", "VIEW", "PAGE"]
