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


def check_tax(session: Session) -> list[str]:
    """VAT (issue 21 §15): each invoice's net, tax and total equal the sums
    of its lines, each line's total is its net plus its tax, and the
    invoice's entry credits exactly its tax to 222101; each credit note's
    entry debits its tax.  Grouped in SQL; one line per document that
    disagrees."""
    from ..models import Account, CreditNote, InvoiceLine, Line
    from . import chart
    from .money import mround, msum

    L = InvoiceLine
    vat = select(Account.id).where(Account.code == chart.OUTPUT_VAT).scalar_subquery()
    lines = (select(L.invoice_id, msum(L.amount).label("amount"), msum(L.net_amount).label("net"),
                    msum(L.tax_amount).label("tax"),
                    msum(L.amount - L.net_amount - L.tax_amount).label("off"))
             .group_by(L.invoice_id).subquery())
    posted = (select(Line.entry_id, msum(Line.credit - Line.debit).label("vat"))
              .where(Line.account_id == vat).group_by(Line.entry_id).subquery())
    problems = []
    for number, amount, net, tax_amt, l_amount, l_net, l_tax, off, on_vat in session.execute(
            select(Invoice.number, Invoice.amount, Invoice.net_amount, Invoice.tax_amount,
                   lines.c.amount, lines.c.net, lines.c.tax, lines.c.off,
                   func.coalesce(posted.c.vat, 0))
            .join(lines, lines.c.invoice_id == Invoice.id)
            .outerjoin(posted, posted.c.entry_id == Invoice.entry_id)
            .where((mround(lines.c.amount) != Invoice.amount)
                   | (mround(lines.c.net) != Invoice.net_amount)
                   | (mround(lines.c.tax) != Invoice.tax_amount)
                   | (mround(lines.c.off) != 0)
                   | (mround(Invoice.net_amount + Invoice.tax_amount) != Invoice.amount)
                   | (mround(func.coalesce(posted.c.vat, 0)) != Invoice.tax_amount))
            .order_by(Invoice.id)):
        problems.append(f"invoice {number}: total {amount} = net {net} + tax {tax_amt}, but its "
                        f"lines say {Decimal(l_amount):.2f} = {Decimal(l_net):.2f} + "
                        f"{Decimal(l_tax):.2f} and its entry posts {Decimal(on_vat):.2f} to "
                        f"{chart.OUTPUT_VAT}")
    for number, tax_amt, on_vat in session.execute(
            select(CreditNote.number, CreditNote.tax_amount,
                   func.coalesce(posted.c.vat, 0))
            .outerjoin(posted, posted.c.entry_id == CreditNote.entry_id)
            .where((mround(CreditNote.net_amount + CreditNote.tax_amount) != CreditNote.amount)
                   | (mround(-func.coalesce(posted.c.vat, 0)) != CreditNote.tax_amount))
            .order_by(CreditNote.id)):
        problems.append(f"credit note {number}: tax {tax_amt}, but its entry takes "
                        f"{-Decimal(on_vat):.2f} off {chart.OUTPUT_VAT}")
    return problems
