"""Helpers shared by the finance pages: the run-a-service pattern (commit,
or roll back and show the message), scoped customer look-ups, parsing."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import abort, request
from flask_login import current_user
from sqlalchemy import select

from core.access import VIEW
from core.dates import parse_day
from core.inputs import bounded_int
from core.services import ServiceError
from core.web.pickers import picked
from core.web.request import db_session, get_or_404
from plugins.customers import api as customers
from plugins.customers.api import Customer

from ..services import ledger, limits
from ..services.money import round_money, to_money, to_quantity

PAGE = 50
#: The record picker's kind for customers (declared by the customers plugin).
CUSTOMER = "customers.customer"





def customer_or_404(customer_id, action: str = VIEW) -> Customer:
    try:
        ident = bounded_int(customer_id)
    except (TypeError, ValueError):
        abort(404)
    return get_or_404(Customer, ident, action)


def posted_customer(raw, action: str = VIEW, *, required: bool = True) -> Customer | None:
    """The customer a form chose with the record picker (its code, or its
    id): one the user may ``action``, else a 422 page saying so."""
    return picked(CUSTOMER, raw, action, required=required)


def visible_customer_ids(action: str = VIEW):
    return customers.customer_ids_for(current_user, action)


def optional_day(value: str | None) -> date | None:
    return parse_day(value) if (value or "").strip() else None



def int_arg(name: str) -> int | None:
    try:
        return bounded_int(request.args.get(name) or 0) or None
    except ValueError:
        return None


class FieldCheck:
    """Form-level checks, so a refusal stands next to its field (issue 20):
    each method parses one field with the services' own parser and limits
    and records the message under the field's name.  The services check
    again; this is for the person typing."""

    def __init__(self, form):
        self.form = form
        self.errors: dict[str, str] = {}
        self.s = db_session()

    def _run(self, name: str, fn):
        try:
            return fn()
        except ServiceError as e:
            self.errors.setdefault(name, str(e))
            return None

    def run(self, name: str, fn):
        """``fn()``, or None with its refusal recorded under ``name``."""
        return self._run(name, fn)

    def date(self, name: str) -> date | None:
        def check():
            when = parse_day(self.form.get(name))
            locked = limits.lock_date(self.s)
            ledger.check_open(self.s, when, locked)  # the lock date's own message first
            return limits.check_date(self.s, when, locked)

        return self._run(name, check)

    def amount(self, name: str, *, blank_ok: bool = False) -> Decimal | None:
        raw = (self.form.get(name) or "").strip()
        if blank_ok and not raw:
            return None
        return self._run(name, lambda: limits.check_amount(self.s, to_money(raw)))

    def quantity(self, name: str, default: str = "1") -> Decimal | None:
        raw = (self.form.get(name) or "").strip() or default
        return self._run(name, lambda: limits.check_quantity(self.s, to_quantity(raw)))

    def line_amount(self, name: str, qty: Decimal | None, price: Decimal | None) -> None:
        if qty is not None and price is not None:
            self._run(name, lambda: limits.check_amount(self.s, round_money(qty * price)))

    def __bool__(self) -> bool:
        return not self.errors


def paged(stmt, page: int):
    rows = db_session().execute(stmt.offset((page - 1) * PAGE).limit(PAGE + 1)).scalars().all()
    return rows[:PAGE], len(rows) > PAGE


__all__ = ["customer_or_404", "posted_customer", "visible_customer_ids", "parse_day", "optional_day", "int_arg", "paged", "PAGE", "select", "current_user", "FieldCheck"]
