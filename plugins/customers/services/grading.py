"""ABC grading by purchase share (seed 003 代理商 part, seed 000 §四.1.B).

Per org unit, customers are sorted by purchases over a trailing window
(default 12 months); A = the top customers until the cumulative share
reaches the A threshold (60 %), B = the next ones until 90 %, C = the rest.
A customer is A when the cumulative share *before* it is still below 60 %:
the customer that crosses the line belongs to the upper grade.

Ties: customers with equal purchases always get the same grade — the grade
of the first of them, i.e. a tie straddling a boundary goes up.  The order
inside a tie (customer code) only matters for display.  Customers without
purchases are C; a unit without any purchases grades everyone C.

Purchase amounts come from every enabled plugin's
``customer_purchase_amounts`` hook (dealers: orders, stores_demo: deals,
banking_rm: AUM) and are summed per customer.  A manual override (with a
reason) wins over the computed grade and is shown as such.
"""
from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Iterable

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from core import audit, settings
from core.access import hooks_for
from core.db import utcnow
from core.i18n import _l
from core.services import ServiceError, lock

from ..models import ACTIVE, GRADES, SUSPENDED, Customer
from core import clock

#: Only customers that buy are graded.
GRADED_STATUSES = (ACTIVE, SUSPENDED)


def purchase_amounts(session: Session, customer_ids: Select | Iterable[int],
                     start: date, end: date) -> dict[int, Decimal]:
    if not isinstance(customer_ids, Select):
        ids = list(customer_ids)
        customer_ids = select(Customer.id).where(Customer.id.in_(ids))
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for result in hooks_for(session).customer_purchase_amounts(
            session=session, customer_ids=customer_ids, start=start, end=end):
        for cid, amount in (result or {}).items():
            totals[cid] += Decimal(amount or 0)
    return dict(totals)


def history_amounts(session: Session, customer_ids: Select, start: date,
                    end: date) -> dict[int, Decimal]:
    """{customer id: purchases before the platform in ``[start, end)``}."""
    from sqlalchemy import func

    from ..models import PurchaseHistory

    rows = session.execute(
        select(PurchaseHistory.customer_id, func.sum(PurchaseHistory.amount))
        .where(PurchaseHistory.customer_id.in_(customer_ids),
               PurchaseHistory.on >= start, PurchaseHistory.on < end)
        .group_by(PurchaseHistory.customer_id))
    return {cid: Decimal(total) for cid, total in rows}


def compute(amounts: list[tuple[int, str, Decimal]], a_share: Decimal,
            b_share: Decimal) -> dict[int, tuple[str, Decimal]]:
    """``[(id, code, amount)]`` of one unit → ``{id: (grade, own share)}``."""
    total = sum((a for _i, _c, a in amounts), Decimal(0))
    ordered = sorted(amounts, key=lambda r: (-r[2], r[1]))
    out: dict[int, tuple[str, Decimal]] = {}
    cumulative = Decimal(0)
    last_amount: Decimal | None = None
    last_grade = "A"
    for cid, _code, amount in ordered:
        share = (amount / total) if total > 0 else Decimal(0)
        if amount <= 0 or total <= 0:
            grade = "C"
        elif amount == last_amount:
            grade = last_grade  # equal purchases, equal grade
        elif cumulative * 100 < a_share:
            grade = "A"
        elif cumulative * 100 < b_share:
            grade = "B"
        else:
            grade = "C"
        out[cid] = (grade, share)
        cumulative += share
        last_amount, last_grade = amount, grade
    return out


def window(session: Session, today: date | None = None) -> tuple[date, date]:
    """``[start, end)``: the last N months up to and including today."""
    today = today or clock.today()
    months = int(settings.get(session, "customers.grade_window_months"))
    y, m = divmod(today.year * 12 + (today.month - 1) - months, 12)
    day = min(today.day, calendar.monthrange(y, m + 1)[1])
    start = date(y, m + 1, day)
    return start, date.fromordinal(today.toordinal() + 1)


def recompute(session: Session, org_unit_ids: Iterable[int] | None = None,
              today: date | None = None) -> dict[str, int]:
    """Grade every unit (or the given ones); returns counts per grade.  Grade
    changes land in the audit trail with the reason "ABC grading"."""
    a_share = Decimal(settings.get(session, "customers.grade_a_share"))
    b_share = Decimal(settings.get(session, "customers.grade_b_share"))
    if not a_share <= b_share:
        raise ServiceError(_l("The grade A share must not exceed the grade B share."))
    start, end = window(session, today)
    units_q = select(Customer.org_unit_id).where(
        Customer.status.in_(GRADED_STATUSES)).distinct()
    if org_unit_ids is not None:
        units_q = units_q.where(Customer.org_unit_id.in_(list(org_unit_ids)))
    counts = {g: 0 for g in GRADES}
    audit.set_reason(session, str(_l("ABC grading recomputed")))
    now = utcnow()
    for unit_id in session.scalars(units_q).all():
        ids = select(Customer.id).where(Customer.org_unit_id == unit_id,
                                        Customer.status.in_(GRADED_STATUSES))
        amounts = purchase_amounts(session, ids, start, end)
        customers = session.scalars(
            select(Customer).where(Customer.id.in_(ids))).all()
        grades = compute([(c.id, c.code, amounts.get(c.id, Decimal(0))) for c in customers],
                         a_share, b_share)
        for c in customers:
            grade, share = grades[c.id]
            c.grade_computed = grade
            c.grade = c.grade_override or grade
            c.grade_amount = amounts.get(c.id, Decimal(0))
            c.grade_share = share.quantize(Decimal("0.000001"))
            c.graded_at = now
            counts[c.grade] += 1
    # Customers that left the graded statuses lose their computed grade.
    stale = select(Customer).where(Customer.status.notin_(GRADED_STATUSES),
                                   Customer.grade_computed.is_not(None))
    if org_unit_ids is not None:
        stale = stale.where(Customer.org_unit_id.in_(list(org_unit_ids)))
    for c in session.scalars(stale):
        c.grade_computed = None
        c.grade = c.grade_override
    session.flush()
    return counts


def override(session: Session, customer: Customer, grade: str | None, reason: str) -> None:
    """Set (or with ``grade=None`` clear) a manual grade; the reason is required
    and kept, and the page shows the grade as manual."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Give a reason for the manual grade."))
    if grade is not None and grade not in GRADES:
        raise ServiceError(_l("Unknown grade: %(grade)s", grade=grade))
    customer = lock(session, customer)
    audit.set_reason(session, reason)
    customer.grade_override = grade
    customer.grade_override_reason = reason if grade else None
    customer.grade = grade or customer.grade_computed
    session.flush()
