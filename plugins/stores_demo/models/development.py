"""Developing a key account (seed 002 §2.3, §3, §四, §五): the development
plan (开发方案), visits (拜访), receptions (接待) and the expense claims that
follow them.  Every row belongs to a key account (``customer_id``) and
follows that customer's access (``access.BY_CUSTOMER``)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, TimestampMixin
from plugins.customers.api import Customer

# -- development plans ------------------------------------------------------
DRAFT, SUBMITTED, APPROVED, REJECTED, PAID = "draft", "submitted", "approved", "rejected", "paid"
PLAN_STATES = (DRAFT, SUBMITTED, APPROVED, REJECTED)

# -- visits: plan → pre-visit discussion → application → approval and funds →
#    visit record → follow-up within 7 days → summary (seed 002 §3.1, §四)
V_PLANNED, V_DISCUSSED, V_APPLIED, V_APPROVED, V_VISITED, V_FOLLOWED, V_SUMMARISED = (
    "planned", "discussed", "applied", "approved", "visited", "followed_up", "summarised")
VISIT_STATES = (V_PLANNED, V_DISCUSSED, V_APPLIED, V_APPROVED, V_VISITED, V_FOLLOWED,
                V_SUMMARISED, REJECTED)
VISIT_METHODS = ("face_to_face", "phone", "video")
TRANSPORTS = ("company_car", "own_car", "taxi", "public")

# -- receptions: request → plan → approval → reception → report (§3.2, §五)
R_REQUESTED, R_PLANNED, R_APPROVED, R_RECEIVED, R_REPORTED = (
    "requested", "planned", "approved", "received", "reported")
RECEPTION_STATES = (R_REQUESTED, R_PLANNED, R_APPROVED, R_RECEIVED, R_REPORTED, REJECTED)

# -- expense claims
CLAIM_STATES = (SUBMITTED, APPROVED, PAID, REJECTED)
CLAIM_CATEGORIES = ("travel", "entertainment", "gift", "transport")

Money = Numeric(18, 2)


class StoresDemoPlan(TimestampMixin, Base):
    """A development plan for one key account; its expected value decides
    whether the account is worth developing (seed 002 §2.3 (5))."""
    __tablename__ = "stores_demo_plan"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    period_start: Mapped[date]
    period_end: Mapped[date]
    forecast_sales: Mapped[Decimal] = mapped_column(Money)
    forecast_profit: Mapped[Decimal] = mapped_column(Money)
    staff_cost: Mapped[Decimal] = mapped_column(Money)
    travel_cost: Mapped[Decimal] = mapped_column(Money)
    pr_cost: Mapped[Decimal] = mapped_column(Money)
    #: 0 (no risk) … 1 (certain failure)
    risk_coefficient: Mapped[Decimal] = mapped_column(Numeric(4, 2))
    expected_value: Mapped[Decimal] = mapped_column(Money)
    approach: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=DRAFT, index=True)
    submitted_on: Mapped[date | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    decided_on: Mapped[date | None]
    reject_reason: Mapped[str | None] = mapped_column(Text)

    customer: Mapped[Customer] = relationship(lazy="joined")


class StoresDemoVisit(TimestampMixin, Base):
    __tablename__ = "stores_demo_visit"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=V_PLANNED, index=True)
    # the plan
    planned_on: Mapped[date]
    purpose: Mapped[str] = mapped_column(Text)
    people: Mapped[str] = mapped_column(String(200))
    head_count: Mapped[int] = mapped_column(default=1)
    gift: Mapped[str | None] = mapped_column(String(120))
    offers: Mapped[str | None] = mapped_column(Text)
    pieces_to_show: Mapped[str | None] = mapped_column(Text)
    transport: Mapped[str] = mapped_column(String(12), default="own_car")
    budget: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    # the pre-visit discussion meeting (seed 002 §四.1)
    discussion_notes: Mapped[str | None] = mapped_column(Text)
    discussed_on: Mapped[date | None]
    # application, approval and funds
    applied_on: Mapped[date | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    decided_on: Mapped[date | None]
    approved_funds: Mapped[Decimal | None] = mapped_column(Money)
    reject_reason: Mapped[str | None] = mapped_column(Text)
    # the visit record (《客户拜访记录表》)
    visited_at: Mapped[datetime | None]
    place: Mapped[str | None] = mapped_column(String(200))
    method: Mapped[str | None] = mapped_column(String(16))
    key_points: Mapped[str | None] = mapped_column(Text)
    customer_views: Mapped[str | None] = mapped_column(Text)
    next_visit_on: Mapped[date | None]
    follow_up_due: Mapped[date | None] = mapped_column(index=True)
    # follow-up within a week, then the summary
    followed_up_on: Mapped[date | None]
    follow_up_note: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    summarised_on: Mapped[date | None]

    customer: Mapped[Customer] = relationship(lazy="joined")


class StoresDemoReception(TimestampMixin, Base):
    __tablename__ = "stores_demo_reception"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=R_REQUESTED, index=True)
    visit_on: Mapped[date]
    visit_time: Mapped[str | None] = mapped_column(String(5))
    head_count: Mapped[int] = mapped_column(default=1)
    needs: Mapped[str | None] = mapped_column(Text)
    # the plan: who receives (seed 002 §五.1)
    host_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    main_seller_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    clerk_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    room: Mapped[str | None] = mapped_column(String(80))
    dining_out: Mapped[bool] = mapped_column(default=False)
    senior_leader_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    budget: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    decided_on: Mapped[date | None]
    reject_reason: Mapped[str | None] = mapped_column(Text)
    received_on: Mapped[date | None]
    # the reception report with the customer's buying experience
    buying_experience: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    reported_on: Mapped[date | None]

    customer: Mapped[Customer] = relationship(lazy="joined")


class StoresDemoClaim(TimestampMixin, Base):
    """An expense claim for a visit or a reception.  Approved, it posts to
    finance (selling expense against a payable to the employee); finance
    pays it later."""
    __tablename__ = "stores_demo_claim"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("stores_demo_visit.id"), index=True)
    reception_id: Mapped[int | None] = mapped_column(ForeignKey("stores_demo_reception.id"),
                                                     index=True)
    category: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(Money)
    description: Mapped[str] = mapped_column(String(255))
    spent_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(12), default=SUBMITTED, index=True)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    decided_on: Mapped[date | None]
    reject_reason: Mapped[str | None] = mapped_column(Text)
    entry_number: Mapped[str | None] = mapped_column(String(32))
    paid_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    paid_on: Mapped[date | None]
    payment_entry_number: Mapped[str | None] = mapped_column(String(32))

    customer: Mapped[Customer] = relationship(lazy="joined")


DEVELOPMENT_MODELS = (StoresDemoPlan, StoresDemoVisit, StoresDemoReception, StoresDemoClaim)
