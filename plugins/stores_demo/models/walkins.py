"""Walk-ins: a visitor who looked but did not buy, captured on the shop
floor in seconds (seed 002 §一.2: "why don't your salespeople follow up the
customers who did not buy?")."""
from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, OwnedMixin, TimestampMixin

#: budget bands a seller picks at a glance; (code, low, high) in CNY, high exclusive
BUDGET_BANDS = (
    ("b1", 0, 5_000),
    ("b2", 5_000, 20_000),
    ("b3", 20_000, 50_000),
    ("b4", 50_000, 100_000),
    ("b5", 100_000, None),
)
BAND_CODES = tuple(b[0] for b in BUDGET_BANDS)

#: what the visitor came for
INTERESTS = ("wedding", "anniversary", "gift", "self", "investment", "custom", "browsing")


class StoresDemoWalkin(OwnedMixin, TimestampMixin, Base):
    """``owner_id`` is the seller who served the visitor and follows up."""
    __tablename__ = "stores_demo_walkin"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    visited_on: Mapped[date] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(80))
    mobile: Mapped[str] = mapped_column(String(20), default="", info={"pii": "phone"})
    interest: Mapped[str] = mapped_column(String(12))
    budget_band: Mapped[str | None] = mapped_column(String(4))
    piece_id: Mapped[int | None] = mapped_column(ForeignKey("stores_demo_piece.id"))
    #: the key account the visitor is (or became), when known
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
