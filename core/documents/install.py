"""``install(app)``: the app's PDF renderer and the document pages (called
once by ``core.app.create_app``)."""
from __future__ import annotations

from ..plugins import PluginError
from .render import PdfRenderer
from .views import bp


def install(app) -> None:
    """Give the app its PDF renderer and mount the document pages."""
    ext = app.extensions["qudao"]
    for name, spec in ext.documents.items():
        if spec.sequence and spec.sequence not in ext.sequences:
            raise PluginError(f"document {name!r} uses undeclared sequence {spec.sequence!r}")
        if spec.permission not in ext.permissions:
            raise PluginError(f"document {name!r} needs undeclared permission {spec.permission!r}")
    ext.pdf = PdfRenderer(ext.host, app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"),
                          processes=app.config.get("PDF_PROCESSES", 0))
    ext.pdf.paging = {spec.template: spec.paging for spec in ext.documents.values()
                      if spec.paging is not None}
    app.register_blueprint(bp)
