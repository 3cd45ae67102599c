"""The company's clock (issue 21): one time zone, the setting
``core.timezone`` (default ``Asia/Shanghai``), for every date and time the
platform shows, every business date it stores by default and every "today"
it reasons with — whatever the server's own time zone.

- Timestamps (``created_at``, ``issued_at``, ``decided_at`` …) are stored as
  naive UTC (``utcnow``) and shown in the company's zone (``local``; the
  ``|date`` filter does it for pages and PDFs).
- Business dates (a payment's date, an invoice's due date, "this month")
  are the company's calendar: ``today()`` is the date in the company's
  zone, so on a UTC server a payment recorded at 07:30 Beijing time is
  dated that day, not the day before.
- ``date.today()`` and ``datetime.now()`` are the server's zone: code calls
  ``clock.today()`` / ``clock.now()`` instead (``tests/test_clock.py``
  refuses them outside this module).

The zone is read from the settings once per request (from the process's
settings cache: no query while nothing changed; ``core.web.request``
installs the reader) and kept per process for code without a request
(jobs, the CLI, PDF threads); ``core.settings.load_zone`` reads it on a
session.  Tests freeze the clock with ``frozen(datetime)``.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from typing import Callable, Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ZONE_KEY = "core.timezone"
DEFAULT_ZONE = "Asia/Shanghai"

#: The zones offered on /admin/settings: where a Chinese company's staff
#: and partners work.  Any IANA name is accepted by ``set_zone``.
ZONES = (
    "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei", "Asia/Urumqi",
    "Asia/Singapore", "Asia/Kuala_Lumpur", "Asia/Bangkok", "Asia/Ho_Chi_Minh", "Asia/Jakarta",
    "Asia/Tokyo", "Asia/Seoul", "Asia/Dubai", "Europe/London", "Europe/Berlin", "Europe/Moscow",
    "America/New_York", "America/Los_Angeles", "Australia/Sydney", "UTC",
)

_zone: str = DEFAULT_ZONE
_frozen: datetime | None = None
_reader: Callable[[], str | None] | None = None


def zone_info(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def set_zone(name: str) -> str:
    """Make ``name`` the process's company zone (checked)."""
    global _zone
    zone_info(name)
    _zone = name
    return name


def keep(name: str) -> str:
    """Keep ``name`` as the process's zone if it is one (``core.settings.
    load_zone`` reads the setting); the zone kept so far otherwise."""
    try:
        return set_zone(name)
    except ValueError:
        return _zone


def read_with(reader: Callable[[], str | None] | None) -> None:
    """How ``zone()`` reads the setting during a request (the web layer
    installs it: this module imports nothing of the platform)."""
    global _reader
    _reader = reader


def zone() -> str:
    """The company's zone: this request's reading of the setting, else the
    process's."""
    if _reader is not None:
        name = _reader()
        if name:
            return name
    return _zone


def utcnow() -> datetime:
    """Now in UTC, naive (as timestamps are stored)."""
    if _frozen is not None:
        return _frozen
    return datetime.now(timezone.utc).replace(tzinfo=None)


def local(value: datetime, tz: str | None = None) -> datetime:
    """A stored timestamp (naive UTC, or aware) as the company's wall clock
    (naive)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(zone_info(tz or zone())).replace(tzinfo=None)


def now() -> datetime:
    """The company's wall clock, naive."""
    return local(utcnow())


def today() -> date:
    """The company's calendar date."""
    return now().date()


def utc_bounds(start: date, end: date | None = None) -> tuple[datetime, datetime]:
    """The stored (naive UTC) timestamps bounding the company's days
    ``start`` to ``end`` (inclusive; one day when ``end`` is None):
    ``lo <= stamp < hi`` selects what happened on those days in the
    company's zone."""
    z = zone_info(zone())

    def utc(day: date) -> datetime:
        return (datetime.combine(day, datetime.min.time()).replace(tzinfo=z)
                .astimezone(timezone.utc).replace(tzinfo=None))

    return utc(start), utc((end or start) + timedelta(days=1))


@contextmanager
def frozen(at: datetime) -> Iterator[datetime]:
    """Stop the clock at ``at`` (aware, or naive UTC) — for tests."""
    global _frozen
    if at.tzinfo is not None:
        at = at.astimezone(timezone.utc).replace(tzinfo=None)
    before, _frozen = _frozen, at
    try:
        yield at
    finally:
        _frozen = before
