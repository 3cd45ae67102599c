"""Helpers shared by the page modules."""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user

from core.access import EDIT, VIEW
from core.web.request import db_session, get_or_404
from core.web.actions import page_arg  # noqa: F401 (re-exported to this plugin's views)

from ..models import Customer

PAGE = 50


def customer_or_404(customer_id: int, action: str = VIEW) -> Customer:
    return get_or_404(Customer, customer_id, action)


def child_or_404(model, ident: int, action: str = VIEW):
    """A visit, follow-up, contact … — scoped through its customer."""
    return get_or_404(model, ident, action)


def refused(e, endpoint: str, **kw):
    """Roll back, show the service's message, go back."""
    db_session().rollback()
    flash(str(e), "error")
    return redirect(url_for(endpoint, **kw)), 303


def form_errors(form) -> None:
    for name, errs in form.errors.items():
        label = getattr(form, name).label.text if hasattr(form, name) else name
        for e in errs:
            flash(f"{label}: {e}", "error")


def writable(customer_id: int) -> Customer:
    return customer_or_404(customer_id, EDIT)


__all__ = ["customer_or_404", "child_or_404", "refused", "form_errors",
           "page_arg", "writable", "current_user", "PAGE"]
