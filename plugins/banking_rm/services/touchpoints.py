"""Campaigns on the seven touchpoints: create and edit, and the results of
each campaign (activities per kind, referrals, sales) in SQL aggregates."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core.i18n import _l
from core.services import ServiceError

from ..models import BankActivity, BankCampaign
from ..models.activity import ACCEPTED, FALSE, LOST, WON, BankReferral
from ..models.campaigns import TOUCHPOINTS

TOUCHPOINT_LABELS = {
    "ticket": _l("Ticket machine"), "waiting": _l("Waiting area"), "self_service": _l("Self-service area"),
    "ebanking": _l("E-banking area"), "vip": _l("VIP room"), "high_counter": _l("High counter"),
    "low_counter": _l("Low counter"),
}
PRODUCT_LABELS = {
    "deposit": _l("Deposit"), "term_deposit": _l("Term deposit"), "wealth": _l("Wealth product"),
    "fund": _l("Fund"), "insurance": _l("Insurance"), "ebanking": _l("E-banking"),
    "credit_card": _l("Credit card"), "agency": _l("Agency product"),
}


def save_campaign(session: Session, campaign: BankCampaign | None, *, name: str, theme: str = "",
                  touchpoint: str = "", zone: str = "", start_on: date | None, end_on: date | None,
                  script: str = "", note: str = "", version: int | None = None) -> BankCampaign:
    name = (name or "").strip()
    if not name:
        raise ServiceError(_l("A campaign needs a name."))
    if touchpoint and touchpoint not in TOUCHPOINTS:
        raise ServiceError(_l("Unknown touchpoint."))
    if start_on is None or end_on is None:
        raise ServiceError(_l("A campaign needs its first and last day."))
    if end_on < start_on:
        raise ServiceError(_l("The campaign ends before it starts."))
    if campaign is None:
        campaign = BankCampaign()
        session.add(campaign)
    elif version is not None and campaign.version != version:
        raise ServiceError(_l("Someone else saved this campaign meanwhile; reload the page and try again."))
    campaign.name = name[:120]
    campaign.theme = (theme or "").strip()[:200] or None
    campaign.touchpoint = touchpoint or None
    campaign.zone = (zone or "").strip()[:40] or None
    campaign.start_on, campaign.end_on = start_on, end_on
    campaign.script = (script or "").strip() or None
    campaign.note = (note or "").strip() or None
    session.flush()
    return campaign


def results(session: Session, campaign_ids: list[int]) -> dict[int, dict]:
    """Per campaign: activities per kind (false ones left out), referrals,
    accepted, sold and the amount sold."""
    out: dict[int, dict] = {cid: {"kinds": {}, "activities": 0, "referrals": 0, "accepted": 0,
                                  "sold": 0, "amount": Decimal("0.00")} for cid in campaign_ids}
    if not campaign_ids:
        return out
    A = BankActivity
    for cid, kind, n in session.execute(
            select(A.campaign_id, A.kind, func.count()).where(
                A.campaign_id.in_(campaign_ids),
                (A.check_state.is_(None)) | (A.check_state != FALSE))
            .group_by(A.campaign_id, A.kind)):
        out[cid]["kinds"][kind] = int(n)
        out[cid]["activities"] += int(n)
    R = BankReferral
    for cid, n, acc, sold, amount in session.execute(
            select(R.campaign_id, func.count(R.id),
                   func.sum(case((R.state.in_((ACCEPTED, WON, LOST)), 1), else_=0)),
                   func.sum(case((R.state == WON, 1), else_=0)),
                   func.coalesce(func.sum(case((R.state == WON, R.amount), else_=None)), 0))
            .where(R.campaign_id.in_(campaign_ids)).group_by(R.campaign_id)):
        o = out[cid]
        o["referrals"], o["accepted"], o["sold"] = int(n), int(acc or 0), int(sold or 0)
        o["amount"] = Decimal(amount or 0).quantize(Decimal("0.01"))
    return out


def campaigns(session: Session) -> list[BankCampaign]:
    return list(session.execute(select(BankCampaign).order_by(BankCampaign.start_on.desc(),
                                                              BankCampaign.id.desc())).scalars())
