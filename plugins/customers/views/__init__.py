"""Blueprint ``customers`` at ``/customers``; the pages live in the modules below."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("customers", __name__, url_prefix="/customers",
               template_folder="../templates", static_folder="../static")


def blueprint() -> Blueprint:
    # The route modules attach themselves to ``bp`` on import.
    from . import assessments, customers, exchange, opening, visits  # noqa: F401

    return bp
