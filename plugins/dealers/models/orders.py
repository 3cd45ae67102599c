"""Sales orders (销售指令单): lines, floor-price approval, confirmation with
the finance invoice, the signed/stamped slip and the receipt slip (签收单);
serial numbers shipped per region for cross-region control."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, TimestampMixin
from plugins.customers.api import Customer

from .catalog import DealerPriceList, DealerProduct

DRAFT, CONFIRMED, CANCELLED = "draft", "confirmed", "cancelled"
ORDER_STATES = (DRAFT, CONFIRMED, CANCELLED)


class DealerOrder(TimestampMixin, Base):
    __tablename__ = "dealers_order"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    price_list_id: Mapped[int | None] = mapped_column(ForeignKey("dealers_price_list.id"))
    state: Mapped[str] = mapped_column(String(12), default=DRAFT, index=True)
    order_date: Mapped[date]
    delivery_address: Mapped[str] = mapped_column(String(255), default="")
    delivery_date: Mapped[date | None]
    delivered_on: Mapped[date | None]
    total: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))

    # Floor price (最低限价): lines below it need a manager's approval.
    floor_approved_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    floor_approved_at: Mapped[datetime | None]
    floor_approval_reason: Mapped[str | None] = mapped_column(Text)

    # Confirmation = credit check + invoice in finance, one transaction.
    confirmed_at: Mapped[datetime | None]
    confirmed_on: Mapped[date | None] = mapped_column(index=True)
    #: "YYYY-MM" of confirmation: sell-in volumes group on it portably.
    confirmed_period: Mapped[str | None] = mapped_column(String(7), index=True)
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    credit_override_reason: Mapped[str | None] = mapped_column(Text)
    invoice_ref: Mapped[str | None] = mapped_column(String(40))
    invoice_number: Mapped[str | None] = mapped_column(String(40))

    # Paper trail (seed 000 §四.5.E): signed and stamped slip, receipt slip.
    signed_on: Mapped[date | None]
    signed_by_name: Mapped[str | None] = mapped_column(String(80))
    stamped: Mapped[bool] = mapped_column(default=False)
    signature_scan_id: Mapped[int | None] = mapped_column(ForeignKey("core_attachment.id"))
    invoice_delivered_on: Mapped[date | None]
    receipt_returned_on: Mapped[date | None]
    receipt_scan_id: Mapped[int | None] = mapped_column(ForeignKey("core_attachment.id"))

    customer: Mapped[Customer] = relationship(lazy="joined")
    price_list: Mapped[DealerPriceList | None] = relationship()
    lines: Mapped[list["DealerOrderLine"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="DealerOrderLine.id")

    @property
    def below_floor(self) -> bool:
        return any(line.below_floor for line in self.lines)

    @property
    def floor_approved(self) -> bool:
        return self.floor_approved_at is not None


class DealerOrderLine(Base):
    __tablename__ = "dealers_order_line"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("discount_pct >= 0 AND discount_pct < 100", name="discount_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("dealers_order.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("dealers_product.id"), index=True)
    quantity: Mapped[int]
    unit_price: Mapped[Decimal]
    discount_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))
    #: unit price after discount, to the cent; compared with the floor price.
    net_price: Mapped[Decimal]
    amount: Mapped[Decimal]
    floor_price: Mapped[Decimal]
    below_floor: Mapped[bool] = mapped_column(default=False)

    order: Mapped[DealerOrder] = relationship(back_populates="lines")
    product: Mapped[DealerProduct] = relationship(lazy="joined")


class ShipmentSerial(Base):
    """A unit shipped to a dealer: serial number and the region it was sold
    into (窜货 control, seed 001 第四节)."""

    __tablename__ = "dealers_shipment_serial"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    serial_no: Mapped[str] = mapped_column(String(60), unique=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("dealers_order.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("dealers_product.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    province: Mapped[str] = mapped_column(String(40), default="")
    city: Mapped[str] = mapped_column(String(40), default="")
    county: Mapped[str] = mapped_column(String(40), default="")
    shipped_on: Mapped[date]

    product: Mapped[DealerProduct] = relationship(lazy="joined")
    customer: Mapped[Customer] = relationship(lazy="joined")

    @property
    def region_label(self) -> str:
        return f"{self.province}{self.city}{self.county}"
