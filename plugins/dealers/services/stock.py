"""Dealer stock (进销存): reports from a visit or month end, the four volumes
of seed 001 (毛销量 gross, 净销量 net, 存销量 stock, 滞销量 slow-moving) and
weeks of cover.

Definitions (per dealer and model, all computed with SQL aggregates):
- gross volume of a month = units on orders confirmed in that month (sell-in);
- net volume of a month = units the dealer reported sold to consumers in
  reports dated in that month (sell-out);
- stock on hand at a date = the units counted in the latest report on or
  before it, plus units confirmed to the dealer after that report (a dealer
  never reported holds everything shipped to it);
- stock volume of a month = stock on hand at its last day;
- slow-moving volume at a date = stock on hand that arrived more than N days
  ago (setting, default 60) and is still unsold, first in first out:
  max(0, stock on hand − units shipped in the last N days);
- weeks of cover = stock on hand ÷ average weekly sell-out over the last W
  weeks (setting); no sell-out → no cover figure (infinite).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

from sqlalchemy import Select, and_, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from core.i18n import _l
from core.services import ServiceError
from core.fields import to_date, to_decimal, to_int
from plugins.customers.api import Customer

from ..models import DealerOrder, DealerOrderLine, DealerProduct, DealerStockReport, DealerStockReportLine
from ..models.orders import CONFIRMED
from ..models.stock import SOURCE_MONTHLY, SOURCE_VISIT
from .common import cents, month_as_of, parse_period, period_of, setting
from .network import require_dealer
from core import clock

Key = tuple[int, int]  # (customer_id, product_id)


# -- recording ----------------------------------------------------------------
def record_report(session: Session, customer: Customer, user, *, report_date, source: str,
                  rows: Iterable[dict], note: str | None = None) -> DealerStockReport:
    """The quick grid of a visit: per model the units sold since the last
    report (left blank = derived from the stock count) and units on hand."""
    require_dealer(customer)
    day = to_date(report_date, _l("Report date"))
    if day > clock.today():
        raise ServiceError(_l("A date in the future is not accepted."))
    if source not in (SOURCE_VISIT, SOURCE_MONTHLY):
        raise ServiceError(_l("Unknown report source."))
    clean: list[tuple[DealerProduct, int | None, int, Decimal | None]] = []
    seen: set[int] = set()
    for row in rows:
        stock_raw, sold_raw = row.get("stock"), row.get("sold")
        if (stock_raw is None or str(stock_raw).strip() == "") and (sold_raw is None or str(sold_raw).strip() == ""):
            continue  # model not counted on this visit
        product = row["product"]
        if product.id in seen:
            raise ServiceError(_l("%(model)s appears twice.", model=product.model))
        seen.add(product.id)
        label = product.model
        stock = to_int(stock_raw, _l("%(model)s: stock", model=label))
        sold = to_int(sold_raw, _l("%(model)s: sold", model=label), allow_blank=True, default=None)
        price = to_decimal(row.get("price"), _l("%(model)s: retail price", model=label),
                           allow_blank=True)
        clean.append((product, sold, stock, cents(price) if price is not None else None))
    if not clean:
        raise ServiceError(_l("Enter the stock of at least one model."))
    report = DealerStockReport(customer_id=customer.id, report_date=day, period=period_of(day),
                         source=source, note=note, recorded_by=user.id if user else None)
    session.add(report)
    session.flush()
    for product, sold, stock, price in clean:
        if sold is None:
            sold = derived_sold(session, customer.id, product.id, day, stock, exclude=report.id)
        session.add(DealerStockReportLine(report_id=report.id, product_id=product.id, sold_qty=sold,
                                    stock_qty=stock, sellout_price=price))
    session.flush()
    return report


def derived_sold(session: Session, customer_id: int, product_id: int, day: date, stock_now: int,
                 exclude: int | None = None) -> int:
    """Sold since the previous report = previous stock + shipped since − stock now."""
    prev = session.execute(
        select(DealerStockReportLine.stock_qty, DealerStockReport.report_date)
        .join(DealerStockReport, DealerStockReport.id == DealerStockReportLine.report_id)
        .where(DealerStockReport.customer_id == customer_id, DealerStockReportLine.product_id == product_id,
               DealerStockReport.report_date <= day, DealerStockReport.id != (exclude or 0))
        .order_by(DealerStockReport.report_date.desc(), DealerStockReport.id.desc()).limit(1)).first()
    since = prev[1] if prev else None
    stmt = (select(func.coalesce(func.sum(DealerOrderLine.quantity), 0))
            .join(DealerOrder, DealerOrder.id == DealerOrderLine.order_id)
            .where(DealerOrder.state == CONFIRMED, DealerOrder.customer_id == customer_id,
                   DealerOrderLine.product_id == product_id, DealerOrder.confirmed_on <= day))
    if since is not None:
        stmt = stmt.where(DealerOrder.confirmed_on > since)
    shipped = int(session.scalar(stmt) or 0)
    return max(0, (prev[0] if prev else 0) + shipped - stock_now)


# -- building blocks (SQL aggregates) --------------------------------------------------
def _ids_clause(col, customer_ids):
    return col.in_(customer_ids) if customer_ids is not None else True


def shipped(session: Session, customer_ids, start: date | None, end: date,
            product_ids=None) -> dict[Key, int]:
    """Units on orders confirmed in ``(start, end]`` (start None = since ever)."""
    stmt = (select(DealerOrder.customer_id, DealerOrderLine.product_id, func.sum(DealerOrderLine.quantity))
            .join(DealerOrder, DealerOrder.id == DealerOrderLine.order_id)
            .where(DealerOrder.state == CONFIRMED, DealerOrder.confirmed_on <= end,
                   _ids_clause(DealerOrder.customer_id, customer_ids))
            .group_by(DealerOrder.customer_id, DealerOrderLine.product_id))
    if start is not None:
        stmt = stmt.where(DealerOrder.confirmed_on > start)
    if product_ids is not None:
        stmt = stmt.where(DealerOrderLine.product_id.in_(product_ids))
    return {(c, p): int(q or 0) for c, p, q in session.execute(stmt)}


def sold(session: Session, customer_ids, start: date | None, end: date,
         product_ids=None) -> dict[Key, int]:
    """Units reported sold in reports dated ``(start, end]``."""
    stmt = (select(DealerStockReport.customer_id, DealerStockReportLine.product_id,
                   func.sum(DealerStockReportLine.sold_qty))
            .join(DealerStockReport, DealerStockReport.id == DealerStockReportLine.report_id)
            .where(DealerStockReport.report_date <= end, _ids_clause(DealerStockReport.customer_id, customer_ids))
            .group_by(DealerStockReport.customer_id, DealerStockReportLine.product_id))
    if start is not None:
        stmt = stmt.where(DealerStockReport.report_date > start)
    if product_ids is not None:
        stmt = stmt.where(DealerStockReportLine.product_id.in_(product_ids))
    return {(c, p): int(q or 0) for c, p, q in session.execute(stmt)}


def _latest_counts(session: Session, customer_ids, at: date, product_ids=None):
    rn = func.row_number().over(
        partition_by=(DealerStockReport.customer_id, DealerStockReportLine.product_id),
        order_by=(DealerStockReport.report_date.desc(), DealerStockReport.id.desc())).label("rn")
    stmt = (select(DealerStockReport.customer_id.label("customer_id"),
                   DealerStockReportLine.product_id.label("product_id"),
                   DealerStockReportLine.stock_qty.label("stock_qty"),
                   DealerStockReport.report_date.label("report_date"), rn)
            .join(DealerStockReport, DealerStockReport.id == DealerStockReportLine.report_id)
            .where(DealerStockReport.report_date <= at, _ids_clause(DealerStockReport.customer_id, customer_ids)))
    if product_ids is not None:
        stmt = stmt.where(DealerStockReportLine.product_id.in_(product_ids))
    sub = stmt.subquery()
    return select(sub.c.customer_id, sub.c.product_id, sub.c.stock_qty,
                  sub.c.report_date).where(sub.c.rn == 1).subquery()


def stock_on_hand(session: Session, customer_ids, at: date, product_ids=None) -> dict[Key, int]:
    latest = _latest_counts(session, customer_ids, at, product_ids)
    out: dict[Key, int] = {}
    counted_dates: dict[Key, date] = {}
    for c, p, q, d in session.execute(select(latest)):
        out[(c, p)] = int(q)
        counted_dates[(c, p)] = d
    # Units shipped after the latest count (or ever, when never counted).
    after = (select(DealerOrder.customer_id, DealerOrderLine.product_id, func.sum(DealerOrderLine.quantity))
             .join(DealerOrder, DealerOrder.id == DealerOrderLine.order_id)
             .join(latest, and_(latest.c.customer_id == DealerOrder.customer_id,
                                latest.c.product_id == DealerOrderLine.product_id))
             .where(DealerOrder.state == CONFIRMED, DealerOrder.confirmed_on <= at,
                    DealerOrder.confirmed_on > latest.c.report_date)
             .group_by(DealerOrder.customer_id, DealerOrderLine.product_id))
    for c, p, q in session.execute(after):
        out[(c, p)] = out.get((c, p), 0) + int(q or 0)
    for key, q in shipped(session, customer_ids, None, at, product_ids).items():
        if key not in counted_dates:
            out[key] = q
    return out


# -- the four volumes ----------------------------------------------------------
@dataclass
class VolumeRow:
    customer_id: int
    product_id: int
    gross: int = 0
    net: int = 0
    stock: int = 0
    slow: int = 0
    weekly_sellout: Decimal = Decimal("0")
    weeks_of_cover: Decimal | None = None

    @property
    def sell_through_pct(self) -> Decimal | None:
        """Net as a share of gross: "is the dealer's purchase our real sale?"."""
        if not self.gross:
            return None
        return (Decimal(self.net) * 100 / self.gross).quantize(Decimal("0.1"), ROUND_HALF_UP)


def weekly_sellout(session: Session, customer_ids, at: date, product_ids=None) -> dict[Key, Decimal]:
    weeks = int(setting(session, "sellout_window_weeks"))
    start = at - timedelta(days=7 * weeks)
    return {k: Decimal(q) / weeks for k, q in sold(session, customer_ids, start, at, product_ids).items()}


def cover(stock: int, weekly: Decimal) -> Decimal | None:
    if weekly <= 0:
        return None
    return (Decimal(stock) / weekly).quantize(Decimal("0.1"), ROUND_HALF_UP)


def slow_moving(session: Session, customer_ids, at: date, on_hand: dict[Key, int],
                product_ids=None) -> dict[Key, int]:
    days = int(setting(session, "slow_moving_days"))
    recent = shipped(session, customer_ids, at - timedelta(days=days), at, product_ids)
    return {k: max(0, q - recent.get(k, 0)) for k, q in on_hand.items()}


def volumes(session: Session, customer_ids, period: str, product_ids=None, *,
            today: date | None = None) -> list[VolumeRow]:
    """The four volumes per dealer and model for one month, plus cover, as
    of the month's last day or ``today``, whichever comes first."""
    first, last = month_as_of(today or clock.today(), period)
    before = first - timedelta(days=1)
    gross = shipped(session, customer_ids, before, last, product_ids)
    net = sold(session, customer_ids, before, last, product_ids)
    on_hand = stock_on_hand(session, customer_ids, last, product_ids)
    slow = slow_moving(session, customer_ids, last, on_hand, product_ids)
    weekly = weekly_sellout(session, customer_ids, last, product_ids)
    keys = set(gross) | set(net) | {k for k, v in on_hand.items() if v}
    rows = []
    for c, p in sorted(keys):
        w = weekly.get((c, p), Decimal("0"))
        st = on_hand.get((c, p), 0)
        rows.append(VolumeRow(c, p, gross.get((c, p), 0), net.get((c, p), 0), st,
                              slow.get((c, p), 0), w.quantize(Decimal("0.01"), ROUND_HALF_UP),
                              cover(st, w)))
    return rows


def monthly_series(session: Session, customer_ids, periods: list[str]) -> list[dict]:
    """Sell-in and sell-out per month (all dealers given), for the chart."""
    first, _ = parse_period(periods[0])
    _, last = parse_period(periods[-1])
    sell_in = dict(session.execute(
        select(DealerOrder.confirmed_period, func.sum(DealerOrderLine.quantity))
        .join(DealerOrder, DealerOrder.id == DealerOrderLine.order_id)
        .where(DealerOrder.state == CONFIRMED, DealerOrder.confirmed_on >= first, DealerOrder.confirmed_on <= last,
               _ids_clause(DealerOrder.customer_id, customer_ids))
        .group_by(DealerOrder.confirmed_period)).all())
    sell_out = dict(session.execute(
        select(DealerStockReport.period, func.sum(DealerStockReportLine.sold_qty))
        .join(DealerStockReport, DealerStockReport.id == DealerStockReportLine.report_id)
        .where(DealerStockReport.report_date >= first, DealerStockReport.report_date <= last,
               _ids_clause(DealerStockReport.customer_id, customer_ids))
        .group_by(DealerStockReport.period)).all())
    return [{"period": p, "sell_in": int(sell_in.get(p) or 0), "sell_out": int(sell_out.get(p) or 0)}
            for p in periods]


def dealer_cover_rows(session: Session, customer_ids, at: date) -> list[tuple[int, str, Decimal | None]]:
    """``(customer id, name, weeks of cover)`` per dealer over all models, in
    one statement: stock on hand (latest count plus units confirmed after
    it, or everything confirmed when never counted) and units sold in the
    sell-out window, summed per dealer in SQL.  Same definitions as
    ``stock_on_hand`` and ``weekly_sellout``; a dealer is listed when it has a
    count, a shipment or a report in the window."""
    weeks = int(setting(session, "sellout_window_weeks"))
    start = at - timedelta(days=7 * weeks)
    latest = _latest_counts(session, customer_ids, at)
    counted = select(latest.c.customer_id.label("cid"), latest.c.stock_qty.label("stock"),
                     literal(0).label("sold"))
    shipped_since = (
        select(DealerOrder.customer_id, DealerOrderLine.quantity, literal(0))
        .join(DealerOrder, DealerOrder.id == DealerOrderLine.order_id)
        .outerjoin(latest, and_(latest.c.customer_id == DealerOrder.customer_id,
                                latest.c.product_id == DealerOrderLine.product_id))
        .where(DealerOrder.state == CONFIRMED, DealerOrder.confirmed_on <= at,
               _ids_clause(DealerOrder.customer_id, customer_ids),
               or_(latest.c.report_date.is_(None), DealerOrder.confirmed_on > latest.c.report_date)))
    sold_in_window = (
        select(DealerStockReport.customer_id, literal(0), func.coalesce(DealerStockReportLine.sold_qty, 0))
        .join(DealerStockReport, DealerStockReport.id == DealerStockReportLine.report_id)
        .where(DealerStockReport.report_date > start, DealerStockReport.report_date <= at,
               _ids_clause(DealerStockReport.customer_id, customer_ids)))
    parts = union_all(counted, shipped_since, sold_in_window).subquery()
    stmt = (select(parts.c.cid, Customer.name, func.sum(parts.c.stock), func.sum(parts.c.sold))
            .join(Customer, Customer.id == parts.c.cid)
            .group_by(parts.c.cid, Customer.name))
    return [(cid, name, cover(int(stock or 0), Decimal(int(sold or 0)) / weeks))
            for cid, name, stock, sold in session.execute(stmt)]


def dealer_cover(session: Session, customer_ids, at: date) -> dict[int, Decimal | None]:
    """Weeks of cover per dealer over all models (total stock ÷ total weekly sell-out)."""
    return {cid: value for cid, _name, value in dealer_cover_rows(session, customer_ids, at)}


def grid_products(session: Session, customer: Customer) -> list[DealerProduct]:
    """Models for the quick grid: everything shipped to or counted at the
    dealer, plus active new and main-push models."""
    shipped_ids = select(DealerOrderLine.product_id).join(DealerOrder, DealerOrder.id == DealerOrderLine.order_id).where(
        DealerOrder.customer_id == customer.id, DealerOrder.state == CONFIRMED)
    counted_ids = select(DealerStockReportLine.product_id).join(
        DealerStockReport, DealerStockReport.id == DealerStockReportLine.report_id).where(
        DealerStockReport.customer_id == customer.id)
    stmt = select(DealerProduct).where(
        DealerProduct.id.in_(shipped_ids) | DealerProduct.id.in_(counted_ids)
        | (DealerProduct.active.is_(True) & DealerProduct.status.in_(("new", "main_push")))
    ).order_by(DealerProduct.category, DealerProduct.model)
    return list(session.execute(stmt).scalars())


def reports_for(scoped: Select, customer_id: int | None = None) -> Select:
    stmt = scoped.order_by(DealerStockReport.report_date.desc(), DealerStockReport.id.desc())
    if customer_id:
        stmt = stmt.where(DealerStockReport.customer_id == customer_id)
    return stmt
