"""Pieces of jewelry in the store and the day's gold price.

A piece is priced either by its tag or by weight: net grams × the day's
price of its metal + the labour fee.  Its certificate number (NGTC / GIA …)
is unique and is how a piece sold by us is recognised when it comes back
for repair, appraisal, trade-in or buy-back."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, TimestampMixin, Versioned

# Piece states
IN_STOCK, RESERVED, SOLD, IN_REPAIR, TRADED_IN = "in_stock", "reserved", "sold", "in_repair", "traded_in"
PIECE_STATES = (IN_STOCK, RESERVED, SOLD, IN_REPAIR, TRADED_IN)

# Pricing
BY_TAG, BY_WEIGHT = "tag", "weight"
PRICINGS = (BY_TAG, BY_WEIGHT)

#: metals and purities the store sells; the day's price is kept per metal
METALS = ("Au999", "Au9999", "Au750", "18K", "Pt950", "Pt900", "S925")

Grams = Numeric(12, 3)
Carats = Numeric(8, 3)


class StoresDemoPiece(TimestampMixin, Versioned, Base):
    __tablename__ = "stores_demo_piece"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(120))
    style: Mapped[str | None] = mapped_column(String(40), index=True)  # ring, necklace, bangle …
    metal: Mapped[str] = mapped_column(String(12))
    gross_weight: Mapped[Decimal | None] = mapped_column(Grams)
    net_weight: Mapped[Decimal | None] = mapped_column(Grams)
    stone: Mapped[str | None] = mapped_column(String(40))  # diamond, jade, pearl …
    carat: Mapped[Decimal | None] = mapped_column(Carats)
    colour: Mapped[str | None] = mapped_column(String(8))
    clarity: Mapped[str | None] = mapped_column(String(8))
    cut: Mapped[str | None] = mapped_column(String(12))
    size: Mapped[str | None] = mapped_column(String(12))  # ring size, chain length
    certificate_no: Mapped[str | None] = mapped_column(String(40), unique=True)
    certificate_lab: Mapped[str | None] = mapped_column(String(12))  # NGTC, GIA …
    pricing: Mapped[str] = mapped_column(String(8), default=BY_TAG)
    tag_price: Mapped[Decimal | None]
    labour_fee: Mapped[Decimal | None]
    state: Mapped[str] = mapped_column(String(12), default=IN_STOCK, index=True)
    #: while reserved or sold: the account (a customer) and who did it
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    reserved_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    reserved_on: Mapped[date | None]
    sold_on: Mapped[date | None]
    sale_price: Mapped[Decimal | None]
    invoice_number: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)


class StoresDemoGoldPrice(TimestampMixin, Base):
    """The day's price of one metal per gram (今日金价)."""
    __tablename__ = "stores_demo_gold_price"
    __audited__ = True
    __table_args__ = (UniqueConstraint("day", "metal", name="uq_stores_demo_gold_price_day_metal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(index=True)
    metal: Mapped[str] = mapped_column(String(12))
    price_per_gram: Mapped[Decimal]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
