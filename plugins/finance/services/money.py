"""Money parsing and SQL sums.  Amounts are ``Decimal`` with two places,
never float; a sum in SQL is typed ``Numeric(18, 2)`` so SQLite's float
aggregate comes back as an exact two-place ``Decimal``."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import cast, func

from core.db import Money
from core.i18n import _l
from core.services import ServiceError

CENT = Decimal("0.01")
QTY = Decimal("0.001")
ZERO = Decimal("0.00")
MAX = Decimal("9999999999999999.99")


#: What a person types as an amount: digits (thousands commas allowed), at
#: most two decimals.  No exponent ("1e6"), no NaN or Infinity (issue 20),
#: no digits of other scripts (Decimal reads "١٠٠" as 100; issue 21) but the
#: full-width ones a Chinese input method types, read as ASCII.
_AMOUNT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)", re.ASCII)
_QUANTITY = re.compile(r"\+?(?:\d+\.?\d{0,3}|\.\d{1,3})", re.ASCII)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，＋－", "0123456789.,+-")


def _parse(value, what, pattern=None, message=None) -> Decimal:
    """Text or int to Decimal, refusing anything but plain decimal notation
    (``pattern``, amounts by default) with ``message``."""
    message = message or _l("%(value)s is not an amount.", value=value)
    if isinstance(value, float):
        raise TypeError(f"{what} is never a float")
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int) and not isinstance(value, bool):
        d = Decimal(value)
    else:
        text = str(value).strip().translate(_FULL_WIDTH).replace(",", "")
        if not (pattern or _AMOUNT).fullmatch(text):
            raise ServiceError(message)
        d = Decimal(text)
    if not d.is_finite():
        raise ServiceError(message)
    return d


def to_money(value, *, allow_zero: bool = False, allow_negative: bool = False) -> Decimal:
    """Parse an amount: a Decimal, int or string with at most two decimals.
    The one parser for amounts typed into pages, read from files or passed
    to the services; ``-0`` and anything beyond ``MAX`` are refused too."""
    d = _parse(value, "money")
    if abs(d) > MAX:  # before quantize: 1E+309 would overflow the context
        raise ServiceError(_l("The amount is too large."))
    if d != d.quantize(CENT) or (not isinstance(value, Decimal) and d.as_tuple().exponent < -2):
        raise ServiceError(_l("An amount has at most two decimals: %(value)s", value=value))
    if d == 0 and d.is_signed():
        raise ServiceError(_l("%(value)s is not an amount.", value=value))
    d = d.quantize(CENT)
    if d == 0 and not allow_zero:
        raise ServiceError(_l("The amount must not be zero."))
    if d < 0 and not allow_negative:
        raise ServiceError(_l("The amount must be positive."))
    return d


def to_quantity(value) -> Decimal:
    """A positive quantity with at most three decimals (``Numeric(18, 3)``)."""
    message = _l("%(value)s is not a quantity (a positive number with at most "
                 "three decimals).", value=value)
    d = _parse(value, "a quantity", _QUANTITY, message)
    if abs(d) > MAX or d != d.quantize(QTY) or d <= 0:
        raise ServiceError(message)
    return d


def round_money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def msum(expr):
    """``COALESCE(SUM(expr), 0)`` typed as money."""
    return cast(func.coalesce(func.sum(expr), 0), Money)


def mround(expr):
    """Round a money expression to cents in SQL (SQLite sums in floats)."""
    return func.round(expr, 2)


def money_str(value) -> str:
    return f"{Decimal(value):.2f}"
