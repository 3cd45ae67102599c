"""Blueprint ``finance`` at ``/finance``; the pages live in the modules below."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("finance", __name__, url_prefix="/finance",
               template_folder="../templates", static_folder="../static")

def blueprint() -> Blueprint:
    # The route modules attach themselves to ``bp`` on import.
    from . import (  # noqa: F401
        aging,
        budgets,
        credit,
        customer,
        imports,
        invoices,
        ledger,
        overview,
        payments,
        rebates,
        reports,
        statements,
        widgets,
    )

    return bp

@bp.app_template_filter("fin_label")
def _label(code) -> str:
    from ..labels import label

    return label(code)


@bp.app_template_filter("fin_tag")
def _tag(code) -> str:
    from ..labels import tag

    return tag(code)


@bp.app_template_filter("vat_rate")
def _vat_rate(code) -> str:
    from ..services.tax import rate_label

    return rate_label(code)
