"""Dealers, their retail terminals (终端/门店) and the promoters (导购员)
the maker pays to stand in them."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, TimestampMixin, Versioned
from plugins.customers.api import Customer

# Dealer kinds registered into customers (seed 000 §三.1).
MEMBER, TRADITIONAL, CHAIN_NATIONAL, CHAIN_LOCAL = (
    "member", "traditional", "chain_national", "chain_local")
DEALER_KINDS = (MEMBER, TRADITIONAL, CHAIN_NATIONAL, CHAIN_LOCAL)

# Display booth (展台) state of a terminal.
DISPLAY_GOOD, DISPLAY_WORN, DISPLAY_NONE = "good", "worn", "none"
DISPLAY_STATES = (DISPLAY_GOOD, DISPLAY_WORN, DISPLAY_NONE)


class DealerProfile(Versioned, TimestampMixin, Base):
    """The dealer side of a customer (an extension table: dealers never add
    columns to customers' tables): agreement term and targets, membership
    fee, whether it sells competing brands, its assigned sales region."""

    __tablename__ = "dealers_dealer_profile"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers_customer.id", ondelete="CASCADE"), unique=True)
    multi_brand: Mapped[bool] = mapped_column(default=False)
    member_fee: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    agreement_no: Mapped[str | None] = mapped_column(String(40), unique=True)
    agreement_start: Mapped[date | None]
    agreement_end: Mapped[date | None]
    annual_target_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    annual_target_units: Mapped[int] = mapped_column(default=0)
    main_push_share_pct: Mapped[int] = mapped_column(default=0)
    #: Assigned sales region; units found outside it are cross-region selling.
    region_province: Mapped[str] = mapped_column(String(40), default="")
    region_city: Mapped[str] = mapped_column(String(40), default="")
    region_county: Mapped[str] = mapped_column(String(40), default="")
    price_list_id: Mapped[int | None] = mapped_column(ForeignKey("dealers_price_list.id"))
    note: Mapped[str | None] = mapped_column(Text)

    customer: Mapped[Customer] = relationship(lazy="joined")

    @property
    def region_label(self) -> str:
        return "".join(p for p in (self.region_province, self.region_city, self.region_county))


class DealerTerminal(Versioned, TimestampMixin, Base):
    """A store where consumers buy; a coverage point of the 一县两点 rule."""

    __tablename__ = "dealers_terminal"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers_customer.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(255), default="")
    province: Mapped[str] = mapped_column(String(40), default="")
    city: Mapped[str] = mapped_column(String(40), default="")
    county: Mapped[str] = mapped_column(String(40), default="", index=True)
    #: Empty = in the county seat (县城); else the township (乡镇).
    town: Mapped[str] = mapped_column(String(60), default="")
    floor_area: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    has_signage: Mapped[bool] = mapped_column(default=False)
    display_state: Mapped[str] = mapped_column(String(10), default=DISPLAY_NONE)
    active: Mapped[bool] = mapped_column(default=True)

    customer: Mapped[Customer] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        return self.name


# Promoter status.
PROMOTER_ACTIVE, PROMOTER_ELIMINATED, PROMOTER_LEFT = "active", "eliminated", "left"


class DealerPromoter(TimestampMixin, Base):
    __tablename__ = "dealers_promoter"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    terminal_id: Mapped[int] = mapped_column(
        ForeignKey("dealers_terminal.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str] = mapped_column(String(40), default="", info={"pii": "phone"})
    #: 临促: a temporary promoter hired for a campaign.
    temporary: Mapped[bool] = mapped_column(default=False)
    hired_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(12), default=PROMOTER_ACTIVE)
    left_on: Mapped[date | None]
    status_reason: Mapped[str | None] = mapped_column(Text)

    terminal: Mapped[DealerTerminal] = relationship(lazy="joined")


class DealerPromoterMonth(Versioned, TimestampMixin, Base):
    """One line of the monthly promoter assessment: target, result, main-push
    units, and the bonus and ranking award computed from the settings."""

    __tablename__ = "dealers_promoter_month"
    __audited__ = True
    __table_args__ = (UniqueConstraint("promoter_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    promoter_id: Mapped[int] = mapped_column(
        ForeignKey("dealers_promoter.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    target_units: Mapped[int] = mapped_column(default=0)
    sold_units: Mapped[int] = mapped_column(default=0)
    main_push_units: Mapped[int] = mapped_column(default=0)
    note: Mapped[str | None] = mapped_column(Text)

    promoter: Mapped[DealerPromoter] = relationship(lazy="joined")
