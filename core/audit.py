"""Field-level audit trail for every model with ``__audited__ = True``.

Rows are written by a flush listener in the same transaction as the change,
so a rolled-back change leaves no audit row and a committed one always has
one.  A record created and then changed again before the commit (a service
that needs the new id, say, flushing twice) has one "create" row holding the
values it was committed with.  Who and why come from ``session.info`` (set
by the web layer, the CLI or a service via :func:`set_reason`).
"""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy import event, insert, inspect, select, update
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
    skip = set(getattr(obj, "__audit_exclude__", ())) | {"created_at", "updated_at", "version"}
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


def _into_create_row(conn, table: str, record_id: str, changes: dict) -> bool:
    """Fold an update into the record's "create" row of this transaction;
    False when that row is gone (rolled back to a savepoint)."""
    t = AuditLog.__table__
    row = conn.execute(select(t.c.id, t.c.changes).where(
        t.c.table_name == table, t.c.record_id == record_id, t.c.action == "create")
        .order_by(t.c.id.desc()).limit(1)).first()
    if row is None:
        return False
    merged = dict(row.changes)
    merged.update({k: [None, new] for k, (_old, new) in changes.items()})
    conn.execute(update(t).where(t.c.id == row.id).values(changes=merged))
    return True


def _write(session: Session, _ctx) -> None:
    # In after_flush the new/dirty/deleted sets and attribute history still
    # hold the pre-flush state, while new rows already have their keys.
    rows = _collect(session)
    if not rows:
        return
    now = utcnow()
    user_id = session.info.get("audit_user_id")
    reason = session.info.get("audit_reason")
    conn = session.connection()
    # Records created in this transaction, with who and why: a later change
    # by the same person for the same reason belongs to their creation.
    created = session.info.setdefault("audit_created", {})
    fresh = []
    for action, obj, changes in rows:
        key = (obj.__tablename__, _pk(obj))
        if action == "create":
            created[key] = (user_id, reason)
        elif action == "delete":
            created.pop(key, None)
        elif created.get(key) == (user_id, reason) and _into_create_row(conn, *key, changes):
            continue
        fresh.append({"at": now, "user_id": user_id, "table_name": key[0], "record_id": key[1],
                      "action": action, "changes": changes, "reason": reason})
    if fresh:
        conn.execute(insert(AuditLog.__table__), fresh)


def _transaction_ended(session: Session) -> None:
    session.info.pop("audit_reason", None)
    session.info.pop("audit_created", None)


def install(session_factory) -> None:
    """Attach the audit listeners to a sessionmaker."""
    event.listen(session_factory, "after_flush", _write)
    event.listen(session_factory, "after_commit", _transaction_ended)
    event.listen(session_factory, "after_rollback", _transaction_ended)
