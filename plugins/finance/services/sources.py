"""Cross-checks between finance's postings and the documents of other
plugins they were posted for (``qudao finance verify``).  The owning plugin
answers the ``finance_source_documents`` hook; finance imports none of them."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.access import hooks_for

from ..models import Invoice
from ..models.receivables import POSTED


@dataclass(frozen=True)
class SourceDocument:
    """What an owning plugin says about one of its documents: ``source`` as
    given to ``post_invoice``, a ``label`` that names it for a person
    ("销售指令单 XS2026-00017"), the ``amount`` its invoice must total (None:
    not checked), its ``state`` in words, and ``live``: False when the
    document was cancelled (or never went through), so no posted invoice
    may remain for it."""

    source: str
    label: str
    amount: Decimal | None
    state: str = ""
    live: bool = True


def check(session: Session, batch: int = 500) -> list[str]:
    """Problems found, one line each naming the document; empty when all agree.
    Reads posted invoices in batches of ``batch`` and asks the owning
    plugins about their sources a batch at a time."""
    problems: list[str] = []
    for source, n in session.execute(
            select(Invoice.source, func.count(Invoice.id))
            .where(Invoice.state == POSTED, Invoice.source.is_not(None))
            .group_by(Invoice.source).having(func.count(Invoice.id) > 1).order_by(Invoice.source)):
        problems.append(f"{source}: {n} posted invoices for one document")
    hooks = hooks_for(session)
    last = 0
    while True:
        rows = session.execute(
            select(Invoice.id, Invoice.number, Invoice.source, Invoice.amount)
            .where(Invoice.state == POSTED, Invoice.source.is_not(None), Invoice.id > last)
            .order_by(Invoice.id).limit(batch)).all()
        if not rows:
            return problems
        last = rows[-1].id
        docs: dict[str, SourceDocument] = {}
        for result in hooks.finance_source_documents(session=session,
                                                     sources=sorted({r.source for r in rows})):
            docs.update((d.source, d) for d in result or ())
        for r in rows:
            doc = docs.get(r.source)
            if doc is None:  # finance's own, or its plugin is switched off
                continue
            if not doc.live:
                problems.append(f"{doc.label} ({r.source}) is {doc.state or 'cancelled'} but its "
                                f"invoice {r.number} ({r.amount}) is still posted")
            elif doc.amount is not None and doc.amount != r.amount:
                problems.append(f"{doc.label} ({r.source}) totals {doc.amount} but its invoice "
                                f"{r.number} is {r.amount}")
