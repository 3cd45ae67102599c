"""Home-page widgets: today's route, overdue visits, open follow-ups."""
from __future__ import annotations

from datetime import date

from core.access import has_permission
from core.i18n import _l
from core.registry import Widget

from . import visits


def for_user(session, user) -> list[Widget]:
    if not has_permission(session, user, "customers.view"):
        return []
    today = date.today()
    route = [{"id": v.id, "name": v.customer.name,
              "area": " ".join(x for x in (v.customer.county, v.customer.town) if x)}
             for v in visits.day_route(session, user, today)]
    overdue = [{"id": r.customer.id, "name": r.customer.name, "grade": r.grade, "days": r.days}
               for r in visits.overdue(session, user, today, limit=8)]
    tasks = [{"customer_id": t.customer_id, "customer": t.customer.name, "title": t.title,
              "due": t.due_on.isoformat()} for t in visits.open_followups(session, user, limit=8)]
    return [
        Widget(_l("Today's route"), "customers/widget_route.html", {"visits": route}, 10),
        Widget(_l("Overdue visits"), "customers/widget_overdue.html", {"rows": overdue}, 20),
        Widget(_l("Open follow-ups"), "customers/widget_followups.html", {"tasks": tasks}, 30),
    ]
