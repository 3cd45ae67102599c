"""Home-page widgets of the branch."""
from __future__ import annotations
from core import clock


def widgets(session, user) -> list:
    return activity_widgets(session, user) + care_widgets(session, user) + clients_widgets(session, user)


def activity_widgets(session, user) -> list:
    """My 5-20-30 today and this week against the targets (one small query each)."""
    from datetime import date

    from core.access import has_permission
    from core.i18n import _l
    from core.registry import Widget

    from .declarations import REFER, SERVE
    from .services import activity as act

    if not (has_permission(session, user, SERVE) or has_permission(session, user, REFER)):
        return []
    today = clock.today()
    start, end = act.period_bounds("week", today)
    tgt = act.targets(session)
    day_counts = act.my_counts(session, user, today)
    week_counts = act.my_counts_between(session, user, start, today)
    days = act.working_days(start, min(end, today))
    rows = [{"label": act.KIND_LABELS[k], "day": day_counts.get(k, 0), "target": tgt[k],
             "week": week_counts.get(k, 0), "week_target": tgt[k] * days}
            for k in act.kinds_for(user)]
    return [Widget(_l("My 5-20-30"), "banking_rm/widget_activity.html", {"rows": rows}, 15)]


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
                   {"counts": counts(session, user, clock.today())}, sequence=36)]


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
                   {"fig": figures(session, scope, clock.today())}, sequence=40)]
