"""Money parsing and SQL sums.  Amounts are ``Decimal`` with two places,
never float; a sum in SQL is typed ``Numeric(18, 2)`` so SQLite's float
aggregate comes back as an exact two-place ``Decimal``."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import cast, func

from core.db import Money
from core.i18n import _l
from core.services import ServiceError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX = Decimal("9999999999999999.99")


def to_money(value, *, allow_zero: bool = False, allow_negative: bool = False) -> Decimal:
    """Parse an amount: a Decimal, int or string with at most two decimals."""
    if isinstance(value, float):
        raise TypeError("money is never a float")
    try:
        d = Decimal(str(value).strip().replace(",", "")) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise ServiceError(_l("%(value)s is not an amount.", value=value)) from None
    if not d.is_finite():
        raise ServiceError(_l("%(value)s is not an amount.", value=value))
    if d != d.quantize(CENT):
        raise ServiceError(_l("An amount has at most two decimals: %(value)s", value=value))
    d = d.quantize(CENT)
    if abs(d) > MAX:
        raise ServiceError(_l("The amount is too large."))
    if d == 0 and not allow_zero:
        raise ServiceError(_l("The amount must not be zero."))
    if d < 0 and not allow_negative:
        raise ServiceError(_l("The amount must be positive."))
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
