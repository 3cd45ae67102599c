"""Home-page widgets of the branch."""
from __future__ import annotations


def widgets(session, user) -> list:
    out: list = []
    out += clients_widgets(session, user)
    return out


def clients_widgets(session, user) -> list:
    """The branch at a glance: retail customers, AUM, overdue contacts and
    one-product customers (cross-sell targets) of the user's book."""
    from datetime import date

    from core.access import has_permission, scoped_select
    from core.i18n import _l
    from core.registry import Widget
    from plugins.customers.api import Customer

    from .declarations import VIEW
    from .services.overview import figures

    if not has_permission(session, user, VIEW):
        return []
    scope = scoped_select(session, Customer, user).whereclause
    return [Widget(_l("Branch: retail customers"), "banking_rm/widget_clients.html",
                   {"fig": figures(session, scope, date.today())}, sequence=40)]
