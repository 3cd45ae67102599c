"""The home-page widget of the key-account department: the pipeline and
the contacts due, for whoever may see key accounts."""
from __future__ import annotations

from core.access import has_permission
from core.i18n import _l
from core.registry import Widget

from .declarations import VIEW


def account_widgets(session, user) -> list[Widget]:
    if not has_permission(session, user, VIEW):
        return []
    from .services import overview

    return [Widget(_l("Key accounts"), "stores_demo/widget_accounts.html",
                   {"summary": overview.summary(session, user, mine=5)}, sequence=30)]
