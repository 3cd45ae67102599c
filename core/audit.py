"""Field-level audit trail for every model with ``__audited__ = True``.

Rows are written by a flush listener in the same transaction as the change,
so a rolled-back change leaves no audit row and a committed one always has
one.  Who and why come from ``session.info`` (set by the web layer, the CLI
or a service via :func:`set_reason`).
"""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from .db import utcnow
from .models import AuditLog


def set_actor(session: Session, user_id: int | None) -> None:
    session.info["audit_user_id"] = user_id


def set_reason(session: Session, reason: str | None) -> None:
    """Attach a reason to every audit row written until the next commit."""
    session.info["audit_reason"] = reason


def _plain(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    try:
        json.dumps(value)
        return value
    except TypeError:
        return str(value)


def _pk(obj) -> str:
    ident = inspect(obj).mapper.primary_key_from_instance(obj)
    return ":".join(str(i) for i in ident)


def _columns(obj):
    mapper = inspect(obj).mapper
    skip = set(getattr(obj, "__audit_exclude__", ())) | {"created_at", "updated_at"}
    for attr in mapper.column_attrs:
        if attr.key not in skip:
            yield attr.key


def _collect(session: Session) -> list[tuple[str, object, dict]]:
    rows = []
    for obj in session.new:
        if getattr(obj, "__audited__", False):
            changes = {k: [None, _plain(getattr(obj, k))] for k in _columns(obj)}
            rows.append(("create", obj, changes))
    for obj in session.dirty:
        if not getattr(obj, "__audited__", False) or not session.is_modified(obj):
            continue
        state = inspect(obj)
        changes = {}
        for key in _columns(obj):
            hist = state.attrs[key].history
            if hist.has_changes():
                old = hist.deleted[0] if hist.deleted else None
                new = hist.added[0] if hist.added else None
                if _plain(old) != _plain(new):
                    changes[key] = [_plain(old), _plain(new)]
        if changes:
            rows.append(("update", obj, changes))
    for obj in session.deleted:
        if getattr(obj, "__audited__", False):
            changes = {k: [_plain(getattr(obj, k)), None] for k in _columns(obj)}
            rows.append(("delete", obj, changes))
    return rows


def _write(session: Session, _ctx) -> None:
    # In after_flush the new/dirty/deleted sets and attribute history still
    # hold the pre-flush state, while new rows already have their keys.
    rows = _collect(session)
    if not rows:
        return
    now = utcnow()
    user_id = session.info.get("audit_user_id")
    reason = session.info.get("audit_reason")
    session.connection().execute(
        insert(AuditLog.__table__),
        [
            {
                "at": now,
                "user_id": user_id,
                "table_name": obj.__tablename__,
                "record_id": _pk(obj),
                "action": action,
                "changes": changes,
                "reason": reason,
            }
            for action, obj, changes in rows
        ],
    )


def _clear_reason(session: Session) -> None:
    session.info.pop("audit_reason", None)


def install(session_factory) -> None:
    """Attach the audit listeners to a sessionmaker."""
    event.listen(session_factory, "after_flush", _write)
    event.listen(session_factory, "after_commit", _clear_reason)
    event.listen(session_factory, "after_rollback", _clear_reason)
