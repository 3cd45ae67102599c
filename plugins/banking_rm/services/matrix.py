"""The value matrix (seed 004 图1): AUM × growth potential → four cells, each
with a contact frequency; the overdue-contact list is ONE SQL statement:
every retail customer in scope whose last activity (meeting, call or
message) is older than their cell's frequency — or who was never contacted."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from core.models import User
from plugins.customers.api import Customer

from ..declarations import KIND_RETAIL
from ..models import BankActivity, BankRetailProfile
from .clients import (CELLS, CONTACT_TOPICS, HH, HL, LH, LL, aum_subquery, aum_threshold,
                      cell_expr, contact_days)

NEVER = date(1900, 1, 1)


def overdue_query(session: Session, scope_where, today: date, owner_id: int | None = None):
    """SELECT customer id, code, name, owner id and name, orientation, AUM,
    cell and the day of the last contact, for every overdue customer,
    most overdue first."""
    threshold = aum_threshold(session)
    days = contact_days(session)
    aum = aum_subquery()
    last = (select(BankActivity.customer_id.label("customer_id"),
                   func.max(BankActivity.day).label("last_day"))
            .where(BankActivity.customer_id.is_not(None))
            .group_by(BankActivity.customer_id).subquery("last"))
    cell = cell_expr(aum.c.aum, BankRetailProfile.potential, threshold)
    high_aum = func.coalesce(aum.c.aum, 0) >= threshold
    high_pot = BankRetailProfile.potential == "high"
    # the latest day a contact may have been made and still be in time
    cutoff = {c: today - timedelta(days=days[c]) for c in CELLS}
    due_by = case((and_(high_aum, high_pot), literal(cutoff[HH])), (high_aum, literal(cutoff[HL])),
                  (high_pot, literal(cutoff[LH])), else_=literal(cutoff[LL]))
    stmt = (select(Customer.id, Customer.code, Customer.name, Customer.owner_id,
                   User.full_name.label("owner"), BankRetailProfile.orientation,
                   func.coalesce(aum.c.aum, 0).label("aum"), cell.label("cell"),
                   last.c.last_day)
            .select_from(Customer)
            .join(BankRetailProfile, BankRetailProfile.customer_id == Customer.id)
            .outerjoin(User, User.id == Customer.owner_id)
            .outerjoin(aum, aum.c.customer_id == Customer.id)
            .outerjoin(last, last.c.customer_id == Customer.id)
            .where(Customer.kind == KIND_RETAIL,
                   or_(last.c.last_day.is_(None), last.c.last_day < due_by))
            .order_by(func.coalesce(last.c.last_day, literal(NEVER)), Customer.id))
    if scope_where is not None:
        stmt = stmt.where(scope_where)
    if owner_id is not None:
        stmt = stmt.where(Customer.owner_id == owner_id)
    return stmt


def overdue(session: Session, scope_where, today: date, owner_id: int | None = None,
            limit: int | None = None) -> list[dict[str, Any]]:
    stmt = overdue_query(session, scope_where, today, owner_id)
    if limit:
        stmt = stmt.limit(limit)
    days = contact_days(session)
    out = []
    for r in session.execute(stmt):
        freq = days[r.cell]
        out.append({"id": r.id, "code": r.code, "name": r.name, "owner_id": r.owner_id,
                    "owner": r.owner or "", "orientation": r.orientation, "aum": r.aum,
                    "cell": r.cell, "last_day": r.last_day, "every": freq,
                    "late_days": (today - r.last_day).days - freq if r.last_day else None,
                    "topic": CONTACT_TOPICS.get(r.orientation, CONTACT_TOPICS[None])})
    return out


def overdue_per_manager(session: Session, scope_where, today: date) -> list[tuple]:
    """``(owner id, owner name, overdue customers)`` — a GROUP BY over the
    same statement."""
    sub = overdue_query(session, scope_where, today).order_by(None).subquery()
    return session.execute(select(sub.c.owner_id, sub.c.owner, func.count())
                           .group_by(sub.c.owner_id, sub.c.owner)
                           .order_by(func.count().desc())).all()


def matrix_counts(session: Session, scope_where) -> dict[str, int]:
    """Retail customers per matrix cell (one GROUP BY)."""
    threshold = aum_threshold(session)
    aum = aum_subquery()
    cell = cell_expr(aum.c.aum, BankRetailProfile.potential, threshold)
    stmt = (select(cell.label("cell"), func.count()).select_from(Customer)
            .join(BankRetailProfile, BankRetailProfile.customer_id == Customer.id)
            .outerjoin(aum, aum.c.customer_id == Customer.id)
            .where(Customer.kind == KIND_RETAIL).group_by(cell))
    if scope_where is not None:
        stmt = stmt.where(scope_where)
    counts = dict.fromkeys(CELLS, 0)
    counts.update({k: int(v) for k, v in session.execute(stmt)})
    return counts


__all__ = ["overdue_query", "overdue", "overdue_per_manager", "matrix_counts", "HH", "HL", "LH", "LL"]
