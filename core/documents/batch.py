"""Batch rendering, the first job kind: many records → many issued PDFs →
one ZIP.  Each document is issued apart (rendered outside any write lock,
then numbered and archived in its own short transaction), so one bad
record is reported and the others are kept (issue 3, scope 5)."""
from __future__ import annotations

import logging
import zipfile
from typing import Any

from sqlalchemy.orm import Session

from ..access import AccessDenied, require
from ..db import reading
from ..i18n import _, _l
from ..models import User
from ..services import ServiceError
from . import service

log = logging.getLogger(__name__)

KIND = "core.render_batch"
MAX_RECORDS = 5000
RESULT = "documents.zip"


def start(session: Session, spec_name: str, record_ids: list[Any], user: User,
          locale: str | None = None):
    """Queue a batch job for ``user`` (flushed; commit, then ``core.jobs.dispatch``)."""
    from ..jobs import create

    spec = service.get_spec(session, spec_name)
    require(session, user, spec.permission)
    ids: list[str] = []
    for rid in record_ids:
        text = str(rid).strip()
        if text and text not in ids:
            ids.append(text)
    if not ids:
        raise ServiceError(_l("Choose at least one record."))
    if len(ids) > MAX_RECORDS:
        raise ServiceError(_l("At most %(n)d documents per batch.", n=MAX_RECORDS))
    label = f"{spec.label} × {len(ids)}"
    return create(session, KIND, user, {"spec": spec.name, "record_ids": ids,
                                        "locale": locale}, label=label)


def _unique(name: str, taken: set[str]) -> str:
    stem, dot, ext = name.rpartition(".")
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}{dot}{ext}"
    taken.add(candidate)
    return candidate


def render_batch(ctx, spec: str, record_ids: list, locale: str | None = None) -> str:
    """Job handler: issue one document per record into ``documents.zip``."""
    total = len(record_ids)
    issued, taken = 0, set()
    ctx.set_result(RESULT)
    with zipfile.ZipFile(ctx.path(RESULT), "w", zipfile.ZIP_STORED) as zf:
        for i, rid in enumerate(record_ids, 1):
            try:
                # Rendered while no write lock is held; numbered and
                # archived in a short transaction of its own.
                doc = service.issue_apart(ctx.session, spec, rid, ctx.owner_id,
                                          locale=locale or ctx.locale)
                with reading(), ctx.session() as s:
                    data = service.read_pdf(s, doc)
                zf.writestr(_unique(doc.filename, taken), data)
                issued += 1
            except (ServiceError, AccessDenied) as exc:
                reason = str(exc) if isinstance(exc, ServiceError) else _("Not allowed")
                ctx.report(_("Record %(id)s: %(reason)s", id=rid, reason=reason))
            except Exception as exc:  # noqa: BLE001 - one bad record must not sink the batch
                log.exception("batch %s: record %s failed", ctx.job_id, rid)
                ctx.report(_("Record %(id)s: unexpected error (%(kind)s)", id=rid,
                             kind=type(exc).__name__))
            ctx.progress(i * 100 // total, _("%(done)d of %(total)d documents",
                                             done=i, total=total))
        if ctx.problems:
            zf.writestr("errors.txt", "\n".join(ctx.problems) + "\n")
    if issued == 0:
        raise ServiceError(_("No document could be issued."))
    ctx.progress(100, _("%(ok)d of %(total)d documents issued", ok=issued, total=total))
    return RESULT
