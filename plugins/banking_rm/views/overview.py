"""The branch's home page."""
from __future__ import annotations

from flask import render_template

from core.web.decorators import permission_required

from ..declarations import VIEW
from . import bp


@bp.route("/")
@permission_required(VIEW)
def index():
    return render_template("banking_rm/index.html")
