"""Market work: promotions (six steps), surveys and dealer selection,
cross-region incidents (窜货) and rebate claims sent to finance."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, OwnedMixin, TimestampMixin
from plugins.customers.api import Customer

from .catalog import DealerProduct
from .orders import ShipmentSerial
from .network import DealerTerminal

# Promotion steps, in order (seed 000 §三.4).
STEP_SURVEY, STEP_PLAN, STEP_COMMUNICATION, STEP_RELEASE, STEP_EXECUTION, STEP_SUMMARY = (
    "survey", "plan", "communication", "release", "execution", "summary")
PROMOTION_STEPS = (STEP_SURVEY, STEP_PLAN, STEP_COMMUNICATION, STEP_RELEASE,
                   STEP_EXECUTION, STEP_SUMMARY)
# Key triggers (内部: 产品大降价、新品上市; 外部: 店庆、开业重装、节假日).
TRIGGERS = ("price_cut", "new_product", "anniversary", "reopening", "holiday")
CHANNELS = ("media", "dm", "sms", "flyers", "posters")
EXECUTION_ITEMS = ("outdoor", "samples", "makeover", "dealer_staff")


class DealerPromotion(TimestampMixin, Base):
    __tablename__ = "dealers_promotion"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    terminal_id: Mapped[int | None] = mapped_column(ForeignKey("dealers_terminal.id"))
    title: Mapped[str] = mapped_column(String(200))
    triggers: Mapped[list] = mapped_column(JSON, default=list)
    start_date: Mapped[date]
    end_date: Mapped[date]
    budget: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    cost: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))

    customer: Mapped[Customer] = relationship(lazy="joined")
    terminal: Mapped[DealerTerminal | None] = relationship()
    steps: Mapped[list["DealerPromotionStep"]] = relationship(
        back_populates="promotion", cascade="all, delete-orphan", order_by="DealerPromotionStep.id")

    def step(self, code: str) -> "DealerPromotionStep | None":
        return next((s for s in self.steps if s.step == code), None)

    @property
    def next_step(self) -> str | None:
        done = {s.step for s in self.steps}
        return next((c for c in PROMOTION_STEPS if c not in done), None)


class DealerPromotionStep(Base):
    """The record of one of the six steps; ``data`` holds the step's fields."""

    __tablename__ = "dealers_promotion_step"
    __audited__ = True
    __table_args__ = (UniqueConstraint("promotion_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    promotion_id: Mapped[int] = mapped_column(
        ForeignKey("dealers_promotion.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(16))
    done_on: Mapped[date]
    notes: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    recorded_at: Mapped[datetime | None]

    promotion: Mapped[DealerPromotion] = relationship(back_populates="steps")


class RegionSurvey(OwnedMixin, TimestampMixin, Base):
    """Market survey of a county: population, divisions (the towns the
    coverage rule counts), market character and size."""

    __tablename__ = "dealers_region_survey"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    province: Mapped[str] = mapped_column(String(40), default="")
    city: Mapped[str] = mapped_column(String(40), default="")
    county: Mapped[str] = mapped_column(String(40), index=True)
    population: Mapped[int] = mapped_column(default=0)
    #: One township (乡镇) per entry.
    towns: Mapped[list] = mapped_column(JSON, default=list)
    market_character: Mapped[str] = mapped_column(Text, default="")
    market_size_units: Mapped[int] = mapped_column(default=0)
    market_size_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    surveyed_on: Mapped[date]
    notes: Mapped[str | None] = mapped_column(Text)


class DealerSurvey(OwnedMixin, TimestampMixin, Base):
    """A dealer (existing or candidate) surveyed and scored for selection."""

    __tablename__ = "dealers_dealer_survey"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    dealer_name: Mapped[str] = mapped_column(String(200))
    county: Mapped[str] = mapped_column(String(40), default="")
    surveyed_on: Mapped[date]
    # Survey (经营状况、实力、信誉度).
    sales_share_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))
    financial_condition: Mapped[str] = mapped_column(Text, default="")
    management_level: Mapped[str] = mapped_column(Text, default="")
    strength: Mapped[str] = mapped_column(Text, default="")
    reputation_note: Mapped[str] = mapped_column(Text, default="")
    # Selection scores 1–5 (seed 000 §四.2.E).
    score_reputation: Mapped[int] = mapped_column(default=3)
    score_scale_capital: Mapped[int] = mapped_column(default=3)
    score_influence: Mapped[int] = mapped_column(default=3)
    score_management: Mapped[int] = mapped_column(default=3)
    score_network: Mapped[int] = mapped_column(default=3)
    score_logistics: Mapped[int] = mapped_column(default=3)
    total_score: Mapped[Decimal] = mapped_column(Numeric(5, 1), default=Decimal("0"))


class CompetitorSurvey(OwnedMixin, TimestampMixin, Base):
    __tablename__ = "dealers_competitor_survey"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    brand: Mapped[str] = mapped_column(String(80))
    county: Mapped[str] = mapped_column(String(40), default="")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers_customer.id"))
    main_models: Mapped[str] = mapped_column(Text, default="")
    price_notes: Mapped[str] = mapped_column(Text, default="")
    activities: Mapped[str] = mapped_column(Text, default="")
    surveyed_on: Mapped[date]


INC_OPEN, INC_CONFIRMED, INC_PENALISED, INC_DISMISSED = "open", "confirmed", "penalised", "dismissed"
INCIDENT_STATES = (INC_OPEN, INC_CONFIRMED, INC_PENALISED, INC_DISMISSED)


class CrossRegionIncident(TimestampMixin, Base):
    """A unit found outside the region it was shipped into."""

    __tablename__ = "dealers_cross_region_incident"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("dealers_shipment_serial.id"), index=True)
    #: The dealer the unit was shipped to (who sold across regions).
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    found_province: Mapped[str] = mapped_column(String(40), default="")
    found_city: Mapped[str] = mapped_column(String(40), default="")
    found_county: Mapped[str] = mapped_column(String(40), default="")
    found_place: Mapped[str] = mapped_column(String(200), default="")
    found_on: Mapped[date]
    penalty: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    status: Mapped[str] = mapped_column(String(12), default=INC_OPEN, index=True)
    note: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    closed_on: Mapped[date | None]

    shipment: Mapped[ShipmentSerial] = relationship(lazy="joined")
    customer: Mapped[Customer] = relationship(lazy="joined")

    @property
    def found_label(self) -> str:
        return f"{self.found_province}{self.found_city}{self.found_county}"


SALES_SUBSIDY, PRICE_DROP = "sales_subsidy", "price_drop"
REBATE_KINDS = (SALES_SUBSIDY, PRICE_DROP)
RC_DRAFT, RC_SUBMITTED = "draft", "submitted"


class DealerRebateClaim(TimestampMixin, Base):
    """A dealer's rebate claim (返利申报) with its basis per model; once
    submitted it lives on in finance's rebate workflow."""

    __tablename__ = "dealers_rebate_claim"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(7))
    state: Mapped[str] = mapped_column(String(12), default=RC_DRAFT)
    total: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    note: Mapped[str | None] = mapped_column(Text)
    finance_ref: Mapped[str | None] = mapped_column(String(40))
    submitted_at: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))

    customer: Mapped[Customer] = relationship(lazy="joined")
    lines: Mapped[list["DealerRebateClaimLine"]] = relationship(
        back_populates="claim", cascade="all, delete-orphan", order_by="DealerRebateClaimLine.id")


class DealerRebateClaimLine(Base):
    __tablename__ = "dealers_rebate_claim_line"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        ForeignKey("dealers_rebate_claim.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("dealers_product.id"))
    quantity: Mapped[int]
    unit_amount: Mapped[Decimal]
    amount: Mapped[Decimal]

    claim: Mapped[DealerRebateClaim] = relationship(back_populates="lines")
    product: Mapped[DealerProduct] = relationship(lazy="joined")
