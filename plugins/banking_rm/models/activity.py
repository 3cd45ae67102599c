"""Activity and referrals: the 5-20-30 log's spot checks, relationship stage
moves with their evidence, referrals from the front line to a wealth
manager, and the evening meeting (营销夕会) notes.

The activities themselves are ``BankActivity`` rows (models/clients.py).
Front-line staff (lobby manager, teller) log greetings, conversations and
referrals; wealth managers log the seed's meetings, calls and messages."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, TimestampMixin, utcnow

from .clients import ACTIVITY_KINDS, BankActivity

# Front-line kinds: a greeting (5 seconds), a conversation (20 seconds) and a
# 30-second referral pitch; logged in two taps from the phone page.
GREET, TALK, PITCH = "greet", "talk", "pitch"
FRONT_KINDS = (GREET, TALK, PITCH)
ALL_KINDS = ACTIVITY_KINDS + FRONT_KINDS

# Spot checks
VERIFIED, FALSE = "verified", "false"
CHECK_RESULTS = (VERIFIED, FALSE)

# Referral states
PENDING, ACCEPTED, DECLINED, WON, LOST = "pending", "accepted", "declined", "won", "lost"
REFERRAL_STATES = (PENDING, ACCEPTED, DECLINED, WON, LOST)
OPEN_STATES = (PENDING, ACCEPTED)

# Prospect criteria (seed 004 appendix: private-fund prospects)
PROSPECT_CRITERIA = ("idle_funds", "accepts_risk", "reachable", "seeks_return", "delegates")


# The league reads a day range of the whole branch: day first.
Index("ix_banking_rm_activity_day_user", BankActivity.day, BankActivity.user_id)


class BankSpotCheck(Base):
    """The branch head checked one logged activity (called the customer,
    watched the lobby): verified, or false — a false one leaves the league."""
    __tablename__ = "banking_rm_spot_check"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("banking_rm_activity.id", ondelete="CASCADE"),
                                             unique=True)
    result: Mapped[str] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(Text)
    checked_by: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)


class BankStageMove(Base):
    """One move of a customer between 相识 → 相知 → 相信 → 相伴, with its evidence."""
    __tablename__ = "banking_rm_stage_move"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id", ondelete="CASCADE"),
                                             index=True)
    from_stage: Mapped[str] = mapped_column(String(16))
    to_stage: Mapped[str] = mapped_column(String(16))
    evidence: Mapped[str | None] = mapped_column(Text)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("core_attachment.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class BankReferral(TimestampMixin, Base):
    """A lobby manager or teller hands a customer to a wealth manager (转介)."""
    __tablename__ = "banking_rm_referral"
    __audited__ = True
    __table_args__ = (
        Index("ix_banking_rm_referral_customer_at", "customer_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id", ondelete="CASCADE"))
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("core_org_unit.id"), index=True)
    referrer_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    receiver_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    product_kind: Mapped[str] = mapped_column(String(16))
    script: Mapped[str | None] = mapped_column(String(200))
    touchpoint: Mapped[str | None] = mapped_column(String(16))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("banking_rm_campaign.id"), index=True)
    criteria: Mapped[str] = mapped_column(String(120), default="")
    state: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    decided_at: Mapped[datetime | None]
    decline_reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None]
    product_name: Mapped[str | None] = mapped_column(String(120))
    amount: Mapped[Decimal | None] = mapped_column()
    commission: Mapped[Decimal | None] = mapped_column()
    referrer_share: Mapped[Decimal | None] = mapped_column()
    receiver_share: Mapped[Decimal | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)


class BankMeeting(TimestampMixin, Base):
    """The evening meeting (营销夕会) of one branch on one day: problems raised
    and the next day's focus; the figures are read from the log."""
    __tablename__ = "banking_rm_meeting"
    __audited__ = True
    __table_args__ = (UniqueConstraint("org_unit_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("core_org_unit.id"))
    day: Mapped[date]
    problems: Mapped[str | None] = mapped_column(Text)
    focus: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
