"""What a person typed into one field of a form, read for a service.

Every refusal is a ``ServiceError`` naming the field (``label``, usually a
lazy string) in the reader's language, raised before anything is written.
Numbers are plain decimal notation only — digits, thousands commas, one
decimal point — so ``1e6``, ``NaN`` or ``Infinity`` are refused as they are
for finance's amounts (``plugins/finance/services/money.py``).  Used by the
services of every plugin; no Flask here.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .i18n import _l
from .services import ServiceError

#: Above what any amount column (Numeric(18, 2)) holds: "too large", not an overflow.
MAX_AMOUNT = Decimal(10) ** 15
#: Above what an integer column holds.
MAX_COUNT = 2**31 - 1

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")
_INTEGER = re.compile(r"[+-]?\d+")


def _blank(raw: Any) -> bool:
    return raw is None or str(raw).strip() == ""


def to_decimal(raw: Any, label: Any, *, minimum: Decimal | None = Decimal("0"),
               maximum: Decimal | None = None, positive: bool = False,
               allow_blank: bool = False, places: int | None = None) -> Decimal | None:
    """A number typed in plain notation; blank → None when ``allow_blank``.
    ``positive`` refuses zero too; ``places`` rounds half-up to that many decimals."""
    if isinstance(raw, Decimal) and raw.is_finite():
        value = raw
    elif _blank(raw):
        if allow_blank:
            return None
        raise ServiceError(_l("%(field)s is required.", field=label))
    else:
        text = str(raw).strip().replace(",", "")
        if isinstance(raw, float) or not _NUMBER.fullmatch(text):
            raise ServiceError(_l("%(field)s must be a number.", field=label))
        value = Decimal(text)
    if abs(value) >= MAX_AMOUNT:
        raise ServiceError(_l("%(field)s is too large.", field=label))
    if positive and value <= 0:
        raise ServiceError(_l("%(field)s must be more than zero.", field=label))
    if minimum is not None and value < minimum:
        raise ServiceError(_l("%(field)s must be at least %(min)s.", field=label, min=minimum))
    if maximum is not None and value > maximum:
        raise ServiceError(_l("%(field)s must be at most %(max)s.", field=label, max=maximum))
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return value


def to_int(raw: Any, label: Any, *, minimum: int | None = 0, maximum: int | None = None,
           allow_blank: bool = False, default: int | None = None) -> int | None:
    """A whole number; blank → ``default`` when ``allow_blank``."""
    if _blank(raw):
        if allow_blank:
            return default
        raise ServiceError(_l("%(field)s is required.", field=label))
    text = str(raw).strip()
    if isinstance(raw, (float, bool)) or not _INTEGER.fullmatch(text):
        raise ServiceError(_l("%(field)s must be a whole number.", field=label))
    value = int(text)
    if abs(value) > MAX_COUNT:
        raise ServiceError(_l("%(field)s is too large.", field=label))
    if minimum is not None and value < minimum:
        raise ServiceError(_l("%(field)s must be at least %(min)s.", field=label, min=minimum))
    if maximum is not None and value > maximum:
        raise ServiceError(_l("%(field)s must be at most %(max)s.", field=label, max=maximum))
    return value


def to_date(raw: Any, label: Any, *, allow_blank: bool = False) -> date | None:
    """A date typed as YYYY-MM-DD (what ``<input type=date>`` sends)."""
    if isinstance(raw, date):
        return raw
    if _blank(raw):
        if allow_blank:
            return None
        raise ServiceError(_l("%(field)s is required.", field=label))
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ServiceError(_l("%(field)s must be a date (YYYY-MM-DD).", field=label)) from None


def required_text(raw: Any, label: Any, max_len: int = 255) -> str:
    """Text that must be there, stripped, at most ``max_len`` characters."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        raise ServiceError(_l("%(field)s is required.", field=label))
    return _short(text, label, max_len)


def optional_text(raw: Any, label: Any, max_len: int = 2000) -> str | None:
    """Text that may be left out (None then), at most ``max_len`` characters."""
    text = "" if raw is None else str(raw).strip()
    return _short(text, label, max_len) or None


def _short(text: str, label: Any, max_len: int) -> str:
    if len(text) > max_len:
        raise ServiceError(_l("%(field)s is too long (at most %(n)s characters).",
                              field=label, n=max_len))
    return text
