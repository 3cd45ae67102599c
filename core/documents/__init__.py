"""The document service (issue 3): Chinese PDFs from plugin templates,
numbered, archived with their SHA-256 and verifiable.  Only this package
calls WeasyPrint.

Plugins declare ``core.registry.DocumentSpec`` objects in
``register_documents()``; views post to ``documents.issue``; code calls
``core.documents.issue(session, spec_name, record_id, user)``.
"""
from ..registry import DocumentSpec
from .models import IssuedDocument
from .service import (
    DocumentError,
    RecordNotFound,
    UnknownDocument,
    find_by_sha256,
    get_spec,
    issue,
    read_pdf,
    specs,
    verify_bytes,
)

__all__ = ["DocumentSpec", "IssuedDocument", "DocumentError", "RecordNotFound",
           "UnknownDocument", "issue", "read_pdf", "get_spec", "specs", "find_by_sha256",
           "verify_bytes", "install"]


def install(app) -> None:
    """Give the app its PDF renderer and mount the document pages."""
    from .render import PdfRenderer
    from .views import bp

    from ..plugins import PluginError

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
