"""Money for people to read: figures with thousands separators and the
Chinese capital numerals (大写金额) contracts and cheques require.

Amounts are ``Decimal`` and rounded half-up to the fen; floats are refused
so that a binary rounding error can never reach a printed contract.

Capitals follow 《正确填写票据和结算凭证的基本规定》 (People's Bank of China):
- ``整`` after 元 when there are no 角/分; none after 角 or 分;
- one ``零`` for any run of zeros between non-zero digits, and ``零`` after
  元 when the 元 digit is 0 but 角 is not (``壹佰元零壹角``) or when 角 is 0 and
  分 is not (``壹亿零壹元零壹分``);
- a leading ten is written ``壹拾`` (``壹拾元整``, ``壹拾万元整``), as on
  cheques: a bare ``拾`` is easy to extend into ``贰拾`` by hand.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ("", "拾", "佰", "仟")
#: 10^0, 10^4, 10^8, 10^12 — Numeric(18, 2) stays below 10^16.
GROUPS = ("", "万", "亿", "万亿")
CENT = Decimal("0.01")


def to_decimal(value) -> Decimal:
    """``value`` as a Decimal rounded to the fen; refuses floats and junk."""
    if isinstance(value, float):
        raise TypeError("money must not be a float; pass a Decimal, int or str")
    if isinstance(value, Decimal):
        d = value
    else:
        try:
            d = Decimal(str(value).replace(",", "").strip())
        except InvalidOperation:
            raise ValueError(f"not an amount: {value!r}") from None
    if not d.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


def figures(value, places: int = 2) -> str:
    """``12345.6`` → ``12,345.60``; ``None`` or ``""`` → ``""``.  Display only:
    a float is shown by its shortest repr (capitals, for contracts, refuse it)."""
    if value is None or value == "":
        return ""
    d = Decimal(str(value).replace(",", "")).quantize(Decimal(1).scaleb(-places),
                                                       rounding=ROUND_HALF_UP)
    if d == 0:
        d = abs(d)  # never print "-0.00"
    return f"{d:,.{places}f}"


def _integer_capitals(n: int) -> str:
    s = str(n)
    out: list[str] = []
    zero_pending = False
    for i, ch in enumerate(s):
        pos = len(s) - 1 - i
        unit, group = pos % 4, pos // 4
        d = int(ch)
        if d == 0:
            zero_pending = True
        else:
            if zero_pending and out:
                out.append("零")
            zero_pending = False
            out.append(DIGITS[d] + UNITS[unit])
        if unit == 0 and group > 0 and int(s[max(0, i - 3):i + 1]):
            out.append(GROUPS[group])
    return "".join(out)


def capitals(value) -> str:
    """``12345.67`` → ``壹万贰仟叁佰肆拾伍元陆角柒分``; ``0`` → ``零元整``;
    negative amounts start with ``负``."""
    d = to_decimal(value)
    if d < 0:
        return "负" + capitals(-d)
    if d >= Decimal(10) ** 16:
        raise ValueError(f"amount too large for capitals: {value!r}")
    cents = int(d * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if cents == 0:
        return "零元整"
    out = ""
    if yuan:
        out = _integer_capitals(yuan) + "元"
    if not jiao and not fen:
        return out + "整"
    if jiao:
        if yuan and yuan % 10 == 0:
            out += "零"
        out += DIGITS[jiao] + "角"
    if fen:
        if yuan and not jiao:
            out += "零"
        out += DIGITS[fen] + "分"
    return out
