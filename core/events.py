"""Domain events: a service calls ``emit(session, "x.done", id=…)``; after the
transaction commits, every enabled plugin's ``handle_event`` receives it.

A rolled-back transaction drops its events.  Handlers run after the commit
in their own sessions (``event.ext.db.session()``), so a failing handler
cannot undo the change that raised the event; it is logged, and the other
handlers still run.  Handlers must be safe to run twice.
"""
from __future__ import annotations

import logging

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from .registry import Event

log = logging.getLogger(__name__)


def emit(session: Session, name: str, **payload) -> Event:
    ev = Event(name=name, payload=payload)
    session.connection()  # belong to a real transaction, so a rollback drops it
    session.info.setdefault("_events", []).append(ev)
    return ev


def _dispatch(session: Session) -> None:
    events = session.info.pop("_events", None)
    if not events:
        return
    from .access import hooks_for

    ext = session.ext
    hooks = hooks_for(session)
    for ev in events:
        ev.ext = ext
        for plugin, exc in hooks.each("handle_event", event=ev):
            log.error("plugin %s failed to handle event %s: %r", plugin, ev.name, exc)


def _prepare(session: Session) -> None:
    # After the commit no SQL may run on this session: learn the enabled
    # set (including this transaction's own switches) while we still can.
    if session.info.get("_events"):
        from .access import hooks_for

        session.info.pop("enabled", None)
        hooks_for(session)


def _drop(session: Session) -> None:
    session.info.pop("_events", None)


def install(session_factory) -> None:
    sa_event.listen(session_factory, "before_commit", _prepare)
    sa_event.listen(session_factory, "after_commit", _dispatch)
    sa_event.listen(session_factory, "after_soft_rollback", lambda s, _t: _drop(s))
