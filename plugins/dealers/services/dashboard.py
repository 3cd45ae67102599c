"""Figures and charts shared by the overview page and the home-page widgets."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select, true
from sqlalchemy.orm import Session

from core.services import ServiceError

from ..models import CrossRegionIncident, DealerOrder, ReturnedUnit
from ..models.market import INC_OPEN
from ..models.orders import DRAFT
from ..models.samples import RU_CLOSED
from . import charts
from . import orders as order_svc
from . import samples as sample_svc
from . import stock as stock_svc
from .common import month_periods, period_of, setting
from .network import dealer_ids
from .pressing import PEAK, season_of


#: Settings the home page's figures read, fetched in one query.
COUNT_SETTINGS = ("signed_slip_overdue_days", "receipt_slip_overdue_days", "returned_unit_max_days")


def prefetch_settings(session: Session, keys) -> None:
    """Several dealers settings (keys without the ``dealers.`` prefix) in one
    query at most (``core.settings.prefetch``)."""
    from core import settings

    settings.prefetch(session, ["dealers." + k for k in keys])


def _n(stmt):
    """``count(*)`` of a list page's own SELECT, as a scalar subquery."""
    return select(func.count()).select_from(stmt.order_by(None).subquery()).scalar_subquery()


def _where(stmt):
    """A SELECT's WHERE as one condition (TRUE when it has none: a user who
    sees everything)."""
    return true() if stmt.whereclause is None else stmt.whereclause


def _hits(stmt):
    """1 for the rows a list page's SELECT on the same table keeps, else 0."""
    return func.coalesce(func.sum(case((_where(stmt), 1), else_=0)), 0)


def counts(session: Session, user, today: date) -> dict[str, int]:
    """The to-do figures in one statement: the three order figures as
    conditional sums over the visible orders, every other figure as the
    ``count(*)`` of the SELECT its list page runs — so each figure is, by
    construction, the number of rows that page lists.  Building it takes
    longer than running it (eight scoped selects), so a page keeps it per
    user and day until scopes or settings change (``kept_statement``)."""
    from core.access import kept_statement

    stmt = kept_statement(session, user, ("dealers.todo", today),
                          lambda: counts_statement(session, user, today))
    row = session.execute(stmt).one()
    return {k: int(v or 0) for k, v in row._mapping.items()}


def counts_statement(session: Session, user, today: date):
    """The statement behind :func:`counts`: it depends on ``user``'s scope,
    the day and the settings only."""
    from core.access import scoped_select

    prefetch_settings(session, COUNT_SETTINGS)
    visible = scoped_select(session, DealerOrder, user)
    orders = (select(_hits(visible.where(DealerOrder.state == DRAFT)).label("drafts"),
                     _hits(order_svc.overdue_signatures(session, user, today)).label("unsigned"),
                     _hits(order_svc.overdue_receipts(session, user, today)).label("no_receipt"))
              .select_from(DealerOrder).where(_where(visible)).subquery())
    overdue_returns = (scoped_select(session, ReturnedUnit, user)
                       .where(ReturnedUnit.state.not_in(RU_CLOSED),
                              ReturnedUnit.received_on < sample_svc.aging_cutoff(session, today)))
    incidents = (scoped_select(session, CrossRegionIncident, user)
                 .where(CrossRegionIncident.status == INC_OPEN))
    stmt = select(
        _n(dealer_ids(session, user)).label("dealers"),
        orders.c.drafts, orders.c.unsigned, orders.c.no_receipt,
        _n(sample_svc.uncounted_terminals(session, user, period_of(today))).label("uncounted"),
        _n(sample_svc.discrepancies(session, user)).label("discrepancies"),
        _n(overdue_returns).label("returns_overdue"),
        _n(incidents).label("incidents"),
    ).select_from(orders)
    return stmt


def sell_chart(session: Session, user, today: date, months: int = 6) -> dict:
    periods = month_periods(today, months)
    series = stock_svc.monthly_series(session, dealer_ids(session, user), periods)
    for s in series:
        s["label"] = s["period"][2:]
    return {"series": series, "svg": charts.grouped_bars(series, ("sell_in", "sell_out"))}


#: Settings the cover chart reads, fetched in one query.
COVER_SETTINGS = ("sellout_window_weeks", "offseason_ceiling_weeks", "peak_target_weeks", "peak_months")


def cover_chart(session: Session, user, today: date, limit: int = 12) -> dict:
    prefetch_settings(session, COVER_SETTINGS)
    covers = stock_svc.dealer_cover_rows(session, dealer_ids(session, user), today)
    if not covers:
        return {"rows": [], "svg": None}
    ceiling = Decimal(setting(session, "offseason_ceiling_weeks"))
    target = Decimal(setting(session, "peak_target_weeks"))
    # Off-season a dealer above the ceiling is over-stocked; in peak season
    # only one above the target is.
    try:
        peak = season_of(session, today) == PEAK
    except ServiceError:  # a mistyped season calendar must not break the home page
        peak = False
    too_much = target if peak else ceiling
    rows = sorted(({"label": (name or str(cid))[:12], "value": v, "over": v is None or v > too_much}
                   for cid, name, v in covers),
                  key=lambda r: (r["value"] is not None, -(r["value"] or 0), r["label"]))
    rows = rows[:limit]
    return {"rows": rows, "svg": charts.hbars(rows, {"target": target, "ceiling": ceiling})}
