"""Monthly statements (对账单, seed 000 §四.E.5 "与客户每月的及时对帐";
003 "定期…核对帐目,确保帐目准确和返利的及时兑现").

A statement shows, for one customer and month: the opening balance, every
movement (date, number, description, debit, credit, running balance — the
running balance is a window SUM in SQL), the closing balance, the aging as
of the month end, approved rebates not yet redeemed, and a block for the
customer's signature and stamp.  Allocations move money between 1122 and
2203 of the same customer and change nothing the customer owes, so they are
not movements.

Issuing stores the totals as sent and archives the PDF through the core
document service; the customer's answer (confirmed, or disputed lines with
a note) is recorded, and disputes are followed until resolved.
"""
from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import access, events
from core.db import utcnow
from core.i18n import _l
from core.sequences import next_number
from core.services import ServiceError, lock
from plugins.customers.api import Customer

from ..models import Account, Entry, Journal, Line, Statement, StatementDispute
from ..models.statements import CLOSED, CONFIRMED, DISPUTED, OPEN, PENDING, RESOLVED
from . import chart
from .aging import customer_summary
from .common import _customer, _user_id
from .ledger import customer_balance
from .money import ZERO, mround, msum
from .rebates import pending_liability
from core import clock

PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_period(period: str) -> tuple[date, date]:
    m = PERIOD_RE.match((period or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 2000:
        raise ServiceError(_l("A month is written YYYY-MM, e.g. 2026-03."))
    y, mo = int(m.group(1)), int(m.group(2))
    return date(y, mo, 1), date(y, mo, monthrange(y, mo)[1])


def period_of(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def previous_period(today: date | None = None) -> str:
    today = today or clock.today()
    return period_of(today.replace(day=1) - timedelta(days=1))


def movements(session: Session, customer_id: int, start: date, end: date,
              opening: Decimal) -> list[dict]:
    """Entries that changed the customer's balance in [start, end], oldest
    first, each with the running balance after it."""
    cust_accounts = select(Account.id).where(Account.code.in_(chart.CUSTOMER_ACCOUNTS))
    net = msum(Line.debit - Line.credit)
    per_entry = (
        select(Entry.id.label("entry_id"), Entry.date.label("date"), Entry.number.label("number"),
               Entry.memo.label("memo"), Entry.chain_seq.label("seq"),
               Journal.code.label("journal"), Journal.name.label("jname"),
               Journal.name_en.label("jname_en"), net.label("net"))
        .join(Entry, Entry.id == Line.entry_id).join(Journal, Journal.id == Entry.journal_id)
        .where(Line.customer_id == customer_id, Line.account_id.in_(cust_accounts),
               Line.date >= start, Line.date <= end)
        .group_by(Entry.id, Entry.date, Entry.number, Entry.memo, Entry.chain_seq, Journal.code,
                  Journal.name, Journal.name_en)
        .having(mround(func.sum(Line.debit - Line.credit)) != 0)
    ).subquery()
    running = func.sum(per_entry.c.net).over(
        order_by=(per_entry.c.date, per_entry.c.seq), rows=(None, 0))
    stmt = select(per_entry, running.label("running")).order_by(per_entry.c.date, per_entry.c.seq)
    out = []
    for r in session.execute(stmt):
        amount = Decimal(r.net).quantize(Decimal("0.01"))
        out.append({
            "entry_id": r.entry_id, "date": r.date, "number": r.number, "journal": r.journal,
            "journal_name": r.jname, "journal_name_en": r.jname_en, "memo": r.memo or "",
            "debit": amount if amount > 0 else ZERO, "credit": -amount if amount < 0 else ZERO,
            "balance": (opening + Decimal(str(r.running))).quantize(Decimal("0.01")),
        })
    return out


def statement_data(session: Session, customer_id: int, period: str, *, locale: str = "zh_CN",
                   statement: Statement | None = None) -> dict:
    """Everything a statement shows, as plain data (for the page and the PDF)."""
    cust = _customer(session, customer_id)
    start, end = parse_period(period)
    opening = customer_balance(session, customer_id, start - timedelta(days=1))
    moves = movements(session, customer_id, start, end, opening)
    debit = sum((m["debit"] for m in moves), ZERO)
    credit = sum((m["credit"] for m in moves), ZERO)
    closing = customer_balance(session, customer_id, end)
    aging = customer_summary(session, customer_id, end)
    en = (locale or "").startswith("en")
    for m in moves:
        m["description"] = " ".join(p for p in (
            m["journal_name_en"] if en else m["journal_name"], m["memo"]) if p)
    return {
        "customer": {"id": cust.id, "code": cust.code, "name": cust.name,
                     "address": cust.address, "phone": cust.phone},
        "period": period, "start": start, "end": end,
        "opening": opening, "movements": moves, "debit": debit, "credit": credit,
        "closing": closing,
        "aging": {"current": aging.current, "d1_30": aging.d1_30, "d31_60": aging.d31_60,
                  "d61_90": aging.d61_90, "over_90": aging.over_90,
                  "unapplied": aging.unapplied, "total": aging.balance},
        "rebates_pending": pending_liability(session, customer_id),
        "vat": period_vat(session, customer_id, start, end),
        "payee": payee(session),
        "number": statement.number if statement else None,
        "answer": statement.answer if statement else None,
    }


def period_vat(session: Session, customer_id: int, start: date, end: date) -> Decimal:
    """Output VAT in the month's movements (issue 21 §15): what the
    customer's invoices put on 222101 less what their credit notes took off."""
    vat = select(Account.id).where(Account.code == chart.OUTPUT_VAT).scalar_subquery()
    return session.scalar(select(msum(Line.credit - Line.debit)).where(
        Line.account_id == vat, Line.customer_id == customer_id, Line.date >= start,
        Line.date <= end))


def payee(session: Session) -> dict:
    """Where customers pay (settings ``finance.bank_*``): the statement prints
    it, and the company's name for the seal line (issue 21)."""
    from core import settings

    keys = ("core.company_name", "finance.bank_name", "finance.bank_account_name",
            "finance.bank_account")
    settings.prefetch(session, keys)
    company, bank, name, account = (str(settings.get(session, k) or "").strip() for k in keys)
    return {"company": company, "bank": bank, "account_name": name or company,
            "account": account}


def customers_with_activity(session: Session, customer_ids, start: date, end: date) -> list[int]:
    """Customers with a balance at the start or a movement in the month."""
    cust_accounts = select(Account.id).where(Account.code.in_(chart.CUSTOMER_ACCOUNTS))
    moved = (select(Line.customer_id).where(Line.customer_id.in_(customer_ids),
                                            Line.account_id.in_(cust_accounts), Line.date <= end)
             .group_by(Line.customer_id)
             .having((mround(func.sum(Line.debit - Line.credit)) != 0)
                     | (func.max(Line.date) >= start)))
    return sorted(session.execute(moved).scalars())


def pdf_context(data: dict) -> dict:
    """The PDF's context from ``statement_data``: the same figures, plus the
    title and the aging labels (lazy strings, translated by core)."""
    from ..labels import LABELS

    return {**data, "title": _l("Statement of account"),
            "labels": {k: LABELS[k] for k in ("current", "d1_30", "d31_60", "d61_90", "over_90",
                                              "unapplied")}}


def ended_period(period: str) -> tuple[date, date]:
    """``parse_period``, refusing a month that has not ended."""
    start, end = parse_period(period)
    if end >= clock.today():
        raise ServiceError(_l("A month can be stated once it has ended."))
    return start, end


def issue(session: Session, customer_id: int, period: str, *, user=None,
          locale: str | None = None, data: dict | None = None) -> Statement:
    """Record the statement of one month (totals as issued); issuing again an
    unanswered one refreshes it, an answered one is refused.  ``data`` is
    ``statement_data`` when the caller computed it already (``issue_statement``
    does, in a reading transaction, so the writing one stays short)."""
    start, end = ended_period(period)
    if data is None:
        data = statement_data(session, customer_id, period)
    # The customer's row, locked: two people issuing the same month at once
    # write one statement (the second refreshes it) instead of colliding.
    lock(session, Customer, customer_id)
    st = session.execute(select(Statement).where(
        Statement.customer_id == customer_id, Statement.period == period)).scalar_one_or_none()
    if st is not None:  # an answer recorded meanwhile keeps the totals it answered
        st = lock(session, st)
    if st is not None and st.answer != PENDING:
        raise ServiceError(_l("The statement %(number)s was already answered by the customer; it "
                              "cannot be issued again.", number=st.number))
    if st is None:
        st = Statement(number=next_number(session, "finance.statement", end),
                       customer_id=customer_id, period=period, start=start, end=end)
        session.add(st)
    st.opening, st.debit, st.credit = data["opening"], data["debit"], data["credit"]
    st.closing, st.movements = data["closing"], len(data["movements"])
    st.issued_at, st.issued_by = utcnow(), _user_id(user)
    st.locale = locale or "zh_CN"
    session.flush()
    return st


class NotVisible(ServiceError):
    """The customer does not exist or the user may not see it (pages answer 404)."""


def issue_statement(session_scope, customer_id: int, period: str, user_id: int, locale: str,
                    *, keep_answered: bool = False) -> int | None:
    """Issue one customer's statement of one month and archive its PDF: the
    one path of the statement page, ``qudao finance statements`` and the
    month-end batch job.  Returns the statement's id.

    1. In a reading transaction: the customer, through the user's access
       scope (the only row-access check of the issue), and the statement's
       figures, computed once (``statement_data``) as plain data.
    2. In a short writing transaction: the statement row, numbered, with
       those totals (``issue``).
    3. The PDF rendered from the same figures in a reading transaction — no
       write lock held, so workers render side by side — and archived, the
       row pointing at it, in a second short writing one
       (``core.documents.service.issue_apart``).

    The totals stored and the PDF are the same snapshot.  A render that
    fails leaves the numbered statement without a PDF; issuing it again
    renders it with the same number, so numbers stay gapless.  An answered
    statement is refused — or, with ``keep_answered`` (the batch), skipped
    when it has its PDF (returns None): it keeps the copy that was sent; one
    answered without an archived copy (issue 21: issued before its PDF was
    archived, or its render failed) gets one now, under its number, its
    totals and answer unchanged.
    ``session_scope`` opens a unit of work (``Database.session``, a job's
    ``ctx.session``, or the request's session for a page)."""
    from core.db import reading
    from core.documents.service import issue_apart
    from core.models import User

    with reading(), session_scope() as s:
        user = s.get(User, user_id)
        access.require(s, user, "finance.statement_issue")
        if access.scoped_get(s, Customer, customer_id, user) is None:
            raise NotVisible(_l("not visible to you"))
        ended_period(period)
        st = s.execute(select(Statement).where(
            Statement.customer_id == customer_id, Statement.period == period)).scalar_one_or_none()
        answered = keep_answered and st is not None and st.answer != PENDING
        if answered and st.document_id:
            return None
        if answered:
            st_id, number, answer = st.id, st.number, st.answer
        data = statement_data(s, customer_id, period, locale=locale)
    if answered:  # its archived copy, made now: the row stays as answered
        data["number"], data["answer"] = number, answer
    else:
        with session_scope() as s:
            st = issue(s, customer_id, period, user=s.get(User, user_id), locale=locale,
                       data=data)
            st_id = st.id
            data["number"], data["answer"] = st.number, st.answer

    def attach(s: Session, doc) -> None:
        st = lock(s, Statement, st_id)  # an answer being recorded now: wait for it
        if st.answer != PENDING and st.document_id:  # answered while it rendered
            raise ServiceError(_l("The statement %(number)s was already answered by the "
                                  "customer; it cannot be issued again.", number=st.number))
        st.document_id = doc.id

    issue_apart(session_scope, "finance.statement", st_id, user_id, locale=locale, then=attach,
                context=pdf_context(data))
    return st_id


def attach_pdf(session: Session, st: Statement, user, locale: str | None = None):
    """Render and archive the statement PDF through the core document service."""
    from core import documents

    doc = documents.issue(session, "finance.statement", st.id, user, locale=locale or st.locale)
    st.document_id = doc.id
    session.flush()
    return doc


def record_answer(session: Session, st: Statement, *, answer: str, note: str = "",
                  disputes: list[tuple[int | None, str]] | None = None, by_name: str = "",
                  answered_on: date | None = None, user=None, scan_id: int | None = None) -> Statement:
    """The customer confirmed the statement, or disputed lines of it."""
    if user is not None and not access.has_permission(session, user, "finance.statement_answer"):
        raise ServiceError(_l("You do not have permission to do this."))
    st = lock(session, st)
    if st.answer != PENDING:
        raise ServiceError(_l("The customer's answer is already recorded."))
    answered_on = answered_on or clock.today()
    if answered_on < st.issued_at.date():
        raise ServiceError(_l("The answer cannot be dated before the statement was issued."))
    note = (note or "").strip()
    if answer == CONFIRMED:
        if disputes:
            raise ServiceError(_l("A confirmed statement has no disputed lines."))
    elif answer == DISPUTED:
        disputes = [(eid, (n or "").strip()) for eid, n in (disputes or [])]
        if not disputes:
            raise ServiceError(_l("Mark the disputed lines, or record the statement as confirmed."))
        if any(not n for _e, n in disputes):
            raise ServiceError(_l("Say what the customer disputes on each line."))
        valid = {m["entry_id"] for m in movements(session, st.customer_id, st.start, st.end, ZERO)}
        for eid, n in disputes:
            if eid is not None and eid not in valid:
                raise ServiceError(_l("A disputed line is not on this statement."))
            st.disputes.append(StatementDispute(entry_id=eid, note=n))
    else:
        raise ServiceError(_l("The answer is confirmed or disputed."))
    st.answer, st.answer_note, st.answered_on = answer, note or None, answered_on
    st.answered_by_name = (by_name or "").strip()[:80] or None
    st.answer_recorded_by, st.answer_scan_id = _user_id(user), scan_id
    session.flush()
    events.emit(session, "finance.statement_answered", statement_id=st.id, answer=answer)
    return st


def resolve_dispute(session: Session, dispute: StatementDispute, *, resolution: str, user=None,
                    correction_entry_id: int | None = None) -> StatementDispute:
    """Close one disputed line; the statement is resolved when none is open."""
    if user is not None and not access.has_permission(session, user, "finance.dispute_resolve"):
        raise ServiceError(_l("You do not have permission to do this."))
    # The statement first: two disputes of it resolved at once both see the
    # other closed, so the statement ends up resolved.
    lock(session, dispute.statement)
    dispute = lock(session, dispute)
    if dispute.state != OPEN:
        raise ServiceError(_l("This dispute is already resolved."))
    resolution = (resolution or "").strip()
    if not resolution:
        raise ServiceError(_l("Describe how the dispute was resolved."))
    if correction_entry_id is not None:
        e = session.get(Entry, correction_entry_id)
        if e is None or e.customer_id != dispute.statement.customer_id:
            raise ServiceError(_l("The correcting entry must be one of this customer's."))
    dispute.state, dispute.resolution = CLOSED, resolution
    dispute.correction_entry_id = correction_entry_id
    dispute.resolved_at, dispute.resolved_by = utcnow(), _user_id(user)
    st = dispute.statement
    session.flush()
    if all(d.state == CLOSED for d in st.disputes):
        st.answer, st.resolved_at = RESOLVED, utcnow()
        session.flush()
    return dispute


__all__ = ["parse_period", "period_of", "previous_period", "movements", "statement_data",
           "issue", "issue_statement", "pdf_context", "NotVisible", "attach_pdf",
           "record_answer", "resolve_dispute", "customers_with_activity",
           "DISPUTED", "CONFIRMED", "RESOLVED"]
