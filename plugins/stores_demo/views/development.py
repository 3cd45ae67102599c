"""Helpers the development pages share: the key accounts a user may work
on, scoped look-ups and the staff choices."""
from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from core.access import EDIT, VIEW
from core.models import User
from core.web.pickers import picked
from core.web.request import db_session, get_or_404, scoped_select
from plugins.customers.api import Customer

from ..declarations import KINDS
from . import bp

#: The record picker's kind for key accounts (declarations.pickers).
ACCOUNT = "stores_demo.account"

PAGE = 50


def account_or_404(customer_id, action: str = EDIT) -> Customer:
    """A key account (customer of one of our kinds) the user may ``action``."""
    try:
        ident = int(customer_id)
    except (TypeError, ValueError):
        abort(404)
    customer = get_or_404(Customer, ident, action)
    if customer.kind not in KINDS:
        abort(404)
    return customer


def posted_account(raw, action: str = EDIT) -> Customer:
    """The key account a form chose with the record picker (code or id),
    one the user may ``action``; else a 404 page saying so."""
    return picked(ACCOUNT, raw, action)


def staff_choices() -> list[tuple[int, str]]:
    """Colleagues of the signed-in user's unit and of the unit above it
    (where the senior leaders sit)."""
    from core.models import OrgUnit

    s = db_session()
    stmt = select(User).where(User.active.is_(True)).order_by(User.username)
    unit = s.get(OrgUnit, current_user.org_unit_id) if current_user.org_unit_id else None
    if unit is not None:
        stmt = stmt.where(User.org_unit_id.in_([unit.id, unit.parent_id or unit.id]))
    return [(u.id, u.display_name or u.username) for u in s.execute(stmt.limit(300)).scalars()]


def user_names(ids) -> dict[int, str]:
    ids = [i for i in set(ids) if i]
    if not ids:
        return {}
    rows = db_session().execute(select(User.id, User.full_name, User.username).where(User.id.in_(ids)))
    return {i: (d or u) for i, d, u in rows}


def listing(model, order_by, status: str | None = None, states: tuple = ()):
    stmt = scoped_select(model, VIEW)
    if status and status in states:
        stmt = stmt.where(model.status == status)
    return stmt.order_by(*order_by)


@bp.app_template_global("sd_label")
def _sd_label(code) -> str:
    from ..development_labels import state_label

    return str(state_label(code))


@bp.app_template_global("sd_pdf_locale")
def _pdf_locale() -> str:
    # Babel spells Chinese "zh_Hans_CN", which has no catalogue: say "zh_CN".
    from flask_babel import get_locale

    return "en" if str(get_locale() or "").startswith("en") else "zh_CN"
