"""Dates for people to read, in Chinese and English, without Flask: the same
helpers serve pages (through ``core.filters``) and PDFs (any locale, any thread)."""
from __future__ import annotations

from datetime import date, datetime

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July",
             "August", "September", "October", "November", "December")


def is_chinese(locale) -> bool:
    return not str(locale or "zh_CN").lower().startswith("en")


def local_time(value: datetime, tz: str | None = None) -> datetime:
    """A naive UTC timestamp (as stored) in the company's time zone
    (``core.clock``; ``tz`` names another)."""
    from . import clock

    return clock.local(value, tz)


def format_date(value, locale="zh_CN", style: str = "short", *, tz: str | None = None,
                wall: bool = False) -> str:
    """``short``: ``2026-01-05`` (both languages); ``long``: ``2026年1月5日`` /
    ``5 January 2026``.  Datetimes get ``HH:MM`` appended, in the company's
    time zone (``tz`` names another): a naive datetime is a stored UTC
    timestamp, unless ``wall`` (a wall-clock time a person typed, shown as
    typed)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value or " " in value \
                else date.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, date):
        return str(value)
    if isinstance(value, datetime) and not (wall and value.tzinfo is None):
        value = local_time(value, tz)
    d = value.date() if isinstance(value, datetime) else value
    if style == "long":
        text = (f"{d.year}年{d.month}月{d.day}日" if is_chinese(locale)
                else f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}")
    else:
        text = d.isoformat()
    if isinstance(value, datetime):
        text += f" {value:%H:%M}"
    return text


def parse_day(value: str | None, default: date | None = None) -> date:
    """A date as typed into a form or filter (``YYYY-MM-DD``); blank means
    ``default``, else the company's today (``core.clock``).  Anything else is refused with a ServiceError
    the reader sees in their own language, like any refused action."""
    value = (value or "").strip()
    if not value:
        if default is not None:
            return default
        from .clock import today

        return today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        # Imported here: reading and printing dates needs neither Flask nor
        # the models (PDF threads, the CLI).
        from .i18n import _
        from .services import ServiceError

        raise ServiceError(_("%(value)s is not a date (YYYY-MM-DD).", value=value)) from None
