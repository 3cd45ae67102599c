"""Helpers shared by the page modules: scoped look-ups, the run-a-service
pattern (commit, or roll back and show the message), form parsing."""
from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from core.access import EDIT, VIEW
from core.attachments import save as save_attachment
from core.inputs import bounded_int
from core.web.pickers import picked
from core.web.request import db_session, get_or_404
from plugins.customers.api import Customer

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


#: The record picker's kinds (declarations.pickers).
DEALER, PRODUCT, ANY_PRODUCT = "dealers.dealer", "dealers.product", "dealers.any_product"


def posted_dealer(raw, action: str = VIEW, *, required: bool = True) -> Customer | None:
    """The dealer a form (or a filter) chose with the record picker: its
    code or id, one the user may ``action``; else a 404 page saying so."""
    return picked(DEALER, raw, action, required=required)


def posted_product(raw, *, any_state: bool = False) -> DealerProduct:
    """The product model chosen with the picker (its model code or id)."""
    return picked(ANY_PRODUCT if any_state else PRODUCT, raw)


__all__ = ["dealer_or_404", "upload", "product_or_404", "terminal_or_404", "posted_dealer", "posted_product", "EDIT", "VIEW", "PAGE"]
