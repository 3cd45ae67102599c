"""Retail customers of the branch (kind ``retail`` in customers), their
households, product holdings and the activities that serve them.

The customer itself (name, mobile, ID number, owner = the wealth manager)
lives in the customers plugin; this plugin keeps what a bank adds to it.
AUM is not stored: it is the sum of the customer's open asset holdings,
computed in SQL when read (and rolled up per household the same way)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, TimestampMixin, Versioned

# Growth potential (the second axis of the value matrix)
POTENTIAL_HIGH, POTENTIAL_LOW = "high", "low"
POTENTIALS = (POTENTIAL_HIGH, POTENTIAL_LOW)

# Value orientation: what the customer values most (seed 004)
ORIENT_RELATIONSHIP, ORIENT_VALUE, ORIENT_SERVICE = "relationship", "value", "service"
ORIENTATIONS = (ORIENT_RELATIONSHIP, ORIENT_VALUE, ORIENT_SERVICE)

# Temperament (seed 004: 客户气质类型)
TEMPERAMENTS = ("choleric", "sanguine", "phlegmatic", "melancholic")

# Relationship stages 相识 → 相知 → 相信 → 相伴
STAGES = ("acquainted", "understood", "trusted", "companion")

# Product kinds held at the bank
DEPOSIT, TERM_DEPOSIT, WEALTH, FUND, INSURANCE, EBANKING, CREDIT_CARD, AGENCY = (
    "deposit", "term_deposit", "wealth", "fund", "insurance", "ebanking", "credit_card", "agency")
PRODUCT_KINDS = (DEPOSIT, TERM_DEPOSIT, WEALTH, FUND, INSURANCE, EBANKING, CREDIT_CARD, AGENCY)
#: kinds whose amount counts in AUM (assets under management)
ASSET_KINDS = (DEPOSIT, TERM_DEPOSIT, WEALTH, FUND, INSURANCE, AGENCY)
#: kinds sold through the suitability gate (risk level R1–R5)
INVESTMENT_KINDS = (WEALTH, FUND, INSURANCE, AGENCY)
RISK_LEVELS = ("R1", "R2", "R3", "R4", "R5")
#: the customer's levels from the risk questionnaire (C1 conservative … C5 aggressive)
CUSTOMER_RISK_LEVELS = ("C1", "C2", "C3", "C4", "C5")

OPEN, CLOSED = "open", "closed"

# Activities of 5-20-30: meet 5, call 20, message 30 a day
MEETING, CALL, MESSAGE = "meeting", "call", "message"
ACTIVITY_KINDS = (MEETING, CALL, MESSAGE)

Rate = Numeric(7, 4)


class BankHousehold(TimestampMixin, Base):
    __tablename__ = "banking_rm_household"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))


class BankRetailProfile(TimestampMixin, Versioned, Base):
    """What the branch knows of one retail customer, beside the customer row."""
    __tablename__ = "banking_rm_profile"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id", ondelete="CASCADE"),
                                             unique=True)
    potential: Mapped[str] = mapped_column(String(8), default=POTENTIAL_LOW)
    orientation: Mapped[str | None] = mapped_column(String(16))
    temperament: Mapped[str | None] = mapped_column(String(16))
    birthday: Mapped[date | None]
    stage: Mapped[str] = mapped_column(String(16), default=STAGES[0], index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("banking_rm_household.id"), index=True)
    household_role: Mapped[str | None] = mapped_column(String(20))  # self, spouse, child, parent …
    note: Mapped[str | None] = mapped_column(Text)
    #: resident ID number: personal data, masked (core.privacy)
    id_number: Mapped[str | None] = mapped_column(String(18), info={"pii": "id_card"})
    #: the debit card number the customer hands over at the counter: personal
    #: data (PIPL art. 28: financial account), masked; the teller finds the
    #: customer by it to refer them (services/referrals.py: pick_customers)
    card_number: Mapped[str | None] = mapped_column(String(19), index=True, info={"pii": "bank_card"})
    #: suitability (适当性): the risk questionnaire's level C1–C5 and its date (valid one year)
    risk_level: Mapped[str | None] = mapped_column(String(2))
    risk_assessed_on: Mapped[date | None]


class BankHolding(TimestampMixin, Versioned, Base):
    """One product a customer holds at the bank."""
    __tablename__ = "banking_rm_holding"
    __audited__ = True
    __table_args__ = (
        Index("ix_banking_rm_holding_maturity", "status", "maturity_on"),
        Index("ix_banking_rm_holding_customer_kind", "customer_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    product_name: Mapped[str] = mapped_column(String(120))
    amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    start_on: Mapped[date]
    maturity_on: Mapped[date | None]
    yield_rate: Mapped[Decimal | None] = mapped_column(Rate)  # annual, as a fraction (0.0325)
    risk_level: Mapped[str | None] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(8), default=OPEN)
    #: the 双录 (audio / video recording) reference of an agency or wealth sale
    recording_ref: Mapped[str | None] = mapped_column(String(60))
    sold_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    note: Mapped[str | None] = mapped_column(Text)
    #: the customer was 65 or older at the sale (适老化 flag, shown on the holding)
    elderly: Mapped[bool] = mapped_column(default=False, server_default=false())
    closed_on: Mapped[date | None]


class BankActivity(Base):
    """One meeting, call or message of a manager with a customer (5-20-30).
    A bulk message counts once per recipient: one row each, sharing ``batch``."""
    __tablename__ = "banking_rm_activity"
    __table_args__ = (
        Index("ix_banking_rm_activity_user_day", "user_id", "day"),
        Index("ix_banking_rm_activity_customer_day", "customer_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers_customer.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    day: Mapped[date]
    at: Mapped[datetime]
    topic: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
    batch: Mapped[str | None] = mapped_column(String(32), index=True)
    #: the campaign the activity belongs to (models/activity.py: 5-20-30 area)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("banking_rm_campaign.id"))
    #: the branch head's spot check: None, "verified" or "false" (false rows leave the league)
    check_state: Mapped[str | None] = mapped_column(String(8))
