"""Core pages: home with plugin widgets, health check."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import current_user, login_required
from sqlalchemy import text

from .admin import bp as admin_bp
from .web import db_session, ext, hooks

core_bp = Blueprint("core", __name__)

__all__ = ["core_bp", "admin_bp"]


@core_bp.route("/")
@login_required
def home():
    widgets = sorted(hooks().flat("dashboard_widgets", user=current_user),
                     key=lambda w: w.sequence)
    return render_template("core/home.html", widgets=widgets)


@core_bp.route("/healthz")
def healthz():
    s = db_session()
    try:
        s.execute(text("SELECT 1"))
        db_ok = True
    except Exception:  # noqa: BLE001 - any failure means "unreachable"
        db_ok = False
    enabled = sorted(ext().host.enabled(s)) if db_ok else []
    body = {"status": "ok" if db_ok else "error", "database": db_ok, "plugins": enabled}
    return jsonify(body), (200 if db_ok else 503)
