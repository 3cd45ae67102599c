"""What the books accept (issue 20: a payment dated 9999-12-31 was posted as
REC/9999/00001, an invoice line of quantity 1e9 as 10,000,000,000.00).

- Dates: inside the core business window (``core.datewindow``), after the
  lock date, and at most ``finance.post_days_ahead`` days after today.
- Amounts: no line and no document above ``finance.max_amount``.
- Quantities: no invoice or rebate line above ``finance.max_quantity``.

``ledger.post_entry`` checks dates and amounts for every posting, whatever
its path (pages, imports, CLI, other plugins); the document services check
earlier so their message can name the line, and the pages check the fields
so the message stands next to the field.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import datewindow, settings
from core.i18n import _l
from core.services import ServiceError

from ..models import LedgerState
from .money import money_str
from core import clock

DAYS_AHEAD = "finance.post_days_ahead"
MAX_AMOUNT = "finance.max_amount"
MAX_QUANTITY = "finance.max_quantity"

_UNKNOWN = object()
#: Read together, once per session: a posting asks for most of them.
_KEYS = (datewindow.YEARS_BACK, datewindow.DAYS_AHEAD, DAYS_AHEAD, MAX_AMOUNT, MAX_QUANTITY)


class OutOfRange(ServiceError):
    """A date, amount or quantity the books refuse."""


def lock_date(session: Session) -> date | None:
    """The last day of the closed books (nothing is posted on or before it)."""
    return session.scalar(select(LedgerState.lock_date).where(LedgerState.id == 1))


def date_window(session: Session, locked=_UNKNOWN) -> tuple[date, date]:
    """(earliest, latest) date a posting may have today, both included."""
    settings.prefetch(session, _KEYS)
    earliest, latest = datewindow.window(session)
    locked = lock_date(session) if locked is _UNKNOWN else locked
    if locked is not None:
        earliest = max(earliest, locked + timedelta(days=1))
    ahead = int(settings.get(session, DAYS_AHEAD))
    return earliest, min(latest, clock.today() + timedelta(days=ahead))


def check_date(session: Session, when: date, locked=_UNKNOWN) -> date:
    earliest, latest = date_window(session, locked)
    if not earliest <= when <= latest:
        raise OutOfRange(_l("%(when)s is outside the dates the books accept (%(first)s to "
                            "%(last)s).", when=when.isoformat(), first=earliest.isoformat(),
                            last=latest.isoformat()))
    return when


def max_amount(session: Session) -> Decimal:
    settings.prefetch(session, _KEYS)
    return Decimal(settings.get(session, MAX_AMOUNT))


def check_amount(session: Session, amount: Decimal, ceiling: Decimal | None = None) -> Decimal:
    """``amount`` if its size is within the ceiling (the setting by default)."""
    ceiling = max_amount(session) if ceiling is None else ceiling
    if abs(amount) > ceiling:
        raise OutOfRange(_l("The amount %(amount)s is above the limit of %(limit)s.",
                            amount=money_str(amount), limit=money_str(ceiling)))
    return amount


def check_quantity(session: Session, quantity: Decimal) -> Decimal:
    settings.prefetch(session, _KEYS)
    ceiling = Decimal(settings.get(session, MAX_QUANTITY))
    if quantity > ceiling:
        raise OutOfRange(_l("The quantity %(qty)s is above the limit of %(limit)s.",
                            qty=quantity, limit=ceiling))
    return quantity
