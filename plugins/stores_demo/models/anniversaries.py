"""Dates that matter to an account (birthday, wedding anniversary) and what
fits the account when a piece is proposed for them (seed 002 §2.1: the
department leads with carat diamonds for wedding anniversaries).

A date is kept as month and day (the year is optional: many customers tell
the day, not the year), so "which dates fall in the next N days" is one
indexed range on ``month * 100 + day``."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, TimestampMixin

BIRTHDAY, WEDDING = "birthday", "wedding"
DATE_KINDS = (BIRTHDAY, WEDDING)


class StoresDemoImportantDate(TimestampMixin, Base):
    __tablename__ = "stores_demo_important_date"
    __audited__ = True
    __table_args__ = (Index("ix_stores_demo_important_date_md", "month_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id", ondelete="CASCADE"),
                                             index=True)
    kind: Mapped[str] = mapped_column(String(12))
    #: whose date it is, when not the account's own ("wife", "daughter")
    person: Mapped[str | None] = mapped_column(String(40))
    month: Mapped[int] = mapped_column(SmallInteger)
    day: Mapped[int] = mapped_column(SmallInteger)
    #: ``month * 100 + day`` (0229 for 29 February): the column the reminder query ranges over
    month_day: Mapped[int] = mapped_column(SmallInteger)
    year: Mapped[int | None] = mapped_column(SmallInteger)
    note: Mapped[str | None] = mapped_column(Text)


class StoresDemoFit(TimestampMixin, Base):
    """What fits an account: budget band, ring size, taste (style, metal, stone)."""
    __tablename__ = "stores_demo_fit"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id", ondelete="CASCADE"),
                                             unique=True)
    budget_band: Mapped[str | None] = mapped_column(String(4))
    ring_size: Mapped[str | None] = mapped_column(String(12))
    #: preferred style of piece (ring, necklace …), metal and stone; empty = any
    style: Mapped[str | None] = mapped_column(String(40))
    metal: Mapped[str | None] = mapped_column(String(12))
    stone: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
