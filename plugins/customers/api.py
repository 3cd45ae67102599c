"""The public façade of the `customers` plugin.

Other plugins import only this module (and ``hookspecs``): the Customer
model for foreign keys and joins, scoped look-ups, labels, the published
hook types and the few services they need (demo data, kinds).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Iterable

from sqlalchemy import Select
from sqlalchemy.orm import Session

from core import access

from .models import (
    ACTIVE,
    APPLYING,
    ELIMINATED,
    GRADES,
    PROSPECT,
    STATUSES,
    SUSPENDED,
    Contact,
    Customer,
)
from .types import CustomerPanel

__all__ = [
    "Customer", "Contact", "CustomerPanel", "STATUSES", "GRADES",
    "PROSPECT", "APPLYING", "ACTIVE", "SUSPENDED", "ELIMINATED",
    "get_customer", "customer_ids_for", "scoped_customers", "customer_label",
    "kinds", "kind_label", "purchase_amounts", "create_customer", "validate_uscc",
    "recompute_grades",
    "DETAIL_ENDPOINT",
]

#: ``url_for(DETAIL_ENDPOINT, customer_id=...)`` is the customer page.
DETAIL_ENDPOINT = "customers.detail"


def get_customer(session: Session, customer_id: Any, user=None, action: str = access.VIEW):
    """The customer, or None.  With ``user`` the row is scoped (every enabled
    plugin's rule, ANDed): None means "answer 404"."""
    try:
        ident = int(customer_id)
    except (TypeError, ValueError):
        return None
    if user is None:
        return session.get(Customer, ident)
    return access.scoped_get(session, Customer, ident, user, action)


def customer_ids_for(user, action: str = access.VIEW) -> Select:
    """SELECT of the ids of the customers ``user`` may ``action``: scope child
    rows with ``Child.customer_id.in_(customer_ids_for(user, action))``."""
    return access.parent_ids(Customer, user, action)


def scoped_customers(session: Session, user, action: str = access.VIEW) -> Select:
    """``select(Customer)`` limited to what ``user`` may ``action``."""
    return access.scoped_select(session, Customer, user, action)


def customer_label(customer: Customer | None) -> str:
    """"C2026-00042 杭州华联电器" — the way a customer is named everywhere."""
    if customer is None:
        return ""
    return f"{customer.code} {customer.name}"


def kinds(session: Session) -> list[tuple[str, Any]]:
    """Customer kinds of every enabled plugin, ``[(code, label)]``."""
    from .services.master import kinds as _kinds

    return _kinds(session)


def kind_label(session: Session, code: str) -> str:
    return str(dict(kinds(session)).get(code, code))


def purchase_amounts(session: Session, customer_ids: Select | Iterable[int],
                     start: date, end: date) -> dict[int, Decimal]:
    """Purchases per customer in ``[start, end)``, summed over every plugin's
    ``customer_purchase_amounts`` hook."""
    from .services.grading import purchase_amounts as _pa

    return _pa(session, customer_ids, start, end)


def create_customer(session: Session, *, name: str, kind: str, org_unit_id: int,
                    owner_id: int | None = None, **fields) -> Customer:
    """Create a customer with a sequence code after the same checks as the web
    form (kind known, licence code valid, no duplicate legal entity).  Raises
    ``core.services.ServiceError``.  The caller commits."""
    from .services.master import create_customer as _create

    return _create(session, name=name, kind=kind, org_unit_id=org_unit_id,
                   owner_id=owner_id, **fields)


def validate_uscc(code: str) -> bool:
    """True for a well-formed unified social credit code (GB 32100-2015)."""
    from .services.uscc import is_valid

    return is_valid(code)


def recompute_grades(session: Session, org_unit_ids: Iterable[int] | None = None) -> dict[str, int]:
    """Re-run the ABC grading from every plugin's purchase amounts (e.g. at the
    end of a plugin's demo data, once its orders exist).  Returns counts per grade."""
    from .services.grading import recompute

    return recompute(session, org_unit_ids)


#: Matches from which the picker's search walks the code index (customer_picker).
PICKER_MANY = 300


def customer_picker(kind: str, noun, *, kinds: Iterable[str] | None = None,
                    permission: str | None = None):
    """A ``core.registry.PickerSpec`` choosing customers (``kinds`` only, when
    given) in the user's scope: searched like the customer list (code, name,
    phone … through the search index), typed by code without JavaScript.
    Other plugins declare their own kinds with it (dealers, store accounts)."""
    from core.registry import PickerSpec

    from .services.search import cached, conditions, count_capped, plan, scope_key

    only = tuple(kinds) if kinds is not None else None

    def select_(session, user, action):
        stmt = scoped_customers(session, user, action)
        return stmt.where(Customer.kind.in_(only)) if only is not None else stmt

    def search(session, stmt, q, dialect):
        # As the customer list does: a search matching many customers walks
        # the code index and stops at the 20th match; one matching few reads
        # the matches from the search index and sorts them (bench case 12).
        f = {"q": q}
        many = count_capped(session, stmt, f, dialect, PICKER_MANY) >= PICKER_MANY
        shape, params = plan(f, dialect, many=many)
        # The statement is kept per scope and shape, as the list's are.
        skey = scope_key(stmt.whereclause)
        key = None if skey is None else ("picker", kind, only, skey, shape)
        found = cached(key, lambda: stmt.where(*conditions(shape)))
        return found.params(params) if params else found

    return PickerSpec(kind=kind, model=Customer, select=select_, key=Customer.code,
                      label=customer_label, noun=noun, search=search,
                      order_by=(Customer.code,), permission=permission,
                      load=(Customer.code, Customer.name))
