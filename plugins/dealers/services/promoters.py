"""Promoter assessment (导购员考核, seed 000 §五.6): monthly target, main-push
tier bonus, store ranking award, elimination rule."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import scoped_select
from core.i18n import _l
from core.services import ServiceError, lock
from core.fields import to_int

from ..models import DealerPromoter, DealerPromoterMonth
from .common import month_periods, parse_period, setting


def record_month(session: Session, promoter: DealerPromoter, *, period: str, target_units,
                 sold_units, main_push_units, note: str | None = None) -> DealerPromoterMonth:
    parse_period(period)
    target = to_int(target_units, _l("Target (units)"), minimum=1)
    sold = to_int(sold_units, _l("Sold (units)"))
    main = to_int(main_push_units, _l("Main-push units"))
    if main > sold:
        raise ServiceError(_l("Main-push units cannot exceed the units sold."))
    lock(session, promoter)  # one month row per promoter, however many save it at once
    row = session.scalar(select(DealerPromoterMonth).where(DealerPromoterMonth.promoter_id == promoter.id,
                                                     DealerPromoterMonth.period == period))
    if row is None:
        row = DealerPromoterMonth(promoter_id=promoter.id, period=period)
        session.add(row)
    row.target_units, row.sold_units, row.main_push_units, row.note = target, sold, main, note
    session.flush()
    return row


def _pairs(raw: str, key: str) -> list[tuple[int, Decimal]]:
    out = []
    for part in str(raw or "").replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            a, b = part.split(":")
            out.append((int(a), Decimal(b)))
        except (ValueError, ArithmeticError):
            raise ServiceError(_l("The setting %(key)s is not in the form units:amount,…",
                                  key=key)) from None
    return sorted(out)


def bonus_tiers(session: Session) -> list[tuple[int, Decimal]]:
    return _pairs(setting(session, "promoter_bonus_tiers"), "dealers.promoter_bonus_tiers")


def rank_awards(session: Session) -> list[Decimal]:
    raw = str(setting(session, "store_rank_awards") or "")
    try:
        return [Decimal(p.strip()) for p in raw.replace("，", ",").split(",") if p.strip()]
    except ArithmeticError:
        raise ServiceError(_l("The setting %(key)s is not a list of amounts.",
                              key="dealers.store_rank_awards")) from None


def tier_bonus(tiers: list[tuple[int, Decimal]], main_units: int) -> Decimal:
    """The highest tier reached pays its rate on every main-push unit."""
    rate = Decimal("0")
    for threshold, per_unit in tiers:
        if main_units >= threshold:
            rate = per_unit
    return (rate * main_units).quantize(Decimal("0.01"))


def pct(sold: int, target: int) -> Decimal:
    if not target:
        return Decimal("0")
    return (Decimal(sold) * 100 / target).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class AssessmentRow:
    month: DealerPromoterMonth
    achievement: Decimal
    bonus: Decimal
    store_rank: int
    award: Decimal
    eliminate: bool


def assessment(session: Session, user, period: str) -> list[AssessmentRow]:
    parse_period(period)
    rows = list(session.execute(
        scoped_select(session, DealerPromoterMonth, user).where(DealerPromoterMonth.period == period)
    ).scalars())
    tiers, awards = bonus_tiers(session), rank_awards(session)
    limit = Decimal(int(setting(session, "promoter_elimination_pct")))
    n_months = int(setting(session, "promoter_elimination_months"))
    # Store ranking: terminals by their promoters' units sold this month.
    by_store: dict[int, int] = {}
    heads: dict[int, int] = {}
    for r in rows:
        tid = r.promoter.terminal_id
        by_store[tid] = by_store.get(tid, 0) + r.sold_units
        heads[tid] = heads.get(tid, 0) + 1
    ranking = sorted(by_store, key=lambda t: (-by_store[t], t))
    rank = {t: i + 1 for i, t in enumerate(ranking)}
    # Elimination: below the limit in each of the last N months, this one included.
    window = month_periods(parse_period(period)[1], n_months)
    history: dict[int, dict[str, DealerPromoterMonth]] = {}
    ids = [r.promoter_id for r in rows]
    if ids:
        for h in session.execute(select(DealerPromoterMonth).where(
                DealerPromoterMonth.promoter_id.in_(ids), DealerPromoterMonth.period.in_(window))).scalars():
            history.setdefault(h.promoter_id, {})[h.period] = h
    out = []
    for r in rows:
        tid = r.promoter.terminal_id
        place = rank[tid]
        award = Decimal("0")
        if place <= len(awards) and by_store[tid] > 0:
            award = (awards[place - 1] / heads[tid]).quantize(Decimal("0.01"))
        months = history.get(r.promoter_id, {})
        eliminate = all(p in months and pct(months[p].sold_units, months[p].target_units) < limit
                        for p in window)
        out.append(AssessmentRow(r, pct(r.sold_units, r.target_units),
                                 tier_bonus(tiers, r.main_push_units), place, award, eliminate))
    out.sort(key=lambda a: (a.store_rank, -a.achievement, a.month.promoter.name))
    return out
