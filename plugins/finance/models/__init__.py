"""Tables of the finance plugin, split by concern.  Other plugins never
import these modules: they use ``plugins.finance.api``."""
from __future__ import annotations

from .budgets import Accrual, Budget
from .credit import CreditCommitment, CreditOverride, CreditProfile
from .documents import Allocation, CreditNote, Invoice, InvoiceLine, Payment
from .ledger import Account, Entry, Journal, LedgerState, Line
from .rebates import RebateClaim, RebateLine
from .statements import Statement, StatementDispute

ALL_MODELS = (
    Account, Journal, LedgerState, Entry, Line,
    Invoice, InvoiceLine, Payment, CreditNote, Allocation,
    CreditProfile, CreditCommitment, CreditOverride,
    RebateClaim, RebateLine,
    Statement, StatementDispute,
    Budget, Accrual,
)

__all__ = [m.__name__ for m in ALL_MODELS] + ["ALL_MODELS"]


def _attach_triggers() -> None:
    from ..triggers import attach

    attach({m.__table__.name: m.__table__ for m in ALL_MODELS})


_attach_triggers()
