"""Rebates (返利, seed 000 §四.5.D and 003).

- two kinds only: sales subsidy (销售补利) and price-drop compensation (降价补差);
- "salespeople may not promise rebates orally": only an approved claim is
  ever credited, and a claim needs evidence before it can be submitted;
- draft → submitted → approved (Dr 660105 销售费用-返利 / Cr 2241 其他应付款)
  → redeemed (credit note: Dr 2241 / Cr 2203; or paid: Dr 2241 / Cr 1002)
  or → rejected; the approver is never the person who filed it;
- timeliness ("返利的兑付, 特别注意及时性"): days from approval to redemption.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import access, attachments, datewindow, events
from core.db import utcnow
from core.i18n import _l
from core.models import Attachment
from core.sequences import next_number
from core.services import ServiceError, lock
from plugins.customers import api as customers

from ..models import RebateClaim, RebateLine
from ..models.receivables import CN_REBATE
from ..models.rebates import (
    APPROVED,
    BY_CREDIT_NOTE,
    BY_PAYMENT,
    DRAFT,
    REBATE_KINDS,
    REDEEMED,
    REJECTED,
    SUBMITTED,
)
from . import chart, limits, settings_of
from .common import _customer, _dims, _user_id
from .receivables import post_credit_note
from .ledger import LineSpec, atomic, post_entry
from .money import ZERO, round_money, to_money, to_quantity
from core import clock

RES_TABLE = "finance_rebate_claim"
EVIDENCE = "evidence"


def _lines(session: Session, lines: Iterable[dict]) -> list[RebateLine]:
    out = []
    ceiling = limits.max_amount(session)
    for ln in lines:
        product = str(ln.get("product") or "").strip()
        if not product:
            raise ServiceError(_l("Every basis line names a product."))
        qty = limits.check_quantity(session, to_quantity(ln.get("quantity")))
        unit = limits.check_amount(session, to_money(ln.get("unit_amount")), ceiling)
        out.append(RebateLine(product=product[:120], quantity=qty, unit_amount=unit,
                              amount=limits.check_amount(session, round_money(qty * unit),
                                                         ceiling)))
    if not out:
        raise ServiceError(_l("A claim needs at least one basis line (products and quantities)."))
    limits.check_amount(session, sum((r.amount for r in out), ZERO), ceiling)
    return out


def _period(session: Session, period_start: date, period_end: date) -> None:
    if period_end < period_start:
        raise ServiceError(_l("The period ends before it starts."))
    datewindow.check(session, period_start)
    datewindow.check(session, period_end)


def create_claim(session: Session, customer_id: int, kind: str, *, period_start: date,
                 period_end: date, lines: Iterable[dict], note: str = "", user=None,
                 source: str | None = None) -> RebateClaim:
    _customer(session, customer_id)
    if source:
        # the customer's row, locked: two claims for one source at once (e.g. a
        # double click in another plugin) — the second waits here, then sees the
        # first and is refused instead of hitting the unique constraint
        lock(session, customers.Customer, customer_id)
        if session.scalar(select(RebateClaim.id).where(RebateClaim.source == source)):
            raise ServiceError(_l("A rebate claim for this source exists already."))
    if kind not in REBATE_KINDS:
        raise ServiceError(_l("A rebate is either a sales subsidy or a price-drop compensation."))
    _period(session, period_start, period_end)
    rows = _lines(session, lines)
    claim = RebateClaim(number=next_number(session, "finance.rebate_claim", period_end),
                        customer_id=customer_id, kind=kind, period_start=period_start,
                        period_end=period_end, note=(note or "").strip(), source=source,
                        created_by=_user_id(user), lines=rows,
                        amount=sum((r.amount for r in rows), ZERO))
    session.add(claim)
    session.flush()
    return claim


def update_claim(session: Session, claim: RebateClaim, *, kind: str, period_start: date,
                 period_end: date, lines: Iterable[dict], note: str = "") -> RebateClaim:
    claim = lock(session, claim)
    if claim.state != DRAFT:
        raise ServiceError(_l("Only a draft claim can be changed."))
    if kind not in REBATE_KINDS:
        raise ServiceError(_l("A rebate is either a sales subsidy or a price-drop compensation."))
    _period(session, period_start, period_end)
    rows = _lines(session, lines)
    claim.kind, claim.period_start, claim.period_end = kind, period_start, period_end
    claim.note = (note or "").strip()
    claim.lines = rows
    claim.amount = sum((r.amount for r in rows), ZERO)
    session.flush()
    return claim


def evidence(session: Session, claim: RebateClaim) -> list[Attachment]:
    return list(session.execute(select(Attachment).where(
        Attachment.res_table == RES_TABLE, Attachment.res_id == str(claim.id),
        Attachment.purpose == EVIDENCE).order_by(Attachment.id)).scalars())


def add_evidence(session: Session, claim: RebateClaim, stream, filename: str, user=None) -> Attachment:
    claim = lock(session, claim)
    if claim.state not in (DRAFT, SUBMITTED):
        raise ServiceError(_l("Evidence can be added until the claim is decided."))
    return attachments.save(session, stream, filename,
                            allowed=("pdf", "png", "jpeg", "xlsx"), res_table=RES_TABLE,
                            res_id=claim.id, purpose=EVIDENCE,
                            org_unit_id=claim.customer.org_unit_id, user_id=_user_id(user))


def submit_claim(session: Session, claim: RebateClaim, user=None) -> RebateClaim:
    claim = lock(session, claim)
    if claim.state != DRAFT:
        raise ServiceError(_l("Only a draft claim can be submitted."))
    if claim.amount <= 0:
        raise ServiceError(_l("The claim amount must be positive."))
    if not evidence(session, claim):
        raise ServiceError(_l("Attach the evidence (sales records, price notices …) before "
                              "submitting the claim."))
    claim.state = SUBMITTED
    claim.submitted_at = utcnow()
    claim.submitted_by = _user_id(user)
    session.flush()
    events.emit(session, "finance.rebate_submitted", claim_id=claim.id)
    return claim


def approve_claim(session: Session, claim: RebateClaim, *, user, note: str = "",
                  when: date | None = None) -> RebateClaim:
    """Approval accrues the liability: Dr 660105 / Cr 2241 for the customer."""
    claim = lock(session, claim)  # approving twice, or approving while rejecting: one wins
    if claim.state != SUBMITTED:
        raise ServiceError(_l("Only a submitted claim can be approved."))
    _four_eyes(session, claim, user)
    when = when or clock.today()
    cust = claim.customer
    with atomic(session):
        entry = post_entry(session, "RBT", when, [
            LineSpec(chart.REBATE_EXPENSE, debit=claim.amount, memo=claim.number),
            LineSpec(chart.OTHER_PAYABLE, credit=claim.amount, customer_id=claim.customer_id,
                     memo=claim.number),
        ], memo=str(_l("Rebate approved: %(number)s", number=claim.number)),
            customer_id=claim.customer_id, source=f"finance.rebate_claim:{claim.id}",
            user_id=_user_id(user), **_dims(cust))
        claim.state = APPROVED
        claim.decided_at, claim.decided_by = utcnow(), user.id
        claim.decision_note = (note or "").strip() or None
        claim.approved_on = when
        claim.accrual_entry_id = entry.id
        session.flush()
    events.emit(session, "finance.rebate_approved", claim_id=claim.id, source=claim.source)
    return claim


def reject_claim(session: Session, claim: RebateClaim, *, user, note: str) -> RebateClaim:
    claim = lock(session, claim)
    if claim.state != SUBMITTED:
        raise ServiceError(_l("Only a submitted claim can be rejected."))
    note = (note or "").strip()
    if not note:
        raise ServiceError(_l("Give the reason for the rejection."))
    _four_eyes(session, claim, user)
    claim.state = REJECTED
    claim.decided_at, claim.decided_by, claim.decision_note = utcnow(), user.id, note
    session.flush()
    events.emit(session, "finance.rebate_rejected", claim_id=claim.id, source=claim.source)
    return claim


def _four_eyes(session: Session, claim: RebateClaim, user) -> None:
    if user is None or not access.has_permission(session, user, "finance.rebate_approve"):
        raise ServiceError(_l("You do not have permission to do this."))
    if user.id in (claim.created_by, claim.submitted_by):
        raise ServiceError(_l("A claim is decided by someone other than the person who filed it."))


def redeem_claim(session: Session, claim: RebateClaim, *, method: str, user=None,
                 when: date | None = None, reference: str = "",
                 tax_rate: str | None = None) -> RebateClaim:
    """Pay out an approved rebate: a rebate credit note (红字发票, whose tax
    part at ``tax_rate`` reverses output VAT) against the receivable, or a
    bank payment to the customer."""
    claim = lock(session, claim)  # settled twice at once: one payout, the other refused
    if claim.state != APPROVED:
        raise ServiceError(_l("Only an approved claim can be redeemed."))
    if user is not None and not access.has_permission(session, user, "finance.rebate_redeem"):
        raise ServiceError(_l("You do not have permission to do this."))
    when = when or clock.today()
    if claim.approved_on and when < claim.approved_on:
        raise ServiceError(_l("A rebate cannot be redeemed before it was approved."))
    text = str(_l("Rebate %(number)s", number=claim.number))
    with atomic(session):
        if method == BY_CREDIT_NOTE:
            cn = post_credit_note(session, claim.customer_id, CN_REBATE, claim.amount,
                                  reason=text, when=when, rebate_claim_id=claim.id,
                                  source=f"finance.rebate_claim:{claim.id}", user=user,
                                  tax_rate=tax_rate)
            entry_id = cn.entry_id
        elif method == BY_PAYMENT:
            entry = post_entry(session, "RBT", when, [
                LineSpec(chart.OTHER_PAYABLE, debit=claim.amount, customer_id=claim.customer_id,
                         memo=claim.number),
                LineSpec(chart.BANK, credit=claim.amount, memo=reference or claim.number),
            ], memo=str(_l("Rebate paid: %(number)s", number=claim.number)),
                customer_id=claim.customer_id, source=f"finance.rebate_claim:{claim.id}",
                user_id=_user_id(user), **_dims(claim.customer))
            entry_id = entry.id
        else:
            raise ServiceError(_l("Redeem by credit note or by payment."))
        claim.state = REDEEMED
        claim.redemption, claim.redemption_entry_id = method, entry_id
        claim.redeemed_on, claim.redeemed_by = when, _user_id(user)
        session.flush()
    events.emit(session, "finance.rebate_redeemed", claim_id=claim.id, source=claim.source)
    return claim


def file_claim(session: Session, customer_id: int, kind: str, *, period_start: date,
               period_end: date, lines: list[dict], note: str = "", user=None,
               source: str | None = None, evidence_attachment_ids: Iterable[int] = (),
               submit: bool = True) -> RebateClaim:
    """Another plugin's claim enters the finance workflow; evidence is copied."""
    with atomic(session):  # create_claim refuses a source filed already
        claim = create_claim(session, customer_id, kind, period_start=period_start,
                             period_end=period_end, lines=lines, note=note, user=user,
                             source=source)
        for att_id in evidence_attachment_ids:
            att = session.get(Attachment, int(att_id))
            if att is None:
                raise ServiceError(_l("Unknown attachment."))
            add_evidence(session, claim, io.BytesIO(attachments.read_bytes(session, att)),
                         att.filename, user=user)
        if submit:
            submit_claim(session, claim, user=user)
    return claim


@dataclass
class TimelinessRow:
    claim: RebateClaim
    days: int | None
    late: bool


def timeliness(session: Session, stmt, today: date | None = None) -> tuple[list[TimelinessRow], dict]:
    """Days from approval to redemption (or to today while unpaid) per
    approved/redeemed claim of ``stmt`` (a scoped select of claims)."""
    today = today or clock.today()
    limit = int(settings_of(session, "finance.rebate_redeem_days"))
    claims = session.execute(stmt.where(RebateClaim.state.in_((APPROVED, REDEEMED)))
                             .order_by(RebateClaim.approved_on, RebateClaim.id)).scalars().all()
    rows = []
    for c in claims:
        end = c.redeemed_on or today
        days = (end - c.approved_on).days if c.approved_on else None
        rows.append(TimelinessRow(c, days, days is not None and days > limit))
    redeemed = [r.days for r in rows if r.claim.state == REDEEMED and r.days is not None]
    summary = {
        "limit": limit,
        "redeemed": len(redeemed),
        "open": sum(1 for r in rows if r.claim.state == APPROVED),
        "late": sum(1 for r in rows if r.late),
        "average_days": round(sum(redeemed) / len(redeemed), 1) if redeemed else None,
        "open_amount": sum((r.claim.amount for r in rows if r.claim.state == APPROVED), ZERO),
    }
    return rows, summary


def pending_liability(session: Session, customer_id: int) -> Decimal:
    """Approved rebates not yet redeemed for one customer (SQL sum)."""
    from .money import msum

    return session.scalar(select(msum(RebateClaim.amount)).where(
        RebateClaim.customer_id == customer_id, RebateClaim.state == APPROVED))


__all__ = ["create_claim", "update_claim", "submit_claim", "approve_claim", "reject_claim",
           "redeem_claim", "file_claim", "timeliness", "evidence", "add_evidence",
           "pending_liability"]
