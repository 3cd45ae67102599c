"""Loyalty typology (seed 000 §三.5): what a salesperson taking over a
territory finds, and the seed's strategy for each type."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from core import audit
from core.i18n import _l
from core.services import ServiceError

from ..models import Customer


@dataclass(frozen=True)
class LoyaltyType:
    code: str
    label: Any
    meaning: Any
    strategy: Any


TYPES = (
    LoyaltyType("strong_loyal", _l("Strong-loyal"),
                _l("Strong locally, sells our brand first, highly loyal."),
                _l("A quality customer: consolidate and deepen the cooperation.")),
    LoyaltyType("weak_loyal", _l("Weak-loyal"),
                _l("An average seller locally, but loyal to our brand."),
                _l("Invest more in promotions, improve the display, train the store staff.")),
    LoyaltyType("decadent", _l("Decadent"),
                _l("\"TVs don't sell anyway; white goods sell more and pay better.\""),
                _l("Restore confidence with promotions, and use the policies to walk the "
                   "customer through a profit analysis.")),
    LoyaltyType("disdainful", _l("Disdainful"),
                _l("\"Frankly, your sample units are only here for the price war with next door.\""),
                _l("Change the customer's thinking: set targets in real time, watch purchases, "
                   "sales and stock, and chain the policies so the customer cannot let go.")),
    LoyaltyType("wait_and_see", _l("Wait-and-see"),
                _l("\"It is the low season; I will order when I see your peak-season policy.\""),
                _l("Visit more often and drive sales with promotions.")),
    LoyaltyType("desperate", _l("Desperate"),
                _l("\"What do I need to do to get my membership fee back?\""),
                _l("Replace the customer, firmly.")),
)
BY_CODE = {t.code: t for t in TYPES}


def classify(session: Session, customer: Customer, code: str | None, note: str = "") -> None:
    if code is not None and code not in BY_CODE:
        raise ServiceError(_l("Unknown loyalty type."))
    audit.set_reason(session, str(_l("Loyalty type classified")))
    customer.loyalty_type = code
    customer.loyalty_note = (note or "").strip() or None
    session.flush()
