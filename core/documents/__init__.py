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
           "verify_bytes"]
