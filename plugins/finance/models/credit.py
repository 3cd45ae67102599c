"""Credit control (授信管理): a credit profile per customer, the orders
confirmed but not yet invoiced (commitments) and audited overrides."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, TimestampMixin, utcnow, Versioned
from core.models import User
from plugins.customers.api import Customer

PREPAYMENT, NET = "prepayment", "net"
TERMS = (PREPAYMENT, NET)

OPEN, INVOICED, RELEASED = "open", "invoiced", "released"


class CreditProfile(Versioned, TimestampMixin, Base):
    """One row per customer.  No row = a new customer = payment before
    delivery (先款后货) with no credit line.  ``check_credit`` locks this row,
    so concurrent orders of one customer are decided one after the other."""

    __tablename__ = "finance_credit_profile"
    __audited__ = True
    __audit_exclude__ = ("checks",)
    __table_args__ = (
        CheckConstraint("credit_limit >= 0", name="limit_not_negative"),
        CheckConstraint("term_days >= 0", name="term_days_not_negative"),
    )

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers_customer.id"), primary_key=True)
    credit_limit: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    valid_until: Mapped[date | None] = mapped_column(Date)
    terms: Mapped[str] = mapped_column(String(12), default=PREPAYMENT)
    term_days: Mapped[int] = mapped_column(default=0)
    note: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    #: Bumped by every credit check: the UPDATE is what takes the row lock.
    checks: Mapped[int] = mapped_column(default=0)

    customer: Mapped[Customer] = relationship(lazy="joined")

    def effective_terms(self, today: date) -> str:
        """An expired credit line falls back to payment before delivery."""
        if self.terms == NET and (self.valid_until is None or self.valid_until >= today):
            return NET
        return PREPAYMENT


class CreditCommitment(Base):
    """An order confirmed but not yet invoiced: it counts in the exposure
    until it is invoiced or released."""

    __tablename__ = "finance_credit_commitment"
    __audited__ = True
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    source: Mapped[str] = mapped_column(String(80), unique=True)
    amount: Mapped[Decimal]
    state: Mapped[str] = mapped_column(String(10), default=OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    closed_at: Mapped[datetime | None]


class CreditOverride(Base):
    """A manager let a blocked order through, with a reason."""

    __tablename__ = "finance_credit_override"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    amount: Mapped[Decimal]
    source: Mapped[str | None] = mapped_column(String(80))
    #: The block messages the manager overrode.
    blocks: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship(lazy="joined")
    user: Mapped[User] = relationship(lazy="joined")
