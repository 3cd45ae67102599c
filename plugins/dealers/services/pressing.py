"""Stock-pressing (压货) advice per season (seed 000 §三.4.F).

- Peak season: suggested order = target weeks of cover × average weekly
  sell-out − stock on hand (never negative); multi-brand dealers get extra
  weeks so they have neither money nor room left for a competitor's stock.
- Off-season: no pressing; an order that would push cover above the
  off-season ceiling is flagged, with the quantity that still fits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.i18n import _l
from core.services import ServiceError

from ..models import DealerProfile, DealerOrder
from .common import setting
from .stock import cover, stock_on_hand, weekly_sellout

PEAK, OFF = "peak", "off"


def peak_months(session: Session) -> set[int]:
    raw = str(setting(session, "peak_months") or "")
    months: set[int] = set()
    for part in raw.replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 12:
            raise ServiceError(_l("The peak-season months setting is not a list of month "
                                  "numbers 1–12: %(value)s", value=raw))
        months.add(int(part))
    return months


def season_of(session: Session, day: date) -> str:
    return PEAK if day.month in peak_months(session) else OFF


@dataclass
class Advice:
    customer_id: int
    product_id: int
    season: str
    stock: int
    weekly: Decimal
    cover: Decimal | None
    target_weeks: Decimal | None  # peak
    ceiling_weeks: Decimal | None  # off-season
    suggested: int  # units to order now (peak)
    headroom: int | None  # off-season: units that still fit under the ceiling


def advise(session: Session, customer_ids, day: date, product_ids=None) -> list[Advice]:
    season = season_of(session, day)
    on_hand = stock_on_hand(session, customer_ids, day, product_ids)
    weekly = weekly_sellout(session, customer_ids, day, product_ids)
    target = Decimal(setting(session, "peak_target_weeks"))
    extra = Decimal(setting(session, "multibrand_extra_weeks"))
    ceiling = Decimal(setting(session, "offseason_ceiling_weeks"))
    stmt = select(DealerProfile.customer_id).where(DealerProfile.multi_brand.is_(True))
    if customer_ids is not None:
        stmt = stmt.where(DealerProfile.customer_id.in_(customer_ids))
    multi = set(session.execute(stmt).scalars())
    out = []
    for key in sorted(set(on_hand) | set(weekly)):
        cid, pid = key
        st, w = on_hand.get(key, 0), weekly.get(key, Decimal("0"))
        if season == PEAK:
            weeks = target + (extra if cid in multi else Decimal("0"))
            need = (weeks * w - st).to_integral_value(rounding=ROUND_CEILING)
            out.append(Advice(cid, pid, season, st, w, cover(st, w), weeks, None, max(0, int(need)), None))
        else:
            room = (ceiling * w - st).to_integral_value(rounding=ROUND_FLOOR)
            out.append(Advice(cid, pid, season, st, w, cover(st, w), None, ceiling, 0, max(0, int(room))))
    return out


def order_warnings(session: Session, order: DealerOrder, day: date | None = None) -> list[str]:
    """Off-season: lines that would push the dealer's cover above the ceiling."""
    day = day or order.order_date
    if season_of(session, day) != OFF:
        return []
    qty: dict[int, int] = {}
    models: dict[int, str] = {}
    for ln in order.lines:
        qty[ln.product_id] = qty.get(ln.product_id, 0) + ln.quantity
        models[ln.product_id] = ln.product.model
    if not qty:
        return []
    advice = {a.product_id: a for a in advise(session, [order.customer_id], day, list(qty))}
    ceiling = Decimal(setting(session, "offseason_ceiling_weeks"))
    out = []
    for pid, q in qty.items():
        a = advice.get(pid)
        st = a.stock if a else 0
        w = a.weekly if a else Decimal("0")
        room = a.headroom if a else 0
        after = cover(st + q, w)
        if after is None or after > ceiling:
            shown = "∞" if after is None else str(after)
            out.append(str(_l("%(model)s: off-season, %(qty)s more units would bring cover to "
                              "%(cover)s weeks (ceiling %(ceiling)s); at most %(room)s fit.",
                              model=models[pid], qty=q, cover=shown, ceiling=ceiling, room=room)))
    return out
