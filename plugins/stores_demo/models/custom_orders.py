"""Custom orders (定制): a piece made to a customer's brief.

The gold price is locked when the order is taken and holds until
``lock_expires``; the deposit must be paid while the lock holds.  The
deposit is a prepayment in finance; at delivery the piece is invoiced at
the locked price × the actual net weight + labour + stones, and the
deposit is applied to that invoice, so what is left open is the balance."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, TimestampMixin, Versioned
from plugins.customers.api import Customer

from .pieces import Grams

# Stages, in order (brief → design approved → production → QC → ready → delivered)
BRIEF, DESIGN_APPROVED, PRODUCTION, QC, READY, DELIVERED = (
    "brief", "design_approved", "production", "qc", "ready", "delivered")
STAGES = (BRIEF, DESIGN_APPROVED, PRODUCTION, QC, READY, DELIVERED)
CANCELLED = "cancelled"


class StoresDemoCustomOrder(TimestampMixin, Versioned, Base):
    __tablename__ = "stores_demo_custom_order"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    ordered_on: Mapped[date]
    due_date: Mapped[date]
    brief: Mapped[str] = mapped_column(Text)
    style: Mapped[str | None] = mapped_column(String(40))
    metal: Mapped[str] = mapped_column(String(12))
    stones: Mapped[str | None] = mapped_column(String(200))
    stones_price: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    estimated_weight: Mapped[Decimal] = mapped_column(Grams)
    #: the day's price per gram, locked for this order until ``lock_expires``
    gold_price: Mapped[Decimal]
    lock_expires: Mapped[date]
    labour_fee: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    estimated_price: Mapped[Decimal]
    deposit: Mapped[Decimal | None]
    deposit_paid_on: Mapped[date | None]
    deposit_reference: Mapped[str | None] = mapped_column(String(40))
    stage: Mapped[str] = mapped_column(String(16), default=BRIEF, index=True)
    actual_weight: Mapped[Decimal | None] = mapped_column(Grams)
    final_price: Mapped[Decimal | None]
    invoice_number: Mapped[str | None] = mapped_column(String(40))
    delivered_on: Mapped[date | None]
    #: cancelled before production: the day, the deposit refunded (the
    #: setting's share) and finance's numbers of the refund postings
    cancelled_on: Mapped[date | None]
    refund: Mapped[Decimal | None]
    refund_reference: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text)

    customer: Mapped[Customer] = relationship(lazy="joined")
