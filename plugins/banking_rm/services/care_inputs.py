"""Reading what a user typed for the care pages: every refusal is a
ServiceError in the reader's language, and nothing has been written yet."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from core import datewindow, fields, settings
from core.i18n import _l
from core.services import ServiceError


def setting(session: Session, name: str) -> Any:
    return settings.get(session, "banking_rm." + name)


def to_date(session: Session, raw: Any, label: Any, *, allow_blank: bool = False,
            window: bool = True) -> date | None:
    """A date typed as YYYY-MM-DD (``core.fields.to_date``) inside the business
    window (``core.datewindow``); ``window=False`` for a life event (a
    wedding), refused only before 1900."""
    day = fields.to_date(raw, label, allow_blank=allow_blank)
    if day is None:
        return None
    if not window:
        if day.year < 1900:
            raise ServiceError(_l("%(field)s must be a date (YYYY-MM-DD).", field=label))
        return day
    return datewindow.check(session, day)


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
