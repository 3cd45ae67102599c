"""What the retail-client area adds beside the shared client tables: a
customer's important dates, the FABE product cards (seed 004: feature,
advantage, benefit, evidence) and the lobby's raise-hand census of the
holders of a product (seed 004: ask who already holds it, target the rest)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, TimestampMixin, Versioned


class BankImportantDate(TimestampMixin, Base):
    """A date that matters to one customer (wedding anniversary, a child's
    exam, a business opening …), beside the birthday on the profile."""
    __tablename__ = "banking_rm_important_date"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id", ondelete="CASCADE"),
                                             index=True)
    label: Mapped[str] = mapped_column(String(60))
    on: Mapped[date]


class BankProductCard(TimestampMixin, Versioned, Base):
    """The FABE card of one product kind (or one named product): what a
    manager or teller says when presenting it."""
    __tablename__ = "banking_rm_product_card"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # one of PRODUCT_KINDS
    title: Mapped[str] = mapped_column(String(120))
    feature: Mapped[str] = mapped_column(Text)
    advantage: Mapped[str] = mapped_column(Text)
    benefit: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))


class BankCensus(TimestampMixin, Base):
    """One raise-hand census in the lobby: of the customers present, how many
    already hold the product kind; the others are the targets."""
    __tablename__ = "banking_rm_census"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(16))
    present: Mapped[int]
    holders: Mapped[int]
    note: Mapped[str | None] = mapped_column(Text)
    taken_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
