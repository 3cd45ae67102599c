"""Sample units (样机) on dealers' floors: register, recorded transfers,
monthly on-site counts; returned and repair units (商返机 / 库存待修机)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from core.db import Base, TimestampMixin
from core.i18n import _l
from core.services import ServiceError
from plugins.customers.api import Customer

from .catalog import DealerProduct
from .network import DealerTerminal

# Sample states: on the register while on display / missing / damaged.
ON_DISPLAY, MISSING, DAMAGED, SOLD, WITHDRAWN = "display", "missing", "damaged", "sold", "withdrawn"
SAMPLE_STATES = (ON_DISPLAY, MISSING, DAMAGED, SOLD, WITHDRAWN)
ON_REGISTER = (ON_DISPLAY, MISSING, DAMAGED)


class SampleUnit(TimestampMixin, Base):
    __tablename__ = "dealers_sample_unit"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    serial_no: Mapped[str] = mapped_column(String(60), unique=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("dealers_product.id"), index=True)
    #: The dealer of the terminal; kept with the terminal by the transfer service.
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    terminal_id: Mapped[int] = mapped_column(ForeignKey("dealers_terminal.id"), index=True)
    placed_on: Mapped[date]
    state: Mapped[str] = mapped_column(String(12), default=ON_DISPLAY, index=True)
    sold_on: Mapped[date | None]
    sale_price: Mapped[Decimal | None]
    invoice_ref: Mapped[str | None] = mapped_column(String(40))
    invoice_number: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    # A sale below the floor price waits here for the same approval as an
    # order's below-floor lines (issue 21, item 18); nothing is invoiced yet.
    pending_price: Mapped[Decimal | None]
    pending_on: Mapped[date | None]
    pending_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    floor_approved_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    floor_approved_at: Mapped[datetime | None]
    floor_approval_reason: Mapped[str | None] = mapped_column(Text)

    product: Mapped[DealerProduct] = relationship(lazy="joined")
    terminal: Mapped[DealerTerminal] = relationship(lazy="joined")
    customer: Mapped[Customer] = relationship()

    @validates("terminal_id", "customer_id")
    def _only_recorded_moves(self, key, value):
        # Seed 000 §四.5.B: 样机禁止在门店之间调动 without a record.  The transfer
        # service marks the unit before moving it; any other move is refused.
        current = getattr(self, key)
        if current is not None and value != current and getattr(self, "_transfer", None) is None:
            raise ServiceError(_l("A sample unit moves between stores only with a recorded transfer."))
        return value

    @property
    def on_register(self) -> bool:
        return self.state in ON_REGISTER

    @property
    def sale_pending(self) -> bool:
        """A below-floor sale is waiting for a manager's approval."""
        return self.pending_price is not None


class SampleTransfer(Base):
    __tablename__ = "dealers_sample_transfer"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    sample_id: Mapped[int] = mapped_column(
        ForeignKey("dealers_sample_unit.id", ondelete="CASCADE"), index=True)
    from_terminal_id: Mapped[int] = mapped_column(ForeignKey("dealers_terminal.id"))
    to_terminal_id: Mapped[int] = mapped_column(ForeignKey("dealers_terminal.id"))
    from_customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    to_customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    transferred_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))

    sample: Mapped[SampleUnit] = relationship()
    from_terminal: Mapped[DealerTerminal] = relationship(foreign_keys=[from_terminal_id])
    to_terminal: Mapped[DealerTerminal] = relationship(foreign_keys=[to_terminal_id])


FOUND = "found"
COUNT_RESULTS = (FOUND, MISSING, DAMAGED)


class SampleCount(TimestampMixin, Base):
    """A monthly on-site count (现场盘点) at one terminal."""

    __tablename__ = "dealers_sample_count"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    terminal_id: Mapped[int] = mapped_column(ForeignKey("dealers_terminal.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    count_date: Mapped[date]
    period: Mapped[str] = mapped_column(String(7), index=True)
    counted_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    note: Mapped[str | None] = mapped_column(Text)

    terminal: Mapped[DealerTerminal] = relationship(lazy="joined")
    lines: Mapped[list["SampleCountLine"]] = relationship(
        back_populates="count", cascade="all, delete-orphan", order_by="SampleCountLine.id")


class SampleCountLine(Base):
    """One unit's result; a missing or damaged one stays on the discrepancy
    list until resolved."""

    __tablename__ = "dealers_sample_count_line"
    __audited__ = True
    __table_args__ = (UniqueConstraint("count_id", "sample_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    count_id: Mapped[int] = mapped_column(
        ForeignKey("dealers_sample_count.id", ondelete="CASCADE"), index=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("dealers_sample_unit.id"), index=True)
    result: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)
    resolved_on: Mapped[date | None]
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))

    count: Mapped[SampleCount] = relationship(back_populates="lines")
    sample: Mapped[SampleUnit] = relationship(lazy="joined")


RETURNED, REPAIR = "returned", "repair"
RETURN_KINDS = (RETURNED, REPAIR)
RU_OPEN, RU_IN_REPAIR, RU_REPAIRED, RU_BACK, RU_SCRAPPED = (
    "open", "in_repair", "repaired", "back_to_dealer", "scrapped")
RU_STATES = (RU_OPEN, RU_IN_REPAIR, RU_REPAIRED, RU_BACK, RU_SCRAPPED)
RU_CLOSED = (RU_BACK, RU_SCRAPPED)


class ReturnedUnit(TimestampMixin, Base):
    """A unit a consumer brought back (商返机) or a stock unit awaiting repair
    (库存待修机); the aging list keeps any from waiting into a price cut."""

    __tablename__ = "dealers_returned_unit"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("dealers_product.id"))
    serial_no: Mapped[str] = mapped_column(String(60), default="")
    kind: Mapped[str] = mapped_column(String(10), default=RETURNED)
    fault: Mapped[str] = mapped_column(String(255), default="")
    received_on: Mapped[date] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(16), default=RU_OPEN, index=True)
    closed_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)

    customer: Mapped[Customer] = relationship(lazy="joined")
    product: Mapped[DealerProduct] = relationship(lazy="joined")
