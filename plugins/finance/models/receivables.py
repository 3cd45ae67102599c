"""Documents that post: invoices, payments received, credit notes and the
allocations that settle invoices.

Each document points at the entry it posted and takes that entry's number.
Receivable money model (see services/ledger.py for the reasoning):
invoices debit 1122 应收账款; payments and credit notes credit 2203 预收账款
(so an unallocated credit *is* a prepayment); an allocation moves an amount
from 2203 to 1122 against one invoice.  An invoice's open amount is its
amount minus its allocations, summed in SQL.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, utcnow
from plugins.customers.api import Customer

from .ledger import LedgerEntry

POSTED, REVERSED = "posted", "reversed"

# Invoice kinds
SALE, OPENING = "sale", "opening"
# Payment methods
BANK, CASH, OPENING_CREDIT = "bank", "cash", "opening"
PAYMENT_METHODS = (BANK, CASH)
# Credit note kinds (domain: rebate, 降价补差, 调价补差, 冲差, returns)
CN_REBATE, CN_PRICE_DROP, CN_PRICE_ADJUST, CN_OFFSET, CN_RETURN = (
    "rebate", "price_drop", "price_adjust", "offset", "return")
CREDIT_NOTE_KINDS = (CN_REBATE, CN_PRICE_DROP, CN_PRICE_ADJUST, CN_OFFSET, CN_RETURN)


class FinanceInvoice(Base):
    """A sales invoice / sales slip (销售发票/销售单)."""

    __tablename__ = "finance_invoice"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_finance_invoice_customer_due", "customer_id", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(12), default=SALE)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    due_date: Mapped[date] = mapped_column(Date)
    #: What the customer owes: net + tax (价税合计).
    amount: Mapped[Decimal]
    #: Sum of the lines' net amounts and taxes (issue 21 §15: VAT).
    net_amount: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    tax_amount: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    #: slip (销售单, not a tax invoice), general (普通发票), special (专用发票).
    invoice_type: Mapped[str] = mapped_column(String(10), default="slip")
    #: Whether the unit prices were entered including tax (含税).
    prices_include_tax: Mapped[bool] = mapped_column(default=True)
    #: The buyer's tax details as invoiced (a special invoice needs all four).
    buyer_name: Mapped[str] = mapped_column(String(200), default="")
    buyer_tax_id: Mapped[str] = mapped_column(String(20), default="")
    buyer_address_phone: Mapped[str] = mapped_column(String(255), default="",
                                                     info={"pii": "address"})
    buyer_bank_account: Mapped[str] = mapped_column(String(255), default="",
                                                    info={"pii": "bank_card"})
    description: Mapped[str] = mapped_column(String(255), default="")
    #: The order (or other document) it bills, e.g. "dealers.order:17".
    source: Mapped[str | None] = mapped_column(String(80), index=True)
    #: For opening balances: the document number in the old system.
    external_ref: Mapped[str | None] = mapped_column(String(60))
    state: Mapped[str] = mapped_column(String(10), default=POSTED)
    entry_id: Mapped[int] = mapped_column(ForeignKey("finance_entry.id"), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship(lazy="joined")
    entry: Mapped[LedgerEntry] = relationship()
    lines: Mapped[list["FinanceInvoiceLine"]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan", order_by="FinanceInvoiceLine.id")


class FinanceInvoiceLine(Base):
    __tablename__ = "finance_invoice_line"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("finance_invoice.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(String(255))
    quantity: Mapped[Decimal] = mapped_column(Numeric(18, 3), default=Decimal("1"))
    #: As entered: including tax when the invoice's ``prices_include_tax``.
    unit_price: Mapped[Decimal]
    #: net + tax, to the fen.
    amount: Mapped[Decimal]
    #: "13", "9", "6", "3", "0" or "exempt" (services/tax.py).
    tax_rate: Mapped[str] = mapped_column(String(8), default="exempt")
    net_amount: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    tax_amount: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))

    invoice: Mapped[FinanceInvoice] = relationship(back_populates="lines")


class FinancePayment(Base):
    """Money received (回款): bank or cash, recorded only by finance; or an
    opening credit balance (a customer who had prepaid before go-live)."""

    __tablename__ = "finance_payment"
    __audited__ = True
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[Decimal]
    method: Mapped[str] = mapped_column(String(10), default=BANK)
    #: Bank slip number, cash receipt number, old-system reference …
    reference: Mapped[str] = mapped_column(String(80), default="")
    #: The reference as compared for duplicates (issue 21): without spaces,
    #: upper case ("工行回单 123 ab" and "工行回单123AB" are one transfer).
    reference_key: Mapped[str] = mapped_column(String(80), default="", index=True)
    memo: Mapped[str] = mapped_column(String(255), default="")
    state: Mapped[str] = mapped_column(String(10), default=POSTED)
    entry_id: Mapped[int] = mapped_column(ForeignKey("finance_entry.id"), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship(lazy="joined")
    entry: Mapped[LedgerEntry] = relationship()


class FinanceCreditNote(Base):
    """A credit to the customer (红字发票): rebate redemption, 降价补差,
    调价补差, 冲差 or a return.  ``amount`` includes tax; the tax part at
    ``tax_rate`` reverses output VAT."""

    __tablename__ = "finance_credit_note"
    __audited__ = True
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[Decimal]
    tax_rate: Mapped[str] = mapped_column(String(8), default="exempt")
    net_amount: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    tax_amount: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    reason: Mapped[str] = mapped_column(Text, default="")
    #: The invoice it corrects (returns, price adjustments), applied to first.
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("finance_invoice.id"))
    rebate_claim_id: Mapped[int | None] = mapped_column(
        ForeignKey("finance_rebate_claim.id"), unique=True)
    source: Mapped[str | None] = mapped_column(String(80), index=True)
    state: Mapped[str] = mapped_column(String(10), default=POSTED)
    entry_id: Mapped[int] = mapped_column(ForeignKey("finance_entry.id"), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship(lazy="joined")
    entry: Mapped[LedgerEntry] = relationship()
    invoice: Mapped[FinanceInvoice | None] = relationship()


class FinanceAllocation(Base):
    """Part of a payment or credit note applied to an invoice (核销).
    Append-only: undoing one adds a row with the opposite amount."""

    __tablename__ = "finance_allocation"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("(payment_id IS NULL) <> (credit_note_id IS NULL)", name="one_credit"),
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        # What an invoice was paid as of a date, from the index alone (aging).
        Index("ix_finance_allocation_invoice_date_amount", "invoice_id", "date", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("finance_invoice.id"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("finance_payment.id"), index=True)
    credit_note_id: Mapped[int | None] = mapped_column(
        ForeignKey("finance_credit_note.id"), index=True)
    amount: Mapped[Decimal]
    date: Mapped[date] = mapped_column(Date)
    entry_id: Mapped[int] = mapped_column(ForeignKey("finance_entry.id"), unique=True)
    undo_of_id: Mapped[int | None] = mapped_column(ForeignKey("finance_allocation.id"), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    invoice: Mapped[FinanceInvoice] = relationship()
    payment: Mapped[FinancePayment | None] = relationship()
    credit_note: Mapped[FinanceCreditNote | None] = relationship()
    entry: Mapped[LedgerEntry] = relationship()


# Short names for this plugin's own code.  The classes carry the plugin's
# prefix because all plugins share one SQLAlchemy class registry (docs/plugins.md).
Invoice = FinanceInvoice
InvoiceLine = FinanceInvoiceLine
Payment = FinancePayment
CreditNote = FinanceCreditNote
Allocation = FinanceAllocation
