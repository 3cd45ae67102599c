"""Small helpers shared by the services: periods, amounts, settings."""
from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.orm import Session

from core import settings
from core.i18n import _l
from core.services import ServiceError
from core import clock

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def today() -> date:
    """The business day the dealers' pages stand at (one place, so a company
    time zone reaches every page at once)."""
    return clock.today()


def month_as_of(today: date, period: str | None = None, day: date | None = None) -> tuple[date, date]:
    """``(first day of the month, the day its stock and sell-out stand at)``:
    the month's last day for a past month, ``day`` when given, and never a
    day after ``today``.  The volumes page and the pressing page both take
    "this month" from here (issue 21, item 17: the volumes page took the
    month's last day, in the future, and its weeks of cover disagreed with
    the pressing page's for the same dealer, model and day)."""
    first, last = parse_period(period or period_of(day or today))
    return first, min(last, today, day or last)


def parse_period(text: str) -> tuple[date, date]:
    """"2026-03" → (first day, last day); refuses anything else."""
    try:
        year, month = (int(p) for p in str(text).split("-"))
        first = date(year, month, 1)
    except (ValueError, TypeError):
        raise ServiceError(_l("A period is written YYYY-MM, e.g. 2026-03.")) from None
    return first, date(year, month, calendar.monthrange(year, month)[1])


def month_periods(end: date, months: int) -> list[str]:
    """The ``months`` periods ending with ``end``'s month, oldest first."""
    out = []
    y, m = end.year, end.month
    for _ in range(months):
        out.append(f"{y:04d}-{m:02d}")
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return list(reversed(out))


def setting(session: Session, key: str) -> Any:
    return settings.get(session, "dealers." + key)


def days_ago(day: date, n: int) -> date:
    return day - timedelta(days=n)
