"""Blueprint ``stores_demo`` at ``/stores_demo``; the pages live in the modules below."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("stores_demo", __name__, url_prefix="/stores_demo",
               template_folder="../templates", static_folder="../static")


def blueprint() -> Blueprint:
    # The route modules attach themselves to ``bp`` on import.
    from . import overview  # noqa: F401  (each area adds its module here)
    from . import accounts, contacts, handover, pipeline  # noqa: F401
    from . import claims, devreport, plans, receptions, visits  # noqa: F401  (development)
    from . import tasks  # noqa: F401
    from . import walkins  # noqa: F401
    from . import anniversaries  # noqa: F401
    from . import events  # noqa: F401
    from . import pieces, custom_orders, after_sale  # noqa: F401

    return bp
