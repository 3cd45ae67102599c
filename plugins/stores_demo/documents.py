"""PDF documents of the stores_demo plugin.  Contexts are plain data; only
core renders."""
from __future__ import annotations

from sqlalchemy.orm import Session

from core import access
from core.i18n import _l
from core.models import User
from core.services import ServiceError
from plugins.customers.api import customer_ids_for

from .declarations import APPROVE
from .services.devreport import developer_report, month_bounds


def report_target(session: Session, user_id, reader) -> User | None:
    """The developer whose report ``reader`` may read: their own, or anyone's
    for a manager (who still sees only the accounts in their scope)."""
    try:
        target = session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    if target is None:
        return None
    if target.id != reader.id and not access.has_permission(session, reader, APPROVE):
        return None
    return target


def development_report(session: Session, record_id: str, user) -> dict | None:
    """``record_id`` is "<developer's user id>:<YYYY-MM>"."""
    uid, _sep, period = str(record_id).partition(":")
    target = report_target(session, uid, user)
    if target is None:
        return None
    try:
        start, end = month_bounds(period)
    except ServiceError:
        return None
    rep = developer_report(session, customer_ids_for(user), target.id, target.display_name, start, end)
    from .development_labels import state_label

    return {
        "title": _l("Development report"),
        "developer": rep.name, "start": rep.start, "end": rep.last_day,
        "plans": [{"customer": p.customer.name, "title": p.title, "status": str(state_label(p.status)),
                   "forecast_sales": p.forecast_sales, "expected_value": p.expected_value}
                  for p in rep.plans],
        "visits": [{"customer": v.customer.name, "date": v.planned_on, "status": str(state_label(v.status)),
                    "purpose": v.purpose, "key_points": v.key_points or "",
                    "views": v.customer_views or "", "next": v.next_visit_on}
                   for v in rep.visits],
        "receptions": [{"customer": r.customer.name, "date": r.visit_on,
                        "status": str(state_label(r.status)), "experience": r.buying_experience or "",
                        "outcome": r.outcome or ""} for r in rep.receptions],
        "accounts": [{"customer": a.name, "revenue": a.revenue, "expense": a.expense}
                     for a in rep.accounts],
        "revenue": rep.revenue, "expense": rep.expense,
    }
