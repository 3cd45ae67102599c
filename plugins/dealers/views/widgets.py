"""Home-page widgets fetched after the page: ``/dealers/widgets/<name>``
(``core.widgets``: the body alone for ``qudao.js``, a page of its own
without JavaScript, cached per user for ``WIDGET_CACHE_SECONDS``)."""
from __future__ import annotations

from core import widgets
from core.web.decorators import permission_required

from ..declarations import VIEW
from ..widgets import FRAGMENTS
from . import bp


@bp.route("/widgets/<name>")
@permission_required(VIEW)
def widget(name: str):
    return widgets.serve(FRAGMENTS, name)
