"""Core pages: home with plugin widgets, health check."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request, send_file
from flask_login import current_user, login_required
from sqlalchemy import text

from . import access, attachments
from .models import Attachment

from .admin import bp as admin_bp
from .web.request import db_session, ext, hooks, signed_in, user_plugins

core_bp = Blueprint("core", __name__)

__all__ = ["core_bp", "admin_bp"]


@core_bp.route("/")
@login_required
def home():
    widgets = sorted(hooks().flat("dashboard_widgets", session=db_session(), user=signed_in()),
                     key=lambda w: w.sequence)
    return render_template("core/home.html", widgets=widgets)


@core_bp.route("/healthz")
def healthz():
    """200 JSON when the database answers, else 503 JSON — never an HTML
    error page: a load balancer or monitor reads this.  Its own session,
    not ``db_session()``, whose first query (the enabled set) would fail
    outside the ``try``."""
    enabled: list[str] = []
    try:
        with ext().db.Session() as s:
            s.execute(text("SELECT 1"))
            enabled = sorted(ext().host.enabled(s))
        db_ok = True
    except Exception:  # noqa: BLE001 - any failure means "unreachable"
        db_ok = False
    body = {"status": "ok" if db_ok else "error", "database": db_ok, "plugins": enabled}
    resp = jsonify(body)
    resp.status_code = 200 if db_ok else 503
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _model_for_table(table: str):
    for plugin, models in ext().models.items():
        for m in models:
            if m.__tablename__ == table:
                return plugin, m
    return None, None


@core_bp.route("/attachments/<int:att_id>")
@login_required
def attachment(att_id: int):
    """Download an attachment: allowed exactly when the user may see the
    record it belongs to (a record of a disabled plugin: 404)."""
    s = db_session()
    att = s.get(Attachment, att_id)
    if att is None:
        abort(404)
    if att.res_table:
        plugin, model = _model_for_table(att.res_table)
        if model is None or plugin not in user_plugins():
            abort(404)
        if access.scoped_get(s, model, att.res_id, current_user) is None:
            abort(404)
    elif att.uploaded_by != current_user.id and current_user.scope != "all":
        abort(404)
    # ``?preview=1`` shows an image or a PDF in the browser (issue 21 #3).
    # Only the kinds sniffed from the bytes at upload are shown inline; the
    # rest still download.  The preview runs nothing: a sandbox for images,
    # and for a PDF a policy that loads nothing but the file itself.
    preview = request.args.get("preview") == "1" and att.content_type in PREVIEWABLE
    resp = send_file(attachments.path_of(s, att), mimetype=att.content_type,
                     as_attachment=not preview, download_name=att.filename)
    if preview:
        resp.headers["Content-Security-Policy"] = PREVIEWABLE[att.content_type]
        resp.headers["Cache-Control"] = "private, no-store"
    return resp


#: Content type (as sniffed at upload) → the policy its inline preview gets.
PREVIEWABLE = {
    "image/png": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
                 "frame-ancestors 'none'; sandbox",
    "image/jpeg": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
                  "frame-ancestors 'none'; sandbox",
    "application/pdf": "default-src 'none'; object-src 'self'; frame-ancestors 'none'",
}


@core_bp.route("/pick/<kind>")
@login_required
def pick(kind: str):
    """The record picker's scoped JSON search (``core.web.pickers``)."""
    from .web.pickers import pick_view

    return pick_view(kind)
