"""Document pages: issue (POST), re-download, the archive list, batch runs,
the public verify page and the letterhead logo."""
from __future__ import annotations

import hashlib
import re
from io import BytesIO

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   send_file, url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_

from .. import attachments
from ..access import AccessDenied
from .. import clock
from ..forms import ReasonForm
from ..i18n import LOCALES, current_locale
from ..services import ServiceError
from ..web.actions import page_arg
from ..web.decorators import permission_required
from ..web.request import can, db_session, ext, get_or_404, plugin_enabled, scoped_select
from . import batch, service
from .forms import BatchForm, LogoForm, VerifyForm
from .models import IssuedDocument

bp = Blueprint("documents", __name__, url_prefix="/documents")
PAGE = 50
PDF_MAGIC = b"%PDF-"
#: The logo is embedded in every PDF: keep it small.
MAX_LOGO_BYTES = 1024 * 1024


def _back(default: str) -> str:
    nxt = request.form.get("next") or ""
    return nxt if nxt.startswith("/") and not nxt.startswith("//") else default


def _locale() -> str:
    chosen = request.form.get("locale")
    return chosen if chosen in LOCALES else current_locale()


def _batch_form() -> BatchForm:
    form = BatchForm()
    form.spec.choices = [(s.name, str(s.label)) for s in service.specs(db_session())
                         if can(s.permission)]
    if request.method == "GET":
        form.locale.data = current_locale()
    return form


@bp.route("/")
@login_required
def index():
    s = db_session()
    q = (request.args.get("q") or "").strip()
    page = page_arg()
    stmt = scoped_select(IssuedDocument)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(IssuedDocument.number.ilike(like), IssuedDocument.title.ilike(like),
                              IssuedDocument.record_id == q))
    stmt = stmt.order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc())
    rows = s.scalars(stmt.offset((page - 1) * PAGE).limit(PAGE + 1)).all()
    form = _batch_form()
    return render_template("documents/index.html", docs=rows[:PAGE], has_next=len(rows) > PAGE,
                           page=page, q=q, batch_form=form)


@bp.route("/issue/<spec>/<record_id>", methods=["POST"])
@login_required
def issue(spec, record_id):
    """Issue and archive one document, then send its archived bytes."""
    if not ReasonForm().validate_on_submit():
        abort(400)
    s = db_session()
    try:
        doc = service.issue(s, spec, record_id, current_user, locale=_locale())
    except (service.UnknownDocument, service.RecordNotFound):
        s.rollback()
        abort(404)
    except AccessDenied:
        s.rollback()
        abort(403)
    except ServiceError as e:
        s.rollback()
        flash(str(e), "error")
        return redirect(_back(url_for(".index")), 303)
    s.commit()
    return redirect(url_for(".download", doc_id=doc.id), 303)


@bp.route("/<int:doc_id>/download")
@login_required
def download(doc_id):
    doc = get_or_404(IssuedDocument, doc_id)
    if not plugin_enabled(doc.spec):
        abort(404)  # a disabled plugin's archive is out of reach, as its pages are
    try:
        data = service.read_pdf(db_session(), doc)
    except service.DocumentError as e:
        flash(str(e), "error")
        return redirect(url_for(".index"))
    inline = request.args.get("inline") == "1"
    resp = send_file(BytesIO(data), mimetype="application/pdf", as_attachment=not inline,
                     download_name=doc.filename, etag=doc.sha256, max_age=0)
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@bp.route("/batch", methods=["POST"])
@login_required
def batch_start():
    """Start a batch from the form on the list page, or from a plugin's list
    (``spec`` + repeated ``record_id`` fields)."""
    s = db_session()
    form = _batch_form()
    if request.form.getlist("record_id"):
        if not ReasonForm().validate_on_submit():
            abort(400)
        spec_name, ids = request.form.get("spec", ""), request.form.getlist("record_id")
    elif form.validate_on_submit():
        spec_name = form.spec.data
        ids = [x for x in re.split(r"[\s,，;；]+", form.record_ids.data) if x]
    else:
        for errors in form.errors.values():
            for e in errors:
                flash(str(e), "error")
        return redirect(_back(url_for(".index")), 303)
    try:
        job = batch.start(s, spec_name, ids, current_user, _locale())
    except service.UnknownDocument:
        s.rollback()
        abort(404)
    except AccessDenied:
        s.rollback()
        abort(403)
    except ServiceError as e:
        s.rollback()
        flash(str(e), "error")
        return redirect(_back(url_for(".index")), 303)
    s.commit()
    from ..jobs import dispatch

    dispatch(ext(), job.id)
    return redirect(url_for("jobs.detail", job_id=job.id), 303)


def _hash_upload(storage) -> tuple[str | None, str | None]:
    """(sha256, None) for a PDF upload, or (None, message)."""
    stream = storage.stream
    head = stream.read(1024)
    if not head.startswith(PDF_MAGIC):
        return None, _("This is not a PDF file.")
    digest = hashlib.sha256(head)
    for chunk in iter(lambda: stream.read(1 << 16), b""):
        digest.update(chunk)
    return digest.hexdigest(), None


@bp.route("/verify", methods=["GET", "POST"])
def verify():
    """Public: anyone holding a copy may check it (the hash is the proof)."""
    form = VerifyForm()
    result, status = None, 200
    if form.validate_on_submit():
        digest, error = None, None
        if form.file.data and getattr(form.file.data, "filename", ""):
            digest, error = _hash_upload(form.file.data)
        elif (form.sha256.data or "").strip():
            digest = service.normalise_sha256(form.sha256.data)
            if digest is None:
                error = _("A SHA-256 is 64 hexadecimal characters.")
        else:
            error = _("Upload a PDF or enter its SHA-256.")
        if error:
            flash(error, "error")
            status = 400
        else:
            doc = service.find_by_sha256(db_session(), digest)
            spec = ext().documents.get(doc.spec) if doc else None
            result = {"sha256": digest, "doc": doc, "tz": clock.zone(),
                      "issued_at": doc.issued_at if doc else None,  # |date shows it in the zone
                      "label": str(spec.label) if spec else (doc.spec if doc else "")}
    elif request.method == "POST":
        status = 400
    return render_template("documents/verify.html", form=form, result=result), status


@bp.route("/letterhead", methods=["GET", "POST"])
@permission_required("core.admin")
def letterhead():
    s = db_session()
    form = LogoForm()
    if form.validate_on_submit():
        upload = form.logo.data
        size = 0
        if upload and getattr(upload, "filename", ""):
            upload.stream.seek(0, 2)
            size = upload.stream.tell()
            upload.stream.seek(0)
        if not size:
            flash(_("Choose a PNG or JPEG file."), "error")
        elif size > MAX_LOGO_BYTES:
            flash(_("The logo must be smaller than 1 MB."), "error")
        else:
            try:
                attachments.save(s, upload.stream, upload.filename, allowed=("png", "jpeg"),
                                 res_table="core_setting", purpose=service.LOGO_PURPOSE,
                                 user_id=current_user.id)
            except attachments.AttachmentError as e:
                s.rollback()
                flash(str(e), "error")
            else:
                s.commit()
                flash(_("The letterhead logo is saved; new documents carry it."), "success")
                return redirect(url_for(".letterhead"))
    company = service.company(s)
    return render_template("documents/letterhead.html", form=form, company=company)
