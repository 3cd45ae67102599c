"""The value matrix (seed 004 图1): AUM × growth potential → four cells, each
with a contact frequency; the overdue-contact list is ONE SQL statement:
every retail customer in scope whose last activity (meeting, call or
message) is older than their cell's frequency — or who was never contacted."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.orm import Session

from core.models import User
from plugins.customers.api import Customer

from ..declarations import KIND_RETAIL
from ..models import BankActivity, BankRetailProfile
from .clients import (CELLS, CONTACT_TOPICS, HH, HL, LH, LL, aum_subquery, aum_threshold,
                      cell_expr, contact_days)

NEVER = date(1900, 1, 1)


def overdue_query(session: Session, scope_where, today: date, owner_id: int | None = None):
    """SELECT customer id, code, name, owner id and name, orientation, matrix
    cell and the day of the last contact, for every overdue customer, most
    overdue first (the AUM only decides the cell: it is not fetched)."""
    threshold = aum_threshold(session)
    days = contact_days(session)
    # A manager's list (a scope or an owner) aggregates only their customers'
    # holdings and activities; the whole branch's list aggregates everything.
    ids = None
    if scope_where is not None or owner_id is not None:
        ids = select(Customer.id).where(Customer.kind == KIND_RETAIL)
        if scope_where is not None:
            ids = ids.where(scope_where)
        if owner_id is not None:
            ids = ids.where(Customer.owner_id == owner_id)
    aum = aum_subquery(ids)
    last_q = (select(BankActivity.customer_id.label("customer_id"),
                     func.max(BankActivity.day).label("last_day"))
              .where(BankActivity.customer_id.is_not(None)))
    if ids is not None:
        last_q = last_q.where(BankActivity.customer_id.in_(ids))
    last = last_q.group_by(BankActivity.customer_id).subquery("last")
    cell = cell_expr(aum.c.aum, BankRetailProfile.potential, threshold)
    inner = (select(Customer.id, Customer.code, Customer.name, Customer.owner_id,
                    User.full_name.label("owner"), BankRetailProfile.orientation,
                    cell.label("cell"), last.c.last_day)
             .select_from(Customer)
             .join(BankRetailProfile, BankRetailProfile.customer_id == Customer.id)
             .outerjoin(User, User.id == Customer.owner_id)
             .outerjoin(aum, aum.c.customer_id == Customer.id)
             .outerjoin(last, last.c.customer_id == Customer.id)
             .where(Customer.kind == KIND_RETAIL))
    if scope_where is not None:
        inner = inner.where(scope_where)
    if owner_id is not None:
        inner = inner.where(Customer.owner_id == owner_id)
    m = inner.subquery("m")
    # the latest day a contact may have been made and still be in time, per cell
    cutoff = {c: today - timedelta(days=days[c]) for c in CELLS}
    due_by = case(*((m.c.cell == c, literal(cutoff[c])) for c in (HH, HL, LH)),
                  else_=literal(cutoff[LL]))
    return (select(m.c.id, m.c.code, m.c.name, m.c.owner_id, m.c.owner, m.c.orientation,
                   m.c.cell, m.c.last_day)
            .where(or_(m.c.last_day.is_(None), m.c.last_day < due_by))
            .order_by(func.coalesce(m.c.last_day, literal(NEVER)), m.c.id))


def overdue(session: Session, scope_where, today: date, owner_id: int | None = None,
            limit: int | None = None) -> list[dict[str, Any]]:
    """The overdue list as the page's rows: the statement's columns plus the
    cell's frequency, the days late (None: never contacted) and the topic."""
    stmt = overdue_query(session, scope_where, today, owner_id)
    if limit:
        stmt = stmt.limit(limit)
    days = contact_days(session)
    topics = dict(CONTACT_TOPICS)
    default = topics[None]
    rows = session.execute(stmt).all()
    return [{"id": i, "code": code, "name": name, "owner_id": oid, "owner": owner or "",
             "orientation": orient, "cell": cell, "last_day": last,
             "every": days[cell], "late_days": (today - last).days - days[cell] if last else None,
             "topic": topics.get(orient, default)}
            for i, code, name, oid, owner, orient, cell, last in rows]


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
