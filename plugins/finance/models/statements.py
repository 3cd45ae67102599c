"""Monthly statements (对账单, seed 000 §四.E.5) and the customer's answer."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, utcnow
from plugins.customers.api import Customer

PENDING, CONFIRMED, DISPUTED, RESOLVED = "pending", "confirmed", "disputed", "resolved"
ANSWER_STATES = (PENDING, CONFIRMED, DISPUTED, RESOLVED)

OPEN, CLOSED = "open", "closed"


class FinanceStatement(Base):
    """What was sent to the customer for one month: the totals as issued
    (the ledger behind them never changes) and the archived PDF."""

    __tablename__ = "finance_statement"
    __audited__ = True
    __table_args__ = (UniqueConstraint("customer_id", "period", name="customer_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    #: "YYYY-MM"
    period: Mapped[str] = mapped_column(String(7), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    opening: Mapped[Decimal]
    debit: Mapped[Decimal]
    credit: Mapped[Decimal]
    closing: Mapped[Decimal]
    movements: Mapped[int] = mapped_column(default=0)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    #: The archived PDF in the core document service, when issued as a PDF.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("core_document.id"))
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN")

    answer: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    answered_on: Mapped[date | None] = mapped_column(Date)
    answer_note: Mapped[str | None] = mapped_column(Text)
    answered_by_name: Mapped[str | None] = mapped_column(String(80))
    answer_recorded_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    answer_scan_id: Mapped[int | None] = mapped_column(ForeignKey("core_attachment.id"))
    resolved_at: Mapped[datetime | None]

    customer: Mapped[Customer] = relationship(lazy="joined")
    disputes: Mapped[list["FinanceStatementDispute"]] = relationship(
        back_populates="statement", cascade="all, delete-orphan",
        order_by="FinanceStatementDispute.id")


class FinanceStatementDispute(Base):
    """One disputed line of a statement, followed until resolved."""

    __tablename__ = "finance_statement_dispute"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(
        ForeignKey("finance_statement.id", ondelete="CASCADE"), index=True)
    #: The movement disputed (None = the opening balance or something missing).
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("finance_entry.id"))
    note: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(8), default=OPEN, index=True)
    resolution: Mapped[str | None] = mapped_column(Text)
    #: The correcting entry, when the resolution needed one.
    correction_entry_id: Mapped[int | None] = mapped_column(ForeignKey("finance_entry.id"))
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))

    statement: Mapped[FinanceStatement] = relationship(back_populates="disputes")


# Short names for this plugin's own code.  The classes carry the plugin's
# prefix because all plugins share one SQLAlchemy class registry (docs/plugins.md).
Statement = FinanceStatement
StatementDispute = FinanceStatementDispute
