"""Figures and charts shared by the overview page and the home-page widgets."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.services import ServiceError

from plugins.customers.api import Customer

from . import charts
from .models import CrossRegionIncident, DealerOrder
from .models.market import INC_OPEN
from .models.orders import DRAFT
from .services import orders as order_svc
from .services import samples as sample_svc
from .services import stock as stock_svc
from .services.common import month_periods, period_of, setting
from .services.network import dealer_ids
from .services.pressing import PEAK, season_of


def _count(session: Session, stmt) -> int:
    return int(session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0)


def counts(session: Session, user, today: date) -> dict[str, int]:
    from core.access import scoped_select

    return {
        "dealers": _count(session, dealer_ids(session, user)),
        "drafts": _count(session, scoped_select(session, DealerOrder, user).where(DealerOrder.state == DRAFT)),
        "unsigned": _count(session, order_svc.overdue_signatures(session, user, today)),
        "no_receipt": _count(session, order_svc.overdue_receipts(session, user, today)),
        "uncounted": _count(session, sample_svc.uncounted_terminals(session, user, period_of(today))),
        "discrepancies": _count(session, sample_svc.discrepancies(session, user)),
        "returns_overdue": sum(1 for r in sample_svc.returned_aging(session, user, today) if r["overdue"]),
        "incidents": _count(session, scoped_select(session, CrossRegionIncident, user)
                            .where(CrossRegionIncident.status == INC_OPEN)),
    }


def sell_chart(session: Session, user, today: date, months: int = 6) -> dict:
    periods = month_periods(today, months)
    series = stock_svc.monthly_series(session, dealer_ids(session, user), periods)
    for s in series:
        s["label"] = s["period"][2:]
    return {"series": series, "svg": charts.grouped_bars(series, ("sell_in", "sell_out"))}


def cover_chart(session: Session, user, today: date, limit: int = 12) -> dict:
    covers = stock_svc.dealer_cover(session, dealer_ids(session, user), today)
    if not covers:
        return {"rows": [], "svg": None}
    names = dict(session.execute(select(Customer.id, Customer.name)
                                 .where(Customer.id.in_(list(covers)))).all())
    ceiling = Decimal(setting(session, "offseason_ceiling_weeks"))
    target = Decimal(setting(session, "peak_target_weeks"))
    # Off-season a dealer above the ceiling is over-stocked; in peak season
    # only one above the target is.
    try:
        peak = season_of(session, today) == PEAK
    except ServiceError:  # a mistyped season calendar must not break the home page
        peak = False
    too_much = target if peak else ceiling
    rows = sorted(({"label": names.get(cid, str(cid))[:12], "value": v,
                    "over": v is None or v > too_much} for cid, v in covers.items()),
                  key=lambda r: (r["value"] is not None, -(r["value"] or 0)))
    rows = rows[:limit]
    return {"rows": rows, "svg": charts.hbars(rows, {"target": target, "ceiling": ceiling})}
