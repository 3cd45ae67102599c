"""Blueprint ``banking_rm`` at ``/banking_rm``; the pages live in the modules below."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("banking_rm", __name__, url_prefix="/banking_rm",
               template_folder="../templates", static_folder="../static")


def blueprint() -> Blueprint:
    # The route modules attach themselves to ``bp`` on import.
    from . import overview  # noqa: F401  (each area adds its module here)
    from . import activity, campaign_pages, meeting, referrals, stages  # noqa: F401
    from . import care  # noqa: F401
    from . import cards, clients, holdings, matrix  # noqa: F401  (retail clients, holdings, value matrix)

    return bp
