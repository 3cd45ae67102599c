"""Tables of the finance plugin, split by concern.  Other plugins never
import these modules: they use ``plugins.finance.api``.

Class names carry the plugin's prefix (``FinanceInvoice``, ``LedgerEntry``)
because every plugin's models share one SQLAlchemy registry; the short
names below (``Invoice``, ``Entry`` …) are aliases for this plugin's code."""
from __future__ import annotations

from .budgets import Accrual, Budget, FinanceAccrual, FinanceBudget
from .credit import CreditCommitment, CreditOverride, CreditProfile
from .receivables import (
    Allocation,
    CreditNote,
    FinanceAllocation,
    FinanceCreditNote,
    FinanceInvoice,
    FinanceInvoiceLine,
    FinancePayment,
    Invoice,
    InvoiceLine,
    Payment,
)
from .ledger import (
    Account,
    Balance,
    Entry,
    Journal,
    LedgerAccount,
    LedgerBalance,
    LedgerEntry,
    LedgerJournal,
    LedgerLine,
    LedgerState,
    Line,
)
from .rebates import FinanceRebateClaim, FinanceRebateLine, RebateClaim, RebateLine
from .statements import FinanceStatement, FinanceStatementDispute, Statement, StatementDispute

ALL_MODELS = (
    LedgerAccount, LedgerJournal, LedgerState, LedgerEntry, LedgerLine, LedgerBalance,
    FinanceInvoice, FinanceInvoiceLine, FinancePayment, FinanceCreditNote, FinanceAllocation,
    CreditProfile, CreditCommitment, CreditOverride,
    FinanceRebateClaim, FinanceRebateLine,
    FinanceStatement, FinanceStatementDispute,
    FinanceBudget, FinanceAccrual,
)

__all__ = [m.__name__ for m in ALL_MODELS] + [
    "ALL_MODELS", "Account", "Balance", "Journal", "Entry", "Line", "Invoice", "InvoiceLine",
    "Payment",
    "CreditNote", "Allocation", "RebateClaim", "RebateLine", "Statement", "StatementDispute",
    "Budget", "Accrual",
]


def _attach_triggers() -> None:
    from .triggers import attach

    attach({m.__table__.name: m.__table__ for m in ALL_MODELS})


_attach_triggers()
