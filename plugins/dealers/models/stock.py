"""Dealer stock reports (进销存): per visit or month, sell-out and stock on
hand by model.  Sell-in comes from confirmed orders."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, TimestampMixin
from plugins.customers.api import Customer

from .catalog import DealerProduct

SOURCE_VISIT, SOURCE_MONTHLY = "visit", "monthly"


class DealerStockReport(TimestampMixin, Base):
    __tablename__ = "dealers_stock_report"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers_customer.id", ondelete="CASCADE"), index=True)
    report_date: Mapped[date] = mapped_column(index=True)
    period: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM of report_date
    source: Mapped[str] = mapped_column(String(10), default=SOURCE_VISIT)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))

    customer: Mapped[Customer] = relationship(lazy="joined")
    lines: Mapped[list["DealerStockReportLine"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="DealerStockReportLine.id")


class DealerStockReportLine(Base):
    """Units sold to consumers since the previous report, and on hand now."""

    __tablename__ = "dealers_stock_report_line"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("report_id", "product_id"),
        CheckConstraint("sold_qty >= 0 AND stock_qty >= 0", name="qty_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("dealers_stock_report.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("dealers_product.id"), index=True)
    sold_qty: Mapped[int] = mapped_column(default=0)
    stock_qty: Mapped[int] = mapped_column(default=0)
    #: average retail price the dealer realised (for the profit analysis)
    sellout_price: Mapped[Decimal | None]

    report: Mapped[DealerStockReport] = relationship(back_populates="lines")
    product: Mapped[DealerProduct] = relationship(lazy="joined")
