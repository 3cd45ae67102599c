"""The window of believable business dates: no earlier than
``core.date_years_back`` years before today, no later than
``core.date_days_ahead`` days after it.

Issue 20: a payment dated 9999-12-31 was numbered REC/9999/00001 and opened
year-9999 sequences.  ``core.sequences`` refuses to number a year outside
this window; plugins check their own dates against it (finance narrows it
further for postings).  Services, the CLI and jobs call it alike: it needs a
session, not a request.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from . import settings
from .i18n import _l
from .services import ServiceError
from . import clock

YEARS_BACK = "core.date_years_back"
DAYS_AHEAD = "core.date_days_ahead"


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def window(session: Session, today: date | None = None) -> tuple[date, date]:
    """(earliest, latest) business date accepted today, both included."""
    today = today or clock.today()
    settings.prefetch(session, (YEARS_BACK, DAYS_AHEAD))
    back = int(settings.get(session, YEARS_BACK))
    ahead = int(settings.get(session, DAYS_AHEAD))
    earliest = _years_before(today, back) if back < today.year else date.min
    latest = today + timedelta(days=ahead) if ahead < (date.max - today).days else date.max
    return earliest, latest


class DateOutOfRange(ServiceError):
    """A date (or numbering year) outside the window."""


def check(session: Session, when: date) -> date:
    """``when`` if it is inside the window; else a translated ServiceError."""
    earliest, latest = window(session)
    if not earliest <= when <= latest:
        raise DateOutOfRange(_l("%(when)s is outside the dates accepted (%(first)s to "
                                "%(last)s).", when=when.isoformat(),
                                first=earliest.isoformat(), last=latest.isoformat()))
    return when


def check_year(session: Session, year: int) -> int:
    """A numbering year inside the window (``core.sequences``); else refused."""
    earliest, latest = window(session)
    if not earliest.year <= year <= latest.year:
        raise DateOutOfRange(_l("Documents cannot be numbered in year %(year)s: the accepted "
                                "dates run from %(first)s to %(last)s.", year=year,
                                first=earliest.isoformat(), last=latest.isoformat()))
    return year
