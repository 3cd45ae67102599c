"""Reading what a user typed for the care pages: every refusal is a
ServiceError in the reader's language, and nothing has been written yet."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from core import datewindow, settings
from core.i18n import _l
from core.services import ServiceError

#: beyond what a Numeric(18, 2) column holds
MAX_AMOUNT = Decimal(10) ** 15


def setting(session: Session, name: str) -> Any:
    return settings.get(session, "banking_rm." + name)


def to_decimal(raw: Any, label: Any, *, minimum: Decimal | None = Decimal("0"),
               allow_blank: bool = False, positive: bool = False,
               maximum: Decimal | None = None) -> Decimal | None:
    if raw is None or str(raw).strip() == "":
        if allow_blank:
            return None
        raise ServiceError(_l("%(field)s is required.", field=label))
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
        if not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ServiceError(_l("%(field)s must be a number.", field=label)) from None
    if abs(value) >= MAX_AMOUNT:
        raise ServiceError(_l("%(field)s is too large.", field=label))
    if positive and value <= 0:
        raise ServiceError(_l("%(field)s must be more than zero.", field=label))
    if minimum is not None and value < minimum:
        raise ServiceError(_l("%(field)s must be at least %(min)s.", field=label, min=minimum))
    if maximum is not None and value > maximum:
        raise ServiceError(_l("%(field)s must be at most %(max)s.", field=label, max=maximum))
    return value


def to_date(session: Session, raw: Any, label: Any, *, allow_blank: bool = False,
            window: bool = True) -> date | None:
    """A date typed as YYYY-MM-DD inside the business window (``core.datewindow``);
    ``window=False`` for a life event (a wedding), refused only before 1900."""
    if isinstance(raw, date):
        return datewindow.check(session, raw) if window else raw
    if raw is None or str(raw).strip() == "":
        if allow_blank:
            return None
        raise ServiceError(_l("%(field)s is required.", field=label))
    try:
        day = date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ServiceError(_l("%(field)s must be a date (YYYY-MM-DD).", field=label)) from None
    if not window:
        if day.year < 1900:
            raise ServiceError(_l("%(field)s must be a date (YYYY-MM-DD).", field=label))
        return day
    return datewindow.check(session, day)


def required_text(raw: Any, label: Any, max_len: int = 255) -> str:
    text = "" if raw is None else str(raw).strip()
    if not text:
        raise ServiceError(_l("%(field)s is required.", field=label))
    if len(text) > max_len:
        raise ServiceError(_l("%(field)s is too long (at most %(n)s characters).",
                              field=label, n=max_len))
    return text


def optional_text(raw: Any, label: Any, max_len: int = 2000) -> str | None:
    text = "" if raw is None else str(raw).strip()
    if len(text) > max_len:
        raise ServiceError(_l("%(field)s is too long (at most %(n)s characters).",
                              field=label, n=max_len))
    return text or None


def transition(session: Session, model, ident: int, from_states: tuple[str, ...], values: dict,
               refused: Any) -> bool:
    """Move one row out of ``from_states`` with one conditional UPDATE (the
    status it relies on is checked by the database, so of two people acting
    at once exactly one succeeds); the other gets ``refused``.  The change is
    written to the audit trail as an ORM change would be."""
    from sqlalchemy import select, update

    from core import audit as _audit  # noqa: F401  (the audit trail's table)
    from core.db import utcnow
    from core.models import AuditLog

    cols = [getattr(model, k) for k in values]
    before = session.execute(select(model.status, *cols).where(model.id == ident)).first()
    stmt = (update(model).where(model.id == ident, model.status.in_(from_states))
            .values(**values, updated_at=utcnow())
            .execution_options(synchronize_session=False))
    if hasattr(model, "version"):
        stmt = stmt.values(version=model.version + 1)
    if session.execute(stmt).rowcount != 1:
        raise ServiceError(refused)
    old = dict(zip(["status", *values], before)) if before else {}
    changes = {}
    for k, new in values.items():
        o = old.get(k)
        o, n = (_plain(o), _plain(new))
        if o != n:
            changes[k] = [o, n]
    session.add(AuditLog(at=utcnow(), user_id=session.info.get("audit_user_id"),
                         table_name=model.__tablename__, record_id=str(ident), action="update",
                         changes=changes, reason=session.info.get("audit_reason")))
    session.flush()
    return True


def _plain(value):
    from core.audit import _plain as plain

    return plain(value)
