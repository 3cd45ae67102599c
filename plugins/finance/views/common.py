"""Helpers shared by the finance pages: the run-a-service pattern (commit,
or roll back and show the message), scoped customer look-ups, parsing."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask import abort, request
from flask_login import current_user
from sqlalchemy import select

from core.access import VIEW
from core.dates import parse_day
from core.inputs import bounded_int
from core.web import db_session, get_or_404
from core.web import run_action as run, back, page_arg  # noqa: F401 (re-exported to this plugin's views)
from plugins.customers import api as customers
from plugins.customers.api import Customer

PAGE = 50





def customer_or_404(customer_id, action: str = VIEW) -> Customer:
    try:
        ident = bounded_int(customer_id)
    except (TypeError, ValueError):
        abort(404)
    return get_or_404(Customer, ident, action)


def customer_choices(action: str = VIEW, limit: int = 2000) -> list[tuple[int, str]]:
    s = db_session()
    rows = s.execute(customers.scoped_customers(s, current_user, action)
                     .order_by(Customer.code).limit(limit)).scalars()
    return [(c.id, customers.customer_label(c)) for c in rows]


def visible_customer_ids(action: str = VIEW):
    return customers.customer_ids_for(current_user, action)


def optional_day(value: str | None) -> date | None:
    return parse_day(value) if (value or "").strip() else None



def int_arg(name: str) -> int | None:
    try:
        return bounded_int(request.args.get(name) or 0) or None
    except ValueError:
        return None


def amount_or_none(value) -> Decimal | None:
    try:
        return Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None


def paged(stmt, page: int):
    rows = db_session().execute(stmt.offset((page - 1) * PAGE).limit(PAGE + 1)).scalars().all()
    return rows[:PAGE], len(rows) > PAGE


__all__ = ["run", "back", "customer_or_404", "customer_choices", "visible_customer_ids",
           "parse_day", "optional_day", "page_arg", "int_arg", "paged", "PAGE", "select",
           "current_user"]
