"""Blueprint ``stores_demo`` at ``/stores_demo``; the pages live in the modules below."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("stores_demo", __name__, url_prefix="/stores_demo",
               template_folder="../templates", static_folder="../static")


def blueprint() -> Blueprint:
    # The route modules attach themselves to ``bp`` on import.
    from . import overview  # noqa: F401  (each area adds its module here)
    from . import accounts, contacts, handover, pipeline  # noqa: F401

    return bp
