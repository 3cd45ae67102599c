"""Request lifecycle and the helpers every view uses.

One SQLAlchemy session per request (``db_session()``), the enabled plugin
set read once per request (so admin changes reach every worker at once),
404 for a disabled plugin's routes, 403 for a read-only user's writes,
security headers on every response.
"""
from __future__ import annotations

from functools import wraps
from typing import Any

from flask import Flask, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from . import access
from .db import set_immediate
from .plugins import CORE
from .security import set_security_headers

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def ext():
    return current_app.extensions["qudao"]


def db_session():
    s = g.get("_qudao_session")
    if s is None:
        s = g._qudao_session = ext().db.Session()
        s.info["enabled"] = enabled_plugins(s)
    return s


def enabled_plugins(session=None) -> frozenset[str]:
    if "_qudao_enabled" not in g:
        if session is None:
            return db_session().info["enabled"]
        g._qudao_enabled = ext().host.enabled(session)
    return g._qudao_enabled


def hooks():
    return ext().host.hooks(enabled_plugins())


def can(code: str) -> bool:
    return access.has_permission(db_session(), current_user, code)


def permission_required(code: str):
    """Login plus one permission; 403 otherwise."""

    def deco(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not can(code):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return deco


def get_or_404(model: Any, ident: Any, action: str = access.VIEW):
    """The row if the current user may see (or ``action``) it; else 404 —
    never 403, so ids of other people's records reveal nothing."""
    row = access.scoped_get(db_session(), model, ident, current_user, action)
    if row is None:
        abort(404)
    return row


def scoped_select(model: Any, action: str = access.VIEW):
    return access.scoped_select(db_session(), model, current_user, action)


def run_action(fn, *args, ok: Any = None, **kwargs):
    """One user action = one transaction: call a service with the request's
    session and commit; on a refusal (ServiceError, AttachmentError) roll
    back, flash the message and return (None, False).  Returns (result, True)."""
    from .attachments import AttachmentError
    from .services import ServiceError

    s = db_session()
    try:
        result = fn(s, *args, **kwargs)
        s.commit()
    except (ServiceError, AttachmentError) as e:
        s.rollback()
        flash(str(e), "error")
        return None, False
    if ok:
        flash(ok, "success")
    return result, True


def back(endpoint: str, **kw):
    """303 to another page after a POST."""
    return redirect(url_for(endpoint, **kw)), 303


def page_arg() -> int:
    """The ``page`` query argument, 1 when missing or nonsense."""
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


class _SessionInterface(SecureCookieSessionInterface):
    """Session cookie gets ``Secure`` whenever the request came over HTTPS."""

    def get_cookie_secure(self, app):
        try:
            return request.is_secure or super().get_cookie_secure(app)
        except RuntimeError:
            return super().get_cookie_secure(app)


def _before_request():
    if request.endpoint and (request.endpoint == "static" or request.endpoint.endswith(".static")):
        return  # packaged assets: no user, no database
    g._immediate_token = set_immediate(request.method not in SAFE_METHODS)
    if current_user.is_authenticated:
        # Every audit row written in this request names the signed-in user.
        db_session().info["audit_user_id"] = current_user.id
    bp = request.blueprint
    if bp:
        host = ext().host
        owner = host.plugin_of(bp)
        if owner in host.manifests and owner != CORE and owner not in enabled_plugins():
            abort(404)
    if (
        request.method not in SAFE_METHODS
        and current_user.is_authenticated
        and current_user.read_only
        and request.endpoint not in ("auth.logout", "auth.account")
    ):
        abort(403)


def _teardown(exc):
    s = g.pop("_qudao_session", None)
    if s is not None:
        if exc is not None:
            s.rollback()
        s.close()
    tok = g.pop("_immediate_token", None)
    if tok is not None:
        try:
            from .db import _immediate

            _immediate.reset(tok)
        except ValueError:
            pass


def _after_request(response):
    return set_security_headers(response, request.is_secure)


def _error(e: HTTPException):
    s = g.get("_qudao_session")
    if s is not None:
        s.rollback()
    code = e.code or 500
    if request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/"):
        return {"error": e.name, "status": code}, code
    titles = {
        400: _("Bad request"),
        403: _("You do not have permission to do this"),
        404: _("Page not found"),
        405: _("Method not allowed"),
        413: _("The upload is too large"),
        429: _("Too many attempts"),
    }
    return render_template("core/error.html", code=code, title=titles.get(code, e.name),
                           description=e.description), code


def _server_error(e):
    if current_app.testing:
        raise e
    s = g.get("_qudao_session")
    if s is not None:
        s.rollback()
    current_app.logger.exception("unhandled error")
    return render_template("core/error.html", code=500,
                           title=_("Something went wrong on our side"), description=""), 500


def _template_context():
    def menu(name: str):
        if not current_user.is_authenticated:
            return []
        items = hooks().flat("menu_items", menu=name, user=current_user)
        items = [i for i in items if not i.permission or can(i.permission)]
        return sorted(items, key=lambda i: (i.sequence, str(i.label)))

    return {"menu": menu, "can": can, "get_locale": get_locale}


def install(app: Flask) -> None:
    from .auth import bp as auth_bp
    from .views import admin_bp, core_bp

    app.session_interface = _SessionInterface()
    app.before_request(_before_request)
    app.after_request(_after_request)
    app.teardown_request(_teardown)
    app.register_error_handler(HTTPException, _error)
    app.register_error_handler(Exception, _server_error)
    app.context_processor(_template_context)
    from . import filters

    filters.install(app)
    app.register_blueprint(core_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    from . import documents, jobs

    documents.install(app)
    jobs.install(app)
    app.register_error_handler(access.AccessDenied, lambda e: _error(_forbidden()))


def _forbidden():
    from werkzeug.exceptions import Forbidden

    return Forbidden()
