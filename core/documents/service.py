"""Issuing documents: check access, build the context, number, render,
archive, record.  No Flask: views, the CLI and jobs call the same code.

``issue`` works in the caller's transaction (one issued document = one
transaction, number included; callers commit).  ``issue_apart`` renders in
a reading transaction and writes in a short one of its own, for batches
where several workers render side by side."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Callable, ContextManager

from sqlalchemy import select
from sqlalchemy.orm import Session

from zoneinfo import ZoneInfo

from .. import access
from .. import settings as settings_svc
from ..dates import is_chinese, local_time
from ..db import reading, utcnow
from ..i18n import _l
from ..models import Attachment, OrgUnit, Sequence, User
from ..registry import DocumentSpec
from ..sequences import next_number
from ..services import ServiceError
from . import archive
from .models import IssuedDocument
from .render import data_url

LOGO_PURPOSE = "core.letterhead_logo"
RESERVED = frozenset({"doc", "company", "lang"})
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_PLAIN = (str, int, float, Decimal, bool, type(None), date, datetime, time)


class DocumentError(ServiceError):
    """A document could not be issued or served; the message is for the user."""


class UnknownDocument(DocumentError):
    """No such document spec among the enabled plugins (pages answer 404)."""


class RecordNotFound(DocumentError):
    """The record does not exist or the user may not see it (pages answer 404)."""


def _enabled(session: Session) -> frozenset[str]:
    enabled = session.info.get("enabled")
    if enabled is None:
        enabled = session.info["enabled"] = session.ext.host.enabled(session)
    return enabled


def get_spec(session: Session, name: str) -> DocumentSpec:
    """The spec called ``name`` if its plugin is enabled."""
    ext = session.ext
    spec = ext.documents.get(name)
    if spec is None or ext.host.plugin_of(spec.name) not in _enabled(session):
        raise UnknownDocument(_l("There is no document called %(name)s.", name=name))
    return spec


def specs(session: Session) -> list[DocumentSpec]:
    """Specs of the enabled plugins, by name."""
    ext = session.ext
    on = _enabled(session)
    return [s for n, s in sorted(ext.documents.items()) if ext.host.plugin_of(n) in on]


def plain(value: Any, gettext, where: str = "context") -> Any:
    """A copy of ``value`` made of plain data only; lazy strings are
    translated.  ORM objects are refused: templates get data, not rows."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"{where}: keys must be strings, got {k!r}")
            out[k] = plain(v, gettext, f"{where}.{k}")
        return out
    if isinstance(value, (list, tuple)):
        return [plain(v, gettext, f"{where}[{i}]") for i, v in enumerate(value)]
    if hasattr(value, "_args") and hasattr(value, "_func"):  # Flask-Babel lazy string
        return gettext(value)
    raise TypeError(f"{where}: {type(value).__name__} is not plain data "
                    "(build_context must return dicts, lists, str, numbers, Decimal, dates)")


def company(session: Session) -> dict:
    """The letterhead: company settings plus the uploaded logo as a data: URL."""
    keys = ["core.company_name", "core.company_address", "core.company_tax_number",
            "core.company_phone"]
    values = settings_svc.all_values(session, keys)
    logo = None
    att = session.scalars(select(Attachment).where(Attachment.purpose == LOGO_PURPOSE)
                          .order_by(Attachment.id.desc()).limit(1)).first()
    if att is not None:
        from ..attachments import read_bytes

        try:
            logo = data_url(read_bytes(session, att), att.content_type)
        except OSError:
            logo = None
    return {"name": values["core.company_name"], "address": values["core.company_address"],
            "tax_number": values["core.company_tax_number"],
            "phone": values["core.company_phone"], "logo": logo}


def _coerce_pk(model: Any, record_id: str):
    col = model.__mapper__.primary_key[0]
    try:
        py = col.type.python_type
    except NotImplementedError:  # pragma: no cover - exotic column types
        return record_id
    try:
        return py(record_id)
    except (TypeError, ValueError):
        raise RecordNotFound(_l("The record does not exist.")) from None


def _filename(spec: DocumentSpec, number: str | None, record_id: str) -> str:
    """The document's number — its own, or the record's (``file_name`` in the
    context: an order's number, an agreement's) for an unnumbered document —
    never a database id when there is one (issue 21, item 20)."""
    base = str(number or "").strip() or f"{spec.name.rsplit('.', 1)[-1]}-{record_id}"
    base = re.sub(r"[^\w.-]+", "-", base, flags=re.UNICODE).strip("-.") or "document"
    return base[:120] + ".pdf"


def _org_unit_id(session: Session, user: User) -> int:
    if user.org_unit_id:
        return user.org_unit_id
    return session.scalar(select(OrgUnit.id).where(OrgUnit.parent_id.is_(None))
                          .order_by(OrgUnit.id).limit(1))


@dataclass
class Rendered:
    """A document rendered but not yet recorded: the PDF bytes and what its
    archive row will say.  ``record`` writes it; until then nothing of it is
    in the database."""

    spec: str
    record_id: str
    locale: str
    title: str
    number: str | None
    sequence: str | None
    issued_at: datetime
    owner_id: int
    org_unit_id: int
    pdf: bytes
    filename: str


def _prepare(session: Session, spec_name: str, record_id: Any, user: User,
             locale: str | None, context: dict | None = None
             ) -> tuple[DocumentSpec, str, dict, str]:
    """Check access and build the plain context: (spec, record id, data, locale).

    ``context`` is the context the caller built already (its record found
    through the user's access scope by the caller): the record is not
    fetched again and ``build_context`` is not called."""
    spec = get_spec(session, spec_name)
    access.require(session, user, spec.permission)
    rid = str(record_id).strip()
    if not rid or len(rid) > 64:
        raise RecordNotFound(_l("The record does not exist."))
    if context is not None:
        data = context
    else:
        if spec.model is not None and access.scoped_get(
                session, spec.model, _coerce_pk(spec.model, rid), user) is None:
            raise RecordNotFound(_l("The record does not exist."))
        data = spec.build_context(session, rid, user)
    if data is None:
        raise RecordNotFound(_l("The record does not exist."))
    locale = locale or getattr(user, "locale", None) or "zh_CN"
    renderer = session.ext.pdf
    data = plain(data, lambda t: renderer.gettext(t, locale))
    clash = RESERVED & set(data)
    if clash:
        raise TypeError(f"{spec.name}: build_context must not set {', '.join(sorted(clash))}")
    return spec, rid, data, locale


def _render(session: Session, spec: DocumentSpec, rid: str, data: dict, user: User,
            locale: str, number: str | None, now: datetime) -> Rendered:
    renderer = session.ext.pdf
    zone = _tz(session.ext)
    # Aware: a template's |date shows it in the zone again, not shifted twice.
    local_now = local_time(now, zone).replace(tzinfo=ZoneInfo(zone))
    title = str(data.get("title") or renderer.gettext(spec.label, locale))
    context = {
        **data,
        "doc": {"spec": spec.name, "number": number, "title": title, "issued_at": local_now,
                "issued_on": local_now.date(), "tz": zone,
                "issuer": user.display_name, "record_id": rid},
        "company": company(session),
        "lang": "zh-CN" if is_chinese(locale) else "en",
    }
    pdf = renderer.render(spec.template, context, locale)
    return Rendered(spec=spec.name, record_id=rid, locale=locale, title=title, number=number,
                    sequence=spec.sequence, issued_at=now, owner_id=user.id,
                    org_unit_id=_org_unit_id(session, user), pdf=pdf,
                    filename=_filename(spec, number or data.get("file_name"), rid))


def render_document(session: Session, spec_name: str, record_id: Any, user: User, *,
                    locale: str | None = None, number: str | None = None,
                    now: datetime | None = None, context: dict | None = None) -> Rendered:
    """Check access, build the context and render the PDF — reads only;
    ``number`` is what the document will be numbered (None for a spec
    without a sequence); ``context`` as for ``_prepare``.  Raises
    UnknownDocument, RecordNotFound, ``core.access.AccessDenied`` or
    DocumentError."""
    spec, rid, data, locale = _prepare(session, spec_name, record_id, user, locale, context)
    return _render(session, spec, rid, data, user, locale, number, now or utcnow())


def _tz(ext) -> str:
    """The company's zone (``core.clock``): the same in a page, the CLI or a job."""
    from ..clock import zone

    return zone()


def _issued_on(session: Session, now: datetime) -> date:
    return local_time(now, _tz(session.ext)).date()


def record(session: Session, doc: Rendered, stored: tuple[str, str] | None = None
           ) -> IssuedDocument:
    """Write the archive row of a rendered document (flushed, not
    committed); stores the file first unless ``stored`` (path, SHA-256)
    says where it already is."""
    rel, digest = stored or archive.store(archive.root_of(session.ext.config), doc.pdf)
    row = IssuedDocument(number=doc.number, spec=doc.spec, title=doc.title[:200],
                         record_id=doc.record_id, locale=doc.locale, filename=doc.filename,
                         size=len(doc.pdf), sha256=digest, storage_path=rel,
                         issued_at=doc.issued_at, owner_id=doc.owner_id,
                         org_unit_id=doc.org_unit_id)
    session.add(row)
    session.flush()
    return row


def issue(session: Session, spec_name: str, record_id: Any, user: User, *,
          locale: str | None = None) -> IssuedDocument:
    """Render, number and archive one document for ``user`` in the caller's
    transaction; returns its row (flushed, not committed).  Raises
    UnknownDocument, RecordNotFound, ``core.access.AccessDenied`` or
    DocumentError.  A numbered document takes its number before it renders,
    so the caller's transaction holds the sequence (and on SQLite the write
    lock) while WeasyPrint runs; ``issue_apart`` does not."""
    spec, rid, data, locale = _prepare(session, spec_name, record_id, user, locale)
    now = utcnow()
    number = (next_number(session, spec.sequence, _issued_on(session, now))
              if spec.sequence else None)
    return record(session, _render(session, spec, rid, data, user, locale, number, now))


def _peek_number(session: Session, key: str, when: date) -> str:
    """The number ``next_number`` would give now (nothing is taken)."""
    spec = session.ext.sequences[key]
    last = session.scalar(select(Sequence.last_value).where(Sequence.key == key,
                                                            Sequence.year == when.year))
    return spec.pattern.format(year=when.year, n=(last or 0) + 1)


def issue_apart(session_scope: Callable[[], ContextManager[Session]], spec_name: str,
                record_id: Any, user_id: int, *, locale: str | None = None,
                then: Callable[[Session, IssuedDocument], None] | None = None,
                context: dict | None = None) -> IssuedDocument:
    """Issue one document in transactions of its own, so that no write lock
    is held while it renders: check access, build the context and render in
    a reading transaction (on SQLite a deferred ``BEGIN``: other writers go
    on), store the file in the archive, then write the archive row — and
    whatever ``then(session, row)`` adds, e.g. the record pointing at it —
    in one short writing transaction.  Returns the committed row (detached).

    Numbering stays gapless: a numbered document is rendered with the number
    the sequence would give next, and the writing transaction takes the
    number for real.  If another issue took it meanwhile, the document is
    rendered again inside the writing transaction with the number it got
    (``issue``'s way), so the PDF always carries its row's number; a render
    that fails takes no number at all.  A failure after the file was stored
    leaves an unreferenced file in the content-addressed archive, nothing
    else.  ``session_scope`` is ``Database.session`` or a job's
    ``ctx.session``.  ``context``: the plain context the caller built
    already, from a record it found through ``user_id``'s access scope —
    then the record is not fetched again and ``build_context`` is not
    called (a statement's figures are computed once per issue)."""
    with reading(), session_scope() as s:
        user = s.get(User, user_id)
        spec = get_spec(s, spec_name)
        now = utcnow()
        guess = _peek_number(s, spec.sequence, _issued_on(s, now)) if spec.sequence else None
        doc = render_document(s, spec_name, record_id, user, locale=locale, number=guess,
                              now=now, context=context)
        root = archive.root_of(s.ext.config)
    stored: tuple[str, str] | None = archive.store(root, doc.pdf)
    with session_scope() as s:
        if doc.sequence:
            number = next_number(s, doc.sequence, _issued_on(s, doc.issued_at))
            if number != doc.number:  # another issue took it meanwhile: render with ours
                doc = render_document(s, spec_name, record_id, s.get(User, user_id),
                                      locale=doc.locale, number=number, now=doc.issued_at,
                                      context=context)
                stored = None
        row = record(s, doc, stored)
        if then is not None:
            then(s, row)
    return row


def read_pdf(session: Session, doc: IssuedDocument) -> bytes:
    """The archived bytes, checked against the recorded SHA-256."""
    try:
        return archive.read(archive.root_of(session.ext.config), doc.storage_path, doc.sha256)
    except archive.ArchiveError:
        raise DocumentError(_l("The archived file of %(name)s is missing or damaged; "
                               "tell your administrator.", name=doc.filename)) from None


def normalise_sha256(text: str) -> str | None:
    value = (text or "").strip().lower()
    return value if SHA256_RE.match(value) else None


def find_by_sha256(session: Session, digest: str) -> IssuedDocument | None:
    """The first issue of a file with this SHA-256, or None: the verify check.
    Deliberately not scoped: holding the file (or its hash) is the proof."""
    return session.scalars(select(IssuedDocument).where(IssuedDocument.sha256 == digest)
                           .order_by(IssuedDocument.issued_at, IssuedDocument.id).limit(1)).first()


def verify_bytes(session: Session, data: bytes) -> tuple[str, IssuedDocument | None]:
    digest = archive.sha256(data)
    return digest, find_by_sha256(session, digest)
