"""What the development services share: reading amounts, dates and text
typed into a form (refused with a message in the user's language), and
moving a record from one state to the next with an atomic conditional
UPDATE, so of two people acting on one record at once exactly one wins."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import update
from sqlalchemy.orm import Session

from core import access
from core.dates import parse_day
from core.i18n import _l
from core.services import ServiceError

#: no single claim, plan figure or budget above this (a typo guard, not a policy)
MAX_AMOUNT = Decimal("10000000.00")
CENT = Decimal("0.01")


def amount(value, label, *, allow_zero: bool = False, maximum: Decimal = MAX_AMOUNT) -> Decimal:
    """A money figure typed into a form: positive (or zero), at most ``maximum``."""
    text = str(value if value is not None else "").replace(",", "").strip()
    if not text and allow_zero:
        return Decimal("0.00")
    try:
        d = Decimal(text)
    except InvalidOperation:
        d = None
    if d is None or not d.is_finite():
        raise ServiceError(_l("%(field)s: %(value)s is not an amount.", field=label, value=text or "—"))
    d = d.quantize(CENT)
    if d < 0 or (d == 0 and not allow_zero):
        raise ServiceError(_l("%(field)s must be more than zero.", field=label))
    if d > maximum:
        raise ServiceError(_l("%(field)s is too large (at most %(max)s).", field=label, max=maximum))
    return d


def day(value, label, *, required: bool = True) -> date | None:
    if isinstance(value, date):
        return value
    if not (value or "").strip():
        if required:
            raise ServiceError(_l("%(field)s is required.", field=label))
        return None
    return parse_day(value)


def text(value, label, *, required: bool = True, limit: int = 4000) -> str | None:
    t = (value or "").strip()
    if not t:
        if required:
            raise ServiceError(_l("%(field)s is required.", field=label))
        return None
    if len(t) > limit:
        raise ServiceError(_l("%(field)s is too long (at most %(n)s characters).", field=label, n=limit))
    return t


def check_permission(session: Session, user, code: str) -> None:
    if not access.has_permission(session, user, code):
        raise ServiceError(_l("You may not do this."))


def move(session: Session, obj, old_states: tuple[str, ...], new_state: str, **values) -> None:
    """``obj`` from one of ``old_states`` to ``new_state``, or refused.

    The conditional UPDATE is the gate: a second concurrent caller finds the
    status already changed (PostgreSQL re-checks the WHERE once the first
    commits; SQLite runs writers one after the other) and is refused.  The
    ORM copy still holds the old status, so assigning the new values after
    the gate records the change in the audit trail with its field names."""
    model = type(obj)
    done = session.execute(update(model).where(model.id == obj.id, model.status.in_(old_states))
                           .values(status=new_state).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise ServiceError(_l("Someone else has changed this record in the meantime; "
                              "reload the page and try again."))
    obj.status = new_state
    for key, value in values.items():
        setattr(obj, key, value)
    session.flush()
