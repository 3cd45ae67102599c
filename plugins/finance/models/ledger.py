"""The general ledger: accounts, journals, posted entries and their lines.

Entries and lines are append-only.  Database triggers (``triggers.py``)
refuse UPDATE and DELETE on both SQLite and PostgreSQL, refuse an extra line
on a complete entry and refuse an entry dated on or before the lock date;
the ORM guard at the bottom gives the same refusal a clear message before
SQL is even sent.  A correction is a new entry that points at the original
(``reversal_of_id``); the original learns about it through the reverse
relationship, so it never has to change.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, TimestampMixin, utcnow
from core.i18n import _l
from core.services import ServiceError

ASSET, LIABILITY, EQUITY, REVENUE, EXPENSE = "asset", "liability", "equity", "revenue", "expense"
ACCOUNT_KINDS = (ASSET, LIABILITY, EQUITY, REVENUE, EXPENSE)


class LedgerAccount(TimestampMixin, Base):
    """One account of the chart (企业会计准则 codes: 1122 应收账款 …)."""

    __tablename__ = "finance_account"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), default="")
    kind: Mapped[str] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(default=True)
    builtin: Mapped[bool] = mapped_column(default=False)

    def label(self, locale: str | None = None) -> str:
        name = self.name_en if (locale or "").startswith("en") and self.name_en else self.name
        return f"{self.code} {name}"


class LedgerJournal(Base):
    """A book with its own gapless numbering per year (``INV/2026/00001``)."""

    __tablename__ = "finance_journal"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80), default="")

    def label(self, locale: str | None = None) -> str:
        return self.name_en if (locale or "").startswith("en") and self.name_en else self.name


class LedgerState(Base):
    """The single row (id 1) every posting locks: the head of the hash chain
    and the lock date.  Locking it first serialises postings, so the chain
    has one order and numbers never interleave."""

    __tablename__ = "finance_ledger_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Nothing may be posted on or before this date; it only moves forward.
    lock_date: Mapped[date | None] = mapped_column(Date)
    chain_seq: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default="0" * 64)
    lock_moved_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    lock_moved_at: Mapped[datetime | None]


class LedgerEntry(Base):
    """A posted journal entry.  ``total`` is the sum of debits (= credits) and
    ``line_count`` seals the entry: the database refuses one line more."""

    __tablename__ = "finance_entry"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("journal_id", "year", "seq", name="journal_year_seq"),
        CheckConstraint("total > 0", name="total_positive"),
        CheckConstraint("line_count >= 2", name="two_lines"),
        Index("ix_finance_entry_customer_date", "customer_id", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    journal_id: Mapped[int] = mapped_column(ForeignKey("finance_journal.id"))
    number: Mapped[str] = mapped_column(String(32), unique=True)
    year: Mapped[int]
    seq: Mapped[int]
    date: Mapped[date] = mapped_column(Date, index=True)
    memo: Mapped[str] = mapped_column(String(255), default="")
    #: The customer this entry is about, when there is one.
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers_customer.id"))
    #: Analytic dimensions for budgets: the org unit and salesperson it counts for.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("core_org_unit.id"), index=True)
    salesperson_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    #: What caused it, e.g. "dealers.order:17" or "finance.payment:3".
    source: Mapped[str | None] = mapped_column(String(80), index=True)
    reversal_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("finance_entry.id"), unique=True)
    total: Mapped[Decimal]
    line_count: Mapped[int]
    chain_seq: Mapped[int] = mapped_column(unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    posted_at: Mapped[datetime] = mapped_column(default=utcnow)
    posted_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))

    journal: Mapped[LedgerJournal] = relationship(lazy="joined")
    lines: Mapped[list["LedgerLine"]] = relationship(
        back_populates="entry", order_by="LedgerLine.position", passive_deletes="all")
    reversal_of: Mapped["LedgerEntry | None"] = relationship(
        remote_side=[id], foreign_keys=[reversal_of_id], back_populates="reversed_by")
    reversed_by: Mapped["LedgerEntry | None"] = relationship(
        foreign_keys=[reversal_of_id], back_populates="reversal_of", uselist=False,
        passive_deletes="all")


class LedgerLine(Base):
    """One debit or credit of an entry; exactly one side is non-zero."""

    __tablename__ = "finance_line"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("debit >= 0 AND credit >= 0", name="not_negative"),
        CheckConstraint("(debit = 0) <> (credit = 0)", name="one_side"),
        Index("ix_finance_line_customer_account_date", "customer_id", "account_id", "date"),
        # An account's lines in a date range, with what its balances per
        # customer need, from the index alone (aging's unapplied credits on
        # 2203: the running totals less the lines after the report's date).
        Index("ix_finance_line_account_date", "account_id", "date", "customer_id", "debit",
              "credit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("finance_entry.id"), index=True)
    position: Mapped[int]
    account_id: Mapped[int] = mapped_column(ForeignKey("finance_account.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers_customer.id"))
    #: Copied from the entry so balances "as of a date" need no join.
    date: Mapped[date] = mapped_column(Date)
    debit: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    credit: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    memo: Mapped[str] = mapped_column(String(255), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("core_org_unit.id"))
    salesperson_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))

    entry: Mapped[LedgerEntry] = relationship(back_populates="lines")
    account: Mapped[LedgerAccount] = relationship(lazy="joined")


class LedgerBalance(Base):
    """An account's running totals per customer over every line posted, so
    a customer's balance is one row to read instead of its whole history
    (aging's unapplied credits on 2203: the balance minus the lines dated
    after the report's date).  Written only by the ``finance_line_balance``
    trigger (``triggers.py``) as lines are inserted, whoever inserts them —
    the ORM, a bulk insert or ``COPY``; lines are never updated or deleted,
    so the totals never have to be taken back.  ``verify_chain`` checks
    them against the lines."""

    __tablename__ = "finance_balance"

    account_id: Mapped[int] = mapped_column(ForeignKey("finance_account.id"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"),
                                             primary_key=True)
    debit: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    credit: Mapped[Decimal] = mapped_column(default=Decimal("0"))


class LedgerImmutable(ServiceError):
    """A posted entry or line was about to change."""


def _refuse(mapper, connection, target):
    raise LedgerImmutable(_l("Posted entries cannot be changed or deleted; post a reversal instead."))


for _model in (LedgerEntry, LedgerLine):
    event.listen(_model, "before_update", _refuse)
    event.listen(_model, "before_delete", _refuse)


# Short names for this plugin's own code.  The classes carry the plugin's
# prefix because all plugins share one SQLAlchemy class registry (docs/plugins.md).
Account = LedgerAccount
Journal = LedgerJournal
Entry = LedgerEntry
Line = LedgerLine
Balance = LedgerBalance
