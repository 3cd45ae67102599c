"""After-sale services: cleaning, maintenance, repair, appraisal, trade-in
and buy-back.  A piece is followed by its certificate number, so a piece
sold by us is recognised when it comes back, and one history page per
certificate shows what happened to it."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, TimestampMixin, Versioned
from plugins.customers.api import Customer

from .pieces import Grams

CLEANING, MAINTENANCE, REPAIR, APPRAISAL, TRADE_IN, BUY_BACK = (
    "cleaning", "maintenance", "repair", "appraisal", "trade_in", "buy_back")
SERVICE_KINDS = (CLEANING, MAINTENANCE, REPAIR, APPRAISAL, TRADE_IN, BUY_BACK)
#: kinds that take the piece in for work and give it back
WORKSHOP_KINDS = (CLEANING, MAINTENANCE, REPAIR)

# States: intake → approved (the customer accepts the estimate) → ready
# (customer told) → returned; appraisal, trade-in and buy-back end at "done".
INTAKE, APPROVED, READY, RETURNED, DONE = "intake", "approved", "ready", "returned", "done"
SERVICE_STATES = (INTAKE, APPROVED, READY, RETURNED, DONE)


class StoresDemoService(TimestampMixin, Versioned, Base):
    __tablename__ = "stores_demo_service"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(12), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    #: our piece, when the certificate number is one of ours
    piece_id: Mapped[int | None] = mapped_column(ForeignKey("stores_demo_piece.id"))
    certificate_no: Mapped[str | None] = mapped_column(String(40), index=True)
    description: Mapped[str] = mapped_column(String(200))
    metal: Mapped[str | None] = mapped_column(String(12))
    net_weight: Mapped[Decimal | None] = mapped_column(Grams)
    condition_notes: Mapped[str | None] = mapped_column(Text)
    declared_value: Mapped[Decimal | None]
    estimate: Mapped[Decimal | None]
    received_on: Mapped[date]
    approved_on: Mapped[date | None]
    ready_on: Mapped[date | None]
    returned_on: Mapped[date | None]
    state: Mapped[str] = mapped_column(String(12), default=INTAKE, index=True)
    #: appraisal: the finding printed on the certificate / warranty
    finding: Mapped[str | None] = mapped_column(Text)
    #: trade-in / buy-back: the amount offered, from the settings' rules
    amount: Mapped[Decimal | None]
    ours: Mapped[bool] = mapped_column(default=False)
    invoice_number: Mapped[str | None] = mapped_column(String(40))
    #: trade-in / buy-back: finance's numbers of what was posted (the credit
    #: note of a trade-in; the entries of a buy-back's purchase and payment)
    finance_reference: Mapped[str | None] = mapped_column(String(80))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    note: Mapped[str | None] = mapped_column(Text)

    customer: Mapped[Customer] = relationship(lazy="joined")
