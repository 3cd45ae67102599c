"""Dealers (customers of the four dealer kinds), their profile, terminals
and promoters."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from core.i18n import _l
from core.services import ServiceError, lock
from core.fields import required_text, to_date, to_decimal, to_int
from plugins.customers.api import ACTIVE, Customer, scoped_customers

from ..models import DealerProfile, DealerPriceList, DealerPromoter, DealerTerminal
from ..models.network import (
    DEALER_KINDS,
    DISPLAY_STATES,
    PROMOTER_ACTIVE,
    PROMOTER_ELIMINATED,
    PROMOTER_LEFT,
)
from .common import cents
from core import clock


def dealer_select(session: Session, user, action: str = "view") -> Select:
    """The dealer customers ``user`` may see (scoped by every plugin's rule)."""
    return scoped_customers(session, user, action).where(Customer.kind.in_(DEALER_KINDS))


def is_dealer(customer: Customer) -> bool:
    return customer is not None and customer.kind in DEALER_KINDS


def require_dealer(customer: Customer) -> None:
    if not is_dealer(customer):
        raise ServiceError(_l("%(name)s is not a dealer.", name=customer.name))


def require_active(customer: Customer) -> None:
    # Seed 000 §四.E: business starts after the account is opened (立户).
    if customer.status != ACTIVE:
        raise ServiceError(_l("%(name)s has no approved account yet (status: not active).",
                              name=customer.name))


def profile_of(session: Session, customer: Customer, create: bool = False) -> DealerProfile | None:
    prof = session.scalar(select(DealerProfile).where(DealerProfile.customer_id == customer.id))
    if prof is None and create:
        prof = DealerProfile(customer_id=customer.id, region_province=customer.province,
                             region_city=customer.city, region_county=customer.county)
        session.add(prof)
        session.flush()
    return prof


def save_profile(session: Session, customer: Customer, **f) -> DealerProfile:
    require_dealer(customer)
    prof = profile_of(session, customer, create=True)
    start = to_date(f.get("agreement_start"), _l("Agreement start"), allow_blank=True)
    end = to_date(f.get("agreement_end"), _l("Agreement end"), allow_blank=True)
    if start and end and end < start:
        raise ServiceError(_l("The agreement cannot end before it starts."))
    agreement_no = (f.get("agreement_no") or "").strip() or None
    if agreement_no:
        clash = session.scalar(select(DealerProfile.id).where(
            DealerProfile.agreement_no == agreement_no, DealerProfile.id != prof.id))
        if clash:
            raise ServiceError(_l("Agreement number %(no)s is already used.", no=agreement_no))
    pl_id = f.get("price_list_id") or None
    if pl_id is not None and session.get(DealerPriceList, int(pl_id)) is None:
        raise ServiceError(_l("Unknown price list."))
    prof.multi_brand = bool(f.get("multi_brand"))
    prof.member_fee = cents(to_decimal(f.get("member_fee") or "0", _l("Membership fee")))
    prof.agreement_no, prof.agreement_start, prof.agreement_end = agreement_no, start, end
    prof.annual_target_amount = cents(to_decimal(f.get("annual_target_amount") or "0",
                                                 _l("Annual target (amount)")))
    prof.annual_target_units = to_int(f.get("annual_target_units"), _l("Annual target (units)"),
                                      allow_blank=True, default=0)
    prof.main_push_share_pct = to_int(f.get("main_push_share_pct"), _l("Main-push share target (%)"),
                                      allow_blank=True, default=0)
    if prof.main_push_share_pct > 100:
        raise ServiceError(_l("A share is at most 100 %."))
    for key in ("region_province", "region_city", "region_county"):
        if key in f:
            setattr(prof, key, (f.get(key) or "").strip()[:40])
    prof.price_list_id = int(pl_id) if pl_id else None
    prof.note = f.get("note")
    session.flush()
    return prof


def save_terminal(session: Session, customer: Customer, terminal: DealerTerminal | None, **f) -> DealerTerminal:
    require_dealer(customer)
    name = required_text(f.get("name"), _l("Name"), 120)
    state = f.get("display_state") or "none"
    if state not in DISPLAY_STATES:
        raise ServiceError(_l("Unknown display state."))
    area = to_decimal(f.get("floor_area"), _l("Floor area (m²)"), allow_blank=True)
    if terminal is None:
        terminal = DealerTerminal(customer_id=customer.id, name=name)
        session.add(terminal)
    terminal.name = name
    for key, default in (("address", ""), ("province", customer.province), ("city", customer.city),
                         ("county", customer.county), ("town", "")):
        value = f.get(key)
        setattr(terminal, key, ((value if value is not None else default) or "").strip()[:255])
    terminal.floor_area = area
    terminal.has_signage = bool(f.get("has_signage"))
    terminal.display_state = state
    terminal.active = bool(f.get("active", True))
    session.flush()
    return terminal


def save_promoter(session: Session, terminal: DealerTerminal, promoter: DealerPromoter | None, **f) -> DealerPromoter:
    name = required_text(f.get("name"), _l("Name"), 80)
    if promoter is None:
        promoter = DealerPromoter(terminal_id=terminal.id, name=name)
        session.add(promoter)
    promoter.name = name
    promoter.phone = (f.get("phone") or "").strip()[:40]
    promoter.temporary = bool(f.get("temporary"))
    promoter.hired_on = to_date(f.get("hired_on"), _l("Hired on"), allow_blank=True)
    session.flush()
    return promoter


def set_promoter_status(session: Session, promoter: DealerPromoter, status: str, reason: str,
                        on: date | None = None) -> None:
    from core import audit

    if status not in (PROMOTER_ACTIVE, PROMOTER_ELIMINATED, PROMOTER_LEFT):
        raise ServiceError(_l("Unknown status."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Give a reason for the status change."))
    promoter = lock(session, promoter)
    audit.set_reason(session, reason)
    promoter.status = status
    promoter.status_reason = reason
    promoter.left_on = None if status == PROMOTER_ACTIVE else (on or clock.today())
    session.flush()


def dealer_ids(session: Session, user, action: str = "view") -> Select:
    """SELECT of the ids of the dealers ``user`` may ``action``."""
    return dealer_select(session, user, action).with_only_columns(Customer.id)
