"""ABC grading from purchase amounts (seed 003 代理商 part, 000 §四.1.B).

Purchase amounts come from every enabled plugin's
``customer_purchase_amounts`` hook and are summed per customer.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Iterable

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from core.access import hooks_for

from .models import Customer


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
