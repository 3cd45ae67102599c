"""Home-page widgets of the branch."""
from __future__ import annotations


def widgets(session, user) -> list:
    return [] + care_widgets(session, user)


def care_widgets(session, user) -> list:
    """Maturities and care due (after-sale care)."""
    from datetime import date

    from core.access import has_permission
    from core.i18n import _l
    from core.registry import Widget

    from .declarations import VIEW
    from .services.care_widget import counts

    if not has_permission(session, user, VIEW):
        return []
    return [Widget(_l("Maturities and care due"), "banking_rm/care_widget.html",
                   {"counts": counts(session, user, date.today())}, sequence=36)]
