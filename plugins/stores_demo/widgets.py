"""Home-page widgets of the key-account department."""
from __future__ import annotations


def widgets(session, user) -> list:
    out: list = []
    out += development_widgets(session, user)
    return out


def development_widgets(session, user) -> list:
    """Follow-ups due and overdue; plans, visits, receptions and claims
    waiting for the approver."""
    from datetime import date

    from core.access import has_permission
    from core.i18n import _l
    from core.registry import Widget

    from .declarations import APPROVE, VIEW
    from .services.devreport import todo_counts

    if not has_permission(session, user, VIEW):
        return []
    approver = has_permission(session, user, APPROVE)
    counts = todo_counts(session, user, date.today(), approver=approver)
    return [Widget(_l("Key-account follow-ups and approvals"), "stores_demo/widget_development.html",
                   {"counts": counts, "approver": approver}, sequence=35)]
