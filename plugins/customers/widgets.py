"""Home-page widgets: today's route, overdue visits, open follow-ups.

A fixed number of queries whatever the data: the visit-frequency settings in
one, one per list (each at most a day's route or 8 rows), and the customers
the route and follow-ups name in one more (instead of one per row)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core import settings
from core.access import has_permission
from core.i18n import _l
from core.registry import Widget

from .services import visits
from .models import Customer
from core import clock

FREQUENCY_SETTINGS = ("customers.visits_a_per_week", "customers.visits_b_per_week",
                      "customers.visits_c_per_month")


def _load_customers(session, ids) -> None:
    """Put the customers in the session's identity map in one query, so
    ``visit.customer`` needs none."""
    missing = [i for i in set(ids)
               if session.identity_map.get(session.identity_key(Customer, i)) is None]
    if missing:
        session.scalars(select(Customer).where(Customer.id.in_(missing))).all()


def for_user(session, user) -> list[Widget]:
    if not has_permission(session, user, "customers.view"):
        return []
    today = clock.today()
    settings.prefetch(session, FREQUENCY_SETTINGS)
    late = visits.overdue(session, user, today, limit=8)
    planned = visits.day_route(session, user, today)
    open_tasks = visits.open_followups(session, user, limit=8)
    _load_customers(session, [v.customer_id for v in planned] + [t.customer_id for t in open_tasks])
    route = [{"id": v.id, "name": v.customer.name,
              "area": " ".join(x for x in (v.customer.county, v.customer.town) if x)}
             for v in planned]
    overdue = [{"id": r.customer.id, "name": r.customer.name, "grade": r.grade, "days": r.days}
               for r in late]
    tasks = [{"customer_id": t.customer_id, "customer": t.customer.name, "title": t.title,
              "due": t.due_on.isoformat()} for t in open_tasks]
    return [
        Widget(_l("Today's route"), "customers/widget_route.html", {"visits": route}, 10),
        Widget(_l("Overdue visits"), "customers/widget_overdue.html", {"rows": overdue}, 20),
        Widget(_l("Open follow-ups"), "customers/widget_followups.html", {"tasks": tasks}, 30),
    ]
