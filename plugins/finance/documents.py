"""PDF documents of the finance plugin — statement (对账单), sales slip /
invoice, receipt (收款收据), rebate settlement notice (返利兑付通知单) and the
aged receivables report — and the month-end statement batch job.

Contexts are plain data (core renders, numbers and archives); labels are
lazy strings, translated by core into the document's language.
"""
from __future__ import annotations

import logging
import zipfile
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import AccessDenied, scoped_get, subtree_ids
from core.i18n import _, _l
from core.registry import DocumentSpec
from core.services import ServiceError
from plugins.customers import api as customers
from plugins.customers.api import Customer

from .labels import LABELS
from .models import Invoice, Payment, RebateClaim, Statement
from .services import aging as aging_svc
from .services import statements as st_svc

log = logging.getLogger(__name__)

STATEMENT_BATCH = "finance.statement_batch"


def _customer(c) -> dict:
    return {"id": c.id, "code": c.code, "name": c.name, "address": c.address or "",
            "phone": c.phone or ""}


def statement_context(session: Session, record_id: str, user) -> dict | None:
    st = scoped_get(session, Statement, int(record_id), user)
    if st is None:
        return None
    data = st_svc.statement_data(session, st.customer_id, st.period, locale=st.locale,
                                 statement=st)
    data["title"] = _l("Statement of account")
    data["number"] = st.number
    data["labels"] = {k: LABELS[k] for k in ("current", "d1_30", "d31_60", "d61_90", "over_90",
                                              "unapplied")}
    return data


def invoice_context(session: Session, record_id: str, user) -> dict | None:
    inv = scoped_get(session, Invoice, int(record_id), user)
    if inv is None:
        return None
    return {
        "title": _l("Sales slip"), "number": inv.number, "customer": _customer(inv.customer),
        "date": inv.date, "due_date": inv.due_date, "amount": inv.amount,
        "description": inv.description or "", "source": inv.source or "",
        "reversed": inv.state != "posted",
        "lines": [{"description": ln.description, "quantity": ln.quantity.normalize(),
                   "unit_price": ln.unit_price, "amount": ln.amount} for ln in inv.lines],
    }


def receipt_context(session: Session, record_id: str, user) -> dict | None:
    pay = scoped_get(session, Payment, int(record_id), user)
    if pay is None:
        return None
    return {"title": _l("Receipt"), "number": pay.number, "customer": _customer(pay.customer),
            "date": pay.date, "amount": pay.amount, "method": LABELS.get(pay.method, pay.method),
            "reference": pay.reference or "", "memo": pay.memo or "",
            "reversed": pay.state != "posted"}


def rebate_notice_context(session: Session, record_id: str, user) -> dict | None:
    claim = scoped_get(session, RebateClaim, int(record_id), user)
    if claim is None or claim.state not in ("approved", "redeemed"):
        return None
    return {
        "title": _l("Rebate settlement notice"), "number": claim.number,
        "customer": _customer(claim.customer), "kind": LABELS[claim.kind],
        "period_start": claim.period_start, "period_end": claim.period_end,
        "amount": claim.amount, "approved_on": claim.approved_on,
        "redeemed_on": claim.redeemed_on,
        "redemption": LABELS.get(claim.redemption, "") if claim.redemption else "",
        "lines": [{"product": ln.product, "quantity": ln.quantity.normalize(),
                   "unit_amount": ln.unit_amount, "amount": ln.amount} for ln in claim.lines],
    }


def aging_context(session: Session, record_id: str, user) -> dict | None:
    """``record_id`` is the as-of date (YYYY-MM-DD); the rows are the
    customers this user may see, as everywhere else."""
    try:
        as_of = date.fromisoformat(record_id)
    except ValueError:
        return None
    ids = customers.customer_ids_for(user)
    rows, total = aging_svc.aging(session, ids, as_of, "customer")
    return {
        "title": _l("Aged receivables"), "as_of": as_of,
        "labels": {k: LABELS[k] for k in aging_svc.BUCKETS + ("unapplied",)},
        "rows": [r.as_dict() for r in rows], "total": total.as_dict(),
    }


def document_specs() -> list[DocumentSpec]:
    return [
        DocumentSpec("finance.statement", _l("Statement of account"), "finance/pdf/statement.html",
                     statement_context, "finance.statement_issue", model=Statement),
        DocumentSpec("finance.invoice", _l("Sales slip"), "finance/pdf/invoice.html",
                     invoice_context, "finance.view", model=Invoice),
        DocumentSpec("finance.receipt", _l("Receipt"), "finance/pdf/receipt.html",
                     receipt_context, "finance.view", model=Payment),
        DocumentSpec("finance.rebate_notice", _l("Rebate settlement notice"),
                     "finance/pdf/rebate_notice.html", rebate_notice_context, "finance.view",
                     model=RebateClaim),
        DocumentSpec("finance.aging_report", _l("Aged receivables"), "finance/pdf/aging.html",
                     aging_context, "finance.view"),
    ]


# -- the month-end batch ---------------------------------------------------
def start_statement_batch(session: Session, period: str, org_unit_id: int, user,
                          locale: str | None = None):
    """Queue the month-end batch for an org unit.  Commit, then ``core.jobs.dispatch``."""
    from core import jobs
    from core.access import require

    require(session, user, "finance.statement_issue")
    targets = batch_targets(session, period, org_unit_id, user)
    if not targets:
        raise ServiceError(_l("No customer of this org unit has a balance or a movement in %(p)s.",
                              p=period))
    label = str(_l("Statements %(p)s × %(n)s", p=period, n=len(targets)))
    return jobs.create(session, STATEMENT_BATCH, user,
                       {"period": period, "customer_ids": targets, "locale": locale}, label=label)


def write_statements(session_scope, owner_id: int, period: str, customer_ids: list, path,
                     locale: str, progress=None, report=None) -> int:
    """Issue one statement (row + archived PDF) per customer, each in its own
    transaction, and write all PDFs into the ZIP at ``path``; a refused one
    is reported and the others are kept.  Returns how many were issued.
    Shared by the background job and ``qudao finance statements``."""
    from core import documents
    from core.models import User

    total, issued, problems = len(customer_ids), 0, []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, cid in enumerate(customer_ids, 1):
            try:
                with session_scope() as s:
                    user = s.get(User, owner_id)
                    if customers.get_customer(s, cid, user) is None:
                        raise ServiceError(_("not visible to you"))
                    st = s.execute(select(Statement).where(
                        Statement.customer_id == int(cid), Statement.period == period)
                    ).scalar_one_or_none()
                    if st is not None and st.answer != "pending" and st.document_id:
                        # Already answered: the copy that was sent goes in the ZIP.
                        doc = s.get(documents.IssuedDocument, st.document_id)
                    else:
                        st = st_svc.issue(s, int(cid), period, user=user, locale=locale)
                        doc = st_svc.attach_pdf(s, st, user, locale)
                    data, name = documents.read_pdf(s, doc), f"{st.customer.code}-{period}.pdf"
                zf.writestr(name, data)
                issued += 1
            except (ServiceError, AccessDenied) as exc:
                problems.append(_("Customer %(id)s: %(reason)s", id=cid, reason=str(exc)))
            except Exception as exc:  # noqa: BLE001 - one bad statement must not sink the batch
                log.exception("statement batch: customer %s failed", cid)
                problems.append(_("Customer %(id)s: unexpected error (%(kind)s)", id=cid,
                                  kind=type(exc).__name__))
            if progress is not None:
                progress(i * 100 // total, _("%(done)d of %(total)d statements", done=i,
                                             total=total))
        if problems:
            zf.writestr("errors.txt", "\n".join(problems) + "\n")
    for line in problems:
        if report is not None:
            report(line)
    return issued


def statement_batch(ctx, period: str, customer_ids: list, locale: str | None = None) -> str:
    """Job handler of ``finance.statement_batch``: the ZIP is the job's result."""
    result = f"statements-{period}.zip"
    ctx.set_result(result)
    issued = write_statements(ctx.session, ctx.owner_id, period, customer_ids, ctx.path(result),
                              locale or ctx.locale, progress=ctx.progress, report=ctx.report)
    if issued == 0:
        raise ServiceError(_("No statement could be issued."))
    return result


def batch_targets(session: Session, period: str, org_unit_id: int, user) -> list[int]:
    """Customers of the org unit (and below) that ``user`` sees, with a
    balance or a movement in the month."""
    start, end = st_svc.parse_period(period)
    if end >= date.today():
        raise ServiceError(_l("A month can be stated once it has ended."))
    ids = select(Customer.id).where(Customer.org_unit_id.in_(subtree_ids(org_unit_id)),
                                    Customer.id.in_(customers.customer_ids_for(user)))
    return st_svc.customers_with_activity(session, ids, start, end)


def job_handlers() -> dict:
    return {STATEMENT_BATCH: statement_batch}


__all__ = ["document_specs", "job_handlers", "start_statement_batch", "statement_batch",
           "write_statements", "batch_targets"]
