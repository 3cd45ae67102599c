"""Rebate claims (返利申报, seed 000 §四.5.D / 003): two kinds, evidence
attachments, draft → submitted → approved (accrues 2241) → redeemed / rejected."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, TimestampMixin, Versioned
from plugins.customers.api import Customer

SALES_SUBSIDY, PRICE_DROP = "sales_subsidy", "price_drop"
REBATE_KINDS = (SALES_SUBSIDY, PRICE_DROP)

DRAFT, SUBMITTED, APPROVED, REDEEMED, REJECTED = (
    "draft", "submitted", "approved", "redeemed", "rejected")
REBATE_STATES = (DRAFT, SUBMITTED, APPROVED, REDEEMED, REJECTED)

BY_CREDIT_NOTE, BY_PAYMENT = "credit_note", "payment"


class FinanceRebateClaim(Versioned, TimestampMixin, Base):
    __tablename__ = "finance_rebate_claim"
    __audited__ = True
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(12), default=DRAFT, index=True)
    #: Set when another plugin filed the claim, e.g. "dealers.rebate_claim:5".
    source: Mapped[str | None] = mapped_column(String(80), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    submitted_at: Mapped[datetime | None]
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    decision_note: Mapped[str | None] = mapped_column(Text)
    approved_on: Mapped[date | None] = mapped_column(Date)
    #: The accrual entry: Dr 6601 销售费用 / Cr 2241 其他应付款.
    accrual_entry_id: Mapped[int | None] = mapped_column(ForeignKey("finance_entry.id"))
    redeemed_on: Mapped[date | None] = mapped_column(Date)
    redeemed_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    redemption: Mapped[str | None] = mapped_column(String(12))
    redemption_entry_id: Mapped[int | None] = mapped_column(ForeignKey("finance_entry.id"))

    customer: Mapped[Customer] = relationship(lazy="joined")
    lines: Mapped[list["FinanceRebateLine"]] = relationship(
        back_populates="claim", cascade="all, delete-orphan", order_by="FinanceRebateLine.id")


class FinanceRebateLine(Base):
    """The basis of a claim: which products, how many, how much each."""

    __tablename__ = "finance_rebate_line"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        ForeignKey("finance_rebate_claim.id", ondelete="CASCADE"), index=True)
    product: Mapped[str] = mapped_column(String(120))
    quantity: Mapped[Decimal] = mapped_column(Numeric(18, 3))
    unit_amount: Mapped[Decimal]
    amount: Mapped[Decimal]

    claim: Mapped[FinanceRebateClaim] = relationship(back_populates="lines")


# Short names for this plugin's own code.  The classes carry the plugin's
# prefix because all plugins share one SQLAlchemy class registry (docs/plugins.md).
RebateClaim = FinanceRebateClaim
RebateLine = FinanceRebateLine
