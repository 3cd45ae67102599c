"""Translated labels for the codes stored in the dealers tables."""
from __future__ import annotations

from core.i18n import _l

from .models.network import CHAIN_LOCAL, CHAIN_NATIONAL, MEMBER, TRADITIONAL


def kind_labels() -> dict[str, object]:
    """The dealer kinds' labels, in the order the kind lists show them."""
    return {
        MEMBER: _l("Member customer"),
        TRADITIONAL: _l("Traditional customer"),
        CHAIN_NATIONAL: _l("National chain"),
        CHAIN_LOCAL: _l("Local chain"),
    }


def state_labels() -> dict[str, object]:
    return {
        # orders, rebate claims
        "draft": _l("Draft"), "confirmed": _l("Confirmed"), "cancelled": _l("Cancelled"),
        "submitted": _l("Submitted to finance"),
        # samples and counts
        "display": _l("On display"), "missing": _l("Missing"), "damaged": _l("Damaged"),
        "sold": _l("Sold"), "withdrawn": _l("Withdrawn"), "found": _l("Found"),
        # returned units
        "open": _l("Open"), "in_repair": _l("In repair"), "repaired": _l("Repaired"),
        "back_to_dealer": _l("Back to the dealer"), "scrapped": _l("Scrapped"),
        # incidents
        "penalised": _l("Penalised"), "dismissed": _l("Dismissed"),
        # customers' statuses and finance's rebate states, shown on our pages
        "prospect": _l("Prospect"), "applying": _l("Applying"), "suspended": _l("Suspended"),
        "approved": _l("Approved"), "redeemed": _l("Redeemed"), "rejected": _l("Rejected"),
        # promoters
        "active": _l("Active"), "eliminated": _l("Eliminated"), "left": _l("Left"),
        # products
        "new": _l("New"), "main_push": _l("Main push"), "normal": _l("Normal"),
        "eol": _l("End of life"),
        # categories
        "tv": _l("TV"), "fridge": _l("Refrigerator"), "washer": _l("Washing machine"),
        "aircon": _l("Air conditioner"), "audio": _l("Audio"), "other": _l("Other"),
        # display booth
        "good": _l("Good"), "worn": _l("Worn"), "none": _l("None"),
        # returned-unit kinds, rebate kinds, report sources
        "returned": _l("Returned unit"), "repair": _l("Awaiting repair"),
        "sales_subsidy": _l("Sales subsidy"), "price_drop": _l("Price-drop compensation"),
        "visit": _l("Visit"), "monthly": _l("Monthly"),
        "peak": _l("Peak season"), "off": _l("Off-season"),
        **kind_labels(),
    }


def state_label(code) -> str:
    if code is None:
        return ""
    return str(state_labels().get(code, code))
