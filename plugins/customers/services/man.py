"""The MAN rule for prospects (seed 003 §二.1): Money, Authority, Need →
one of the seed's actions, plus the five desire checks and ability notes."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.i18n import _l

from ..models import Customer, ManCheck

PURSUE, SKILLED, FIND_AUTHORITY, CHECK_CREDIT, NURTURE, STOP = (
    "pursue", "skilled_selling", "find_authority", "check_credit", "nurture", "stop",
)

#: (money, authority, need) → outcome, exactly the seed's table.
TABLE = {
    (True, True, True): PURSUE,
    (True, True, False): SKILLED,
    (True, False, True): FIND_AUTHORITY,
    (False, True, True): CHECK_CREDIT,
    (False, False, True): NURTURE,
    (False, True, False): NURTURE,
    (True, False, False): NURTURE,
    (False, False, False): STOP,
}

DESIRE_CHECKS = ("interest_product", "interest_buying", "needs_met", "trust_product",
                 "good_impression")


def outcome_labels() -> dict[str, Any]:
    return {
        PURSUE: _l("Ideal prospect: pursue now"),
        SKILLED: _l("Contact; with skilled selling there is a chance of success"),
        FIND_AUTHORITY: _l("Contact, and find the person with authority to decide"),
        CHECK_CREDIT: _l("Contact; check the business and credit, consider financing"),
        NURTURE: _l("Contact; observe and nurture long-term until the missing condition is met"),
        STOP: _l("Not a customer: stop contact"),
    }


def desire_labels() -> dict[str, Any]:
    return {
        "interest_product": _l("Interested in the product"),
        "interest_buying": _l("Interested in buying"),
        "needs_met": _l("The product meets their needs"),
        "trust_product": _l("Trusts the product"),
        "good_impression": _l("Good impression of our company"),
    }


def letters(money: bool, authority: bool, need: bool) -> str:
    """"M+a+N" — the seed's notation (capital = present)."""
    return "+".join(c.upper() if v else c for c, v in zip("man", (money, authority, need)))


def outcome(money: bool, authority: bool, need: bool) -> str:
    return TABLE[(bool(money), bool(authority), bool(need))]


def record(session: Session, customer: Customer, *, money: bool, authority: bool, need: bool,
           user_id: int | None = None, credit_status: str = "", payment_plan: str = "",
           notes: str = "", **desires: bool) -> ManCheck:
    unknown = set(desires) - set(DESIRE_CHECKS)
    if unknown:
        raise ValueError(f"unknown desire checks: {sorted(unknown)}")
    check = ManCheck(customer_id=customer.id, money=bool(money), authority=bool(authority),
                     need=bool(need), outcome=outcome(money, authority, need),
                     credit_status=(credit_status or "").strip()[:255],
                     payment_plan=(payment_plan or "").strip()[:255],
                     notes=(notes or "").strip() or None, checked_by=user_id,
                     **{k: bool(desires.get(k)) for k in DESIRE_CHECKS})
    session.add(check)
    session.flush()
    return check
