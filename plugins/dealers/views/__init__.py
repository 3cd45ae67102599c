"""Blueprint ``dealers`` at ``/dealers``; the pages live in the modules below."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("dealers", __name__, url_prefix="/dealers",
               template_folder="../templates", static_folder="../static")


def blueprint() -> Blueprint:
    # The route modules attach themselves to ``bp`` on import.
    from . import catalog, market, network, orders, overview, promotions, rebates, samples, stock, widgets  # noqa: F401

    return bp


@bp.app_template_global("state_label")
def _state_label(code) -> str:
    from ..labels import state_label

    return state_label(code)


@bp.app_template_global("dealers_pdf_locale")
def _pdf_locale() -> str:
    # The document service is given "zh_CN" / "en" explicitly: Babel's
    # get_locale() spells Chinese "zh_Hans_CN", which has no catalogue.
    from flask_babel import get_locale

    return "en" if str(get_locale() or "").startswith("en") else "zh_CN"
