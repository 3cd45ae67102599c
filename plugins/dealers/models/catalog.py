"""Products and price lists: shared reference data of the office."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, TimestampMixin, Versioned

# Product status (domain: new, main-push 主推, normal, end-of-life).
NEW, MAIN_PUSH, NORMAL, EOL = "new", "main_push", "normal", "eol"
PRODUCT_STATUSES = (NEW, MAIN_PUSH, NORMAL, EOL)
CATEGORIES = ("tv", "fridge", "washer", "aircon", "audio", "other")


class DealerProduct(Versioned, TimestampMixin, Base):
    """A product model with its suggested retail (list) price and the floor
    price (最低限价) below which an order line needs a manager's approval."""

    __tablename__ = "dealers_product"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("floor_price >= 0 AND list_price >= 0", name="prices_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    model: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(20), default="tv", index=True)
    list_price: Mapped[Decimal]
    floor_price: Mapped[Decimal]
    status: Mapped[str] = mapped_column(String(12), default=NORMAL, index=True)
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def label(self) -> str:
        return f"{self.model} {self.name}".strip()


class DealerPriceList(Versioned, TimestampMixin, Base):
    """Dealer purchase prices, optionally for one dealer kind, valid in a
    date range."""

    __tablename__ = "dealers_price_list"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    dealer_kind: Mapped[str | None] = mapped_column(String(40))
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    active: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str | None] = mapped_column(Text)

    items: Mapped[list["DealerPriceListItem"]] = relationship(
        back_populates="price_list", cascade="all, delete-orphan",
        order_by="DealerPriceListItem.id")


class DealerPriceListItem(Base):
    __tablename__ = "dealers_price_list_item"
    __audited__ = True
    __table_args__ = (UniqueConstraint("price_list_id", "product_id"),
                      CheckConstraint("price >= 0", name="price_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    price_list_id: Mapped[int] = mapped_column(
        ForeignKey("dealers_price_list.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("dealers_product.id"), index=True)
    price: Mapped[Decimal]

    price_list: Mapped[DealerPriceList] = relationship(back_populates="items")
    product: Mapped[DealerProduct] = relationship(lazy="joined")
