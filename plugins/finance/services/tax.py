"""Value-added tax (增值税) on what we sell: the rates, the split of an
amount into net and tax, invoice types and the buyer's tax details.

Issue 21 §15: revenue was booked including tax.  Each invoice line now
carries a rate; the tax is worked out per line, to the fen, ROUND_HALF_UP:

* prices entered tax-inclusive (含税): gross = qty × price rounded,
  tax = gross × r / (1 + r) rounded, net = gross − tax;
* prices entered tax-exclusive (不含税): net = qty × price rounded,
  tax = net × r rounded, gross = net + tax.

So 1,130.00 inclusive at 13 % is 1,000.00 net + 130.00 tax, posted
Dr 1122 1,130.00 / Cr 6001 1,000.00 / Cr 222101 130.00.  0 % (零税率) and
exempt (免税) lines carry no tax.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from core.i18n import _l
from core.services import ServiceError

from . import settings_of
from .money import ZERO, round_money

#: Rate codes as stored on a line, and the rate each stands for.
RATES: dict[str, Decimal] = {
    "13": Decimal("0.13"), "9": Decimal("0.09"), "6": Decimal("0.06"), "3": Decimal("0.03"),
    "0": Decimal("0"), "exempt": Decimal("0"),
}
RATE_CODES = tuple(RATES)
EXEMPT = "exempt"

# Invoice types.  A sales slip (销售单) is not a tax invoice; 普通发票 and
# 专用发票 are.  A special invoice lets the buyer deduct the tax, so it must
# name the buyer fully (name, 纳税人识别号, address and phone, bank and account).
SLIP, GENERAL, SPECIAL = "slip", "general", "special"
INVOICE_TYPES = (SLIP, GENERAL, SPECIAL)

#: 统一社会信用代码 (18) or an older taxpayer number (15, 17 or 20 characters).
_TAX_ID = re.compile(r"[0-9A-Z]{15}|[0-9A-Z]{17,18}|[0-9A-Z]{20}")


def rate_label(code: str | None) -> str:
    """"13%", "0%" or 免税 / Exempt."""
    if code is None:
        return ""
    if code == EXEMPT:
        return str(_l("Tax exempt"))
    return f"{code}%"


def check_rate(code) -> str:
    code = str(code if code is not None else "").strip().rstrip("%")
    if code not in RATES:
        raise ServiceError(_l("Unknown tax rate %(rate)s: use 13, 9, 6, 3, 0 or exempt.",
                              rate=code or "—"))
    return code


def default_rate(session: Session) -> str:
    return check_rate(settings_of(session, "finance.default_tax_rate"))


def prices_include_tax(session: Session, override: bool | None = None) -> bool:
    """The setting, unless the document says otherwise."""
    if override is not None:
        return bool(override)
    return bool(settings_of(session, "finance.prices_include_tax"))


def default_invoice_type(session: Session) -> str:
    value = settings_of(session, "finance.default_invoice_type")
    return value if value in INVOICE_TYPES else SLIP


@dataclass(frozen=True)
class Split:
    net: Decimal
    tax: Decimal
    gross: Decimal


def split_amount(amount: Decimal, code: str, *, inclusive: bool) -> Split:
    """One line's net, tax and gross, each to the fen (ROUND_HALF_UP)."""
    rate = RATES[code]
    if inclusive:
        gross = round_money(amount)
        tax = round_money(gross * rate / (1 + rate)) if rate else ZERO
        return Split(gross - tax, tax, gross)
    net = round_money(amount)
    tax = round_money(net * rate) if rate else ZERO
    return Split(net, tax, net + tax)


@dataclass
class Buyer:
    """The buyer's tax details as printed on a tax invoice (购买方信息)."""

    name: str = ""
    tax_id: str = ""
    address_phone: str = ""
    bank_account: str = ""

    @classmethod
    def of(cls, data) -> "Buyer":
        if data is None:
            return cls()
        if isinstance(data, cls):
            return data
        get = data.get
        return cls(*(str(get(k) or "").strip() for k in
                     ("name", "tax_id", "address_phone", "bank_account")))


def check_buyer(invoice_type: str, buyer: Buyer) -> Buyer:
    """A special invoice needs every detail; any invoice's tax id must look
    like one.  Returns the buyer with the tax id upper-cased."""
    if invoice_type not in INVOICE_TYPES:
        raise ServiceError(_l("Unknown invoice type."))
    buyer.tax_id = buyer.tax_id.replace(" ", "").upper()
    if buyer.tax_id and not _TAX_ID.fullmatch(buyer.tax_id):
        raise ServiceError(_l("%(value)s is not a taxpayer identification number (18 letters "
                              "and digits, or 15, 17 or 20 for an older number).",
                              value=buyer.tax_id))
    if invoice_type == SPECIAL:
        missing = [str(label) for value, label in (
            (buyer.name, _l("buyer's name")),
            (buyer.tax_id, _l("taxpayer identification number")),
            (buyer.address_phone, _l("address and phone")),
            (buyer.bank_account, _l("bank and account number"))) if not value]
        if missing:  # the first one missing; the form shows all four
            raise ServiceError(_l("A special VAT invoice needs the buyer's %(missing)s.",
                                  missing=missing[0]))
    if invoice_type == GENERAL and not buyer.name:
        raise ServiceError(_l("A VAT invoice needs the buyer's name."))
    for value, size in ((buyer.name, 200), (buyer.address_phone, 255), (buyer.bank_account, 255)):
        if len(value) > size:
            raise ServiceError(_l("%(value)s is too long.", value=value[:20] + "…"))
    return buyer
