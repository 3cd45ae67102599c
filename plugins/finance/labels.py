"""Human labels for the codes stored in finance rows (states, kinds, terms)."""
from __future__ import annotations

from core.i18n import _l

LABELS = {
    # document states
    "posted": _l("Posted"), "reversed": _l("Reversed"),
    # invoice kinds, payment methods
    "sale": _l("Sale"), "opening": _l("Opening balance"), "bank": _l("Bank transfer"),
    "cash": _l("Cash"),
    # invoice types (issue 21 §15: a 销售单 is not a tax invoice)
    "slip": _l("Sales slip"), "general": _l("General VAT invoice"),
    "special": _l("Special VAT invoice"),
    # credit note kinds
    "rebate": _l("Rebate redemption"), "price_drop": _l("Price-drop compensation"),
    "price_adjust": _l("Price-adjustment compensation"), "offset": _l("Offset"),
    "return": _l("Return"),
    # rebate kinds and states
    "sales_subsidy": _l("Sales subsidy"), "draft": _l("Draft"), "submitted": _l("Submitted"),
    "approved": _l("Approved"), "redeemed": _l("Redeemed"), "rejected": _l("Rejected"),
    "credit_note": _l("Credit note"), "payment": _l("Payment"),
    # credit terms, commitments
    "prepayment": _l("Payment before delivery"), "net": _l("Net days"),
    "open": _l("Open"), "invoiced": _l("Invoiced"), "released": _l("Released"),
    # statements
    "pending": _l("Awaiting answer"), "confirmed": _l("Confirmed"), "disputed": _l("Disputed"),
    "resolved": _l("Resolved"), "closed": _l("Resolved"),
    # budgets
    "sales": _l("Sales"), "collections": _l("Collections"), "expense": _l("Expense"),
    # aging buckets, groups
    "current": _l("Not yet due"), "d1_30": _l("1–30 days"), "d31_60": _l("31–60 days"),
    "d61_90": _l("61–90 days"), "over_90": _l("Over 90 days"), "unapplied": _l("Unapplied credits"),
    "customer": _l("Customer"), "salesperson": _l("Salesperson"), "org_unit": _l("Org unit"),
    # account kinds
    "asset": _l("Asset"), "liability": _l("Liability"), "equity": _l("Equity"),
    "revenue": _l("Revenue"),
}

#: CSS tag class per state.
TAGS = {"posted": "ok", "reversed": "off", "draft": "off", "submitted": "warn",
        "approved": "ok", "redeemed": "on", "rejected": "err", "pending": "warn",
        "confirmed": "ok", "disputed": "err", "resolved": "on", "open": "warn", "closed": "ok"}


def label(code) -> str:
    if code is None:
        return ""
    return str(LABELS.get(code, code))


def tag(code) -> str:
    return TAGS.get(code, "")
