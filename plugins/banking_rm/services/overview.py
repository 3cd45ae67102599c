"""The branch's overview figures for the home page and the dashboard widget:
a few GROUP BYs over the customers the user may see."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plugins.customers.api import Customer

from ..declarations import KIND_RETAIL
from ..models import BankHolding
from ..models.clients import ASSET_KINDS, OPEN
from . import holdings, matrix


def figures(session: Session, scope_where, today: date, owner_id: int | None = None) -> dict[str, Any]:
    """Customers, AUM, matrix counts, overdue contacts, cross-holding."""
    cust = select(func.count(Customer.id)).where(Customer.kind == KIND_RETAIL)
    aum = (select(func.coalesce(func.sum(BankHolding.amount), 0))
           .join(Customer, Customer.id == BankHolding.customer_id)
           .where(Customer.kind == KIND_RETAIL, BankHolding.status == OPEN,
                  BankHolding.kind.in_(ASSET_KINDS)))
    if scope_where is not None:
        cust, aum = cust.where(scope_where), aum.where(scope_where)
    overdue_sub = matrix.overdue_query(session, scope_where, today, owner_id).order_by(None).subquery()
    dist = holdings.cross_distribution(session, scope_where)
    return {
        "customers": int(session.scalar(cust) or 0),
        "aum": Decimal(session.scalar(aum) or 0),
        "cells": matrix.matrix_counts(session, scope_where),
        "overdue": int(session.scalar(select(func.count()).select_from(overdue_sub)) or 0),
        "dist": dist,
        "one_product": next(d["customers"] for d in dist if d["kinds"] == 1),
    }
