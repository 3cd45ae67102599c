"""Budgets and accruals (预算 / 预提, seed 000 §四.5.F)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, OwnedMixin, TimestampMixin, Versioned, utcnow

from .ledger import LedgerAccount

SALES, COLLECTIONS, EXPENSE = "sales", "collections", "expense"
BUDGET_KINDS = (SALES, COLLECTIONS, EXPENSE)


class FinanceBudget(Versioned, OwnedMixin, TimestampMixin, Base):
    """The amount planned for one month, org unit and (optionally)
    salesperson (``owner_id``): sales, collections, or an expense account."""

    __tablename__ = "finance_budget"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("month >= 1 AND month <= 12", name="month_range"),
        Index("ix_finance_budget_key", "org_unit_id", "owner_id", "year", "month", "kind",
              "account_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    month: Mapped[int]
    kind: Mapped[str] = mapped_column(String(12))
    #: The expense account (6601xx) for kind "expense".
    account_id: Mapped[int | None] = mapped_column(ForeignKey("finance_account.id"))
    amount: Mapped[Decimal]
    note: Mapped[str] = mapped_column(String(255), default="")

    account: Mapped[LedgerAccount | None] = relationship(lazy="joined")


class FinanceAccrual(OwnedMixin, Base):
    """A month-end accrual of an expense incurred but not yet claimed.  Its
    reversal is posted together with it, dated the first day of the next
    month, so nobody has to remember to reverse it."""

    __tablename__ = "finance_accrual"
    __audited__ = True
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[date] = mapped_column(Date)
    account_id: Mapped[int] = mapped_column(ForeignKey("finance_account.id"))
    counter_account_id: Mapped[int] = mapped_column(ForeignKey("finance_account.id"))
    amount: Mapped[Decimal]
    description: Mapped[str] = mapped_column(Text)
    entry_id: Mapped[int] = mapped_column(ForeignKey("finance_entry.id"), unique=True)
    reversal_entry_id: Mapped[int] = mapped_column(ForeignKey("finance_entry.id"), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    account: Mapped[LedgerAccount] = relationship(foreign_keys=[account_id], lazy="joined")
    counter_account: Mapped[LedgerAccount] = relationship(foreign_keys=[counter_account_id])


# Short names for this plugin's own code.  The classes carry the plugin's
# prefix because all plugins share one SQLAlchemy class registry (docs/plugins.md).
Budget = FinanceBudget
Accrual = FinanceAccrual
