"""Small helpers shared by the finance services."""
from __future__ import annotations

from sqlalchemy.orm import Session

from core import access
from core.i18n import _l
from core.services import ServiceError
from plugins.customers import api as customers


def _customer(session: Session, customer_id: int):
    c = customers.get_customer(session, customer_id)
    if c is None:
        raise ServiceError(_l("Unknown customer."))
    return c


def _user_id(user) -> int | None:
    return getattr(user, "id", None) if user is not None else None


def _require(session: Session, user, code: str) -> None:
    if user is not None and not access.has_permission(session, user, code):
        raise ServiceError(_l("You do not have permission to do this."))


def _dims(customer) -> dict:
    return {"unit_id": customer.org_unit_id, "salesperson_id": customer.owner_id}
