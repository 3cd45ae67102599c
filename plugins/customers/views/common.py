"""Helpers shared by the page modules."""
from __future__ import annotations

from flask import flash

from core.access import EDIT, VIEW
from core.web.request import get_or_404

from ..models import Customer

PAGE = 50


def customer_or_404(customer_id: int, action: str = VIEW) -> Customer:
    return get_or_404(Customer, customer_id, action)


def child_or_404(model, ident: int, action: str = VIEW):
    """A visit, follow-up, contact … — scoped through its customer."""
    return get_or_404(model, ident, action)


def form_errors(form) -> None:
    for name, errs in form.errors.items():
        label = getattr(form, name).label.text if hasattr(form, name) else name
        for e in errs:
            flash(f"{label}: {e}", "error")


def writable(customer_id: int) -> Customer:
    return customer_or_404(customer_id, EDIT)


__all__ = ["customer_or_404", "child_or_404", "form_errors", "writable", "PAGE"]
