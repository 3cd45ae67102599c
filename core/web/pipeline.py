"""The request's life: the session cookie, what runs before and after
every request and at its end, error pages, and ``install(app)`` (called
once by ``core.app.create_app``), which wires these into the app.

Before a request: the shared state version is read first; 404 for the
routes of a plugin that is disabled or not used by the user's part of the
org tree, 403 for a read-only user's writes, 400 for control characters;
a session past its lifetime or idle time is signed out.  After: security headers on every response, ``no-store`` on a
signed-in page.  At the end: the request's session is closed.
"""
from __future__ import annotations

import time
from typing import Any

from flask import (Flask, abort, current_app, flash, g, redirect, render_template, request,
                   session, url_for)
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import logout_user
from itsdangerous import BadSignature
from werkzeug.exceptions import Forbidden, HTTPException

from .. import access
from ..db import reset_immediate, set_immediate
from ..inputs import control_characters
from ..plugins import CORE
from ..security import set_security_headers
from ..state_cache import unshare
from .frame import TEMPLATE_GLOBALS, template_context
from .request import ext, g_dict, signed_in, state_version, user_plugins

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

_PLAIN = (str, int, float, bool, type(None))


class _SessionInterface(SecureCookieSessionInterface):
    """Session cookie gets ``Secure`` whenever the request came over HTTPS.

    A cookie already verified in this process is not verified and decoded
    again: the same bytes always carry the same data, and the entry keeps
    the cookie's own expiry.  Only sessions of plain values are kept (a
    flashed message's list could be changed in place)."""

    def open_session(self, app, request):
        val = request.cookies.get(self.get_cookie_name(app))
        cache = app.extensions["qudao"].state.cookies
        hit = cache.get(val) if val else None
        if hit is not None and hit[0] > time.time():
            return self.session_class(hit[1])
        s = self.get_signing_serializer(app)
        if s is None:
            return None
        if not val:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = s.loads(val, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(data, dict) and all(isinstance(v, _PLAIN) for v in data.values()):
            if len(cache) >= 10_000:
                cache.clear()
            cache[val] = (signed_at.timestamp() + max_age, data)
        return self.session_class(data)

    def save_session(self, app, session, response):
        # Flask's own, which on a session neither modified nor refreshed on
        # every request (permanent, SESSION_REFRESH_EACH_REQUEST) only adds
        # ``Vary: Cookie`` when the session was read — done here without
        # working out the cookie's name, domain, path and flags first.
        if session.modified or (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return super().save_session(app, session, response)
        if session.accessed:
            if "Vary" in response.headers:
                response.vary.add("Cookie")
            else:
                response.headers["Vary"] = "Cookie"
        return None

    def get_cookie_secure(self, app):
        try:
            return request.is_secure or super().get_cookie_secure(app)
        except RuntimeError:
            return super().get_cookie_secure(app)


def _before_request():
    req = request._get_current_object()
    endpoint = req.endpoint
    if endpoint and (endpoint == "static" or endpoint.endswith(".static")):
        return  # packaged assets: no user, no database
    writes = req.method not in SAFE_METHODS
    if (writes or req.query_string) and control_characters(req):
        abort(400, description=_("The form or address contains control characters (such as "
                                 "NUL) that cannot be saved. Remove them and try again."))
    state_version()  # first, before any query of this request
    gg = g._get_current_object()
    gg._immediate_token = set_immediate(writes)
    user = signed_in()
    if user.is_authenticated:
        ended = _session_ended(current_app.config)
        if ended is not None:
            return ended
        gg._qudao_user_id = user.id
        s = gg.get("_qudao_session")
        if s is not None:
            s.info["audit_user_id"] = user.id
    bp = req.blueprint
    if bp:
        host = ext().host
        owner = host.plugin_of(bp)
        if owner in host.manifests and owner != CORE and owner not in user_plugins():
            abort(404)  # disabled, or not used by the user's part of the org tree
    if (
        writes
        and user.is_authenticated
        and user.read_only
        and endpoint not in ("auth.logout", "auth.account")
    ):
        abort(403)


#: The session's sign-in time and last activity are noted in the cookie;
#: the last activity at most once a minute (each note is a new cookie).
SEEN_EVERY = 60


def _session_ended(cfg) -> Any:
    """Sign out a session older than SESSION_LIFETIME_HOURS or idle for
    longer than SESSION_IDLE_MINUTES (issue 20): the login page, with a
    message, instead of the page asked for.  None: carry on."""
    now = time.time()
    started, seen = session.get("_signed_in_at"), session.get("_seen_at")
    if not isinstance(started, (int, float)) or not isinstance(seen, (int, float)):
        session["_signed_in_at"] = session["_seen_at"] = now  # a session from before
        return None
    idle = cfg["SESSION_IDLE_MINUTES"] * 60
    if now - started > cfg["SESSION_LIFETIME_HOURS"] * 3600:
        message = _("Your session has ended. Please sign in again.")
    elif idle and now - seen > idle:
        message = _("You were signed out after %(n)d minutes without activity. "
                    "Please sign in again.", n=cfg["SESSION_IDLE_MINUTES"])
    else:
        if now - seen >= SEEN_EVERY:
            session["_seen_at"] = now
        return None
    locale = session.get("locale")
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale
    flash(message, "error")
    if request.method == "GET" and not request.path.startswith("/api/"):
        return redirect(url_for("auth.login", next=request.full_path))
    return redirect(url_for("auth.login"))


def _teardown(exc):
    gd = g_dict()
    s = gd.pop("_qudao_session", None)
    if s is not None:
        if exc is not None:
            s.rollback()
        s.close()
    shared = gd.pop("_qudao_share", None)
    if shared is not None:
        unshare(shared)
    tok = gd.pop("_immediate_token", None)
    if tok is not None:
        reset_immediate(tok)


def _after_request(response):
    secure = request.is_secure
    if signed_in().is_authenticated and "Cache-Control" not in response.headers:
        # A signed-in page must not be kept by the browser or a proxy: after
        # sign-out, Back or a shared computer would show it again (issue 20).
        response.headers["Cache-Control"] = "no-store"
    return set_security_headers(response, secure)


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
    # Werkzeug's stock descriptions are English; only a view's own (translated) one is shown.
    own = e.description if e.description != type(e).description else ""
    title = getattr(e, "title", None) or titles.get(code, e.name)
    return render_template("core/error.html", code=code, title=title,
                           description=own), code


def _server_error(e):
    if current_app.testing:
        raise e
    s = g.get("_qudao_session")
    if s is not None:
        s.rollback()
    current_app.logger.exception("unhandled error")
    return render_template("core/error.html", code=500,
                           title=_("Something went wrong on our side"), description=""), 500


def install(app: Flask) -> None:
    """Wire the request's life into ``app`` (core's pages are mounted by
    ``core.app.create_app``)."""
    from .. import clock
    from .request import company_zone

    clock.read_with(company_zone)  # the company's zone, per request
    app.session_interface = _SessionInterface()
    app.before_request(_before_request)
    app.after_request(_after_request)
    app.teardown_request(_teardown)
    app.register_error_handler(HTTPException, _error)
    app.register_error_handler(Exception, _server_error)
    # One context processor instead of three: Flask-WTF's gives
    # ``csrf_token`` and ``csrf_meta_tag`` (both Jinja globals as well;
    # ``csrf_token`` is ours, below), Flask-Login's ``current_user``
    # (ours gives the user itself; ``LoginManager`` is made without it).
    wtf = [f for f in app.template_context_processors[None]
           if getattr(f, "__module__", "") == "flask_wtf.csrf"]
    for f in wtf:
        app.template_context_processors[None].remove(f)
    app.context_processor(template_context)
    app.jinja_env.globals.update(TEMPLATE_GLOBALS)
    from .pickers import TEMPLATE_GLOBALS as PICKER_GLOBALS

    app.jinja_env.globals.update(PICKER_GLOBALS)
    app.register_error_handler(access.AccessDenied, lambda e: _error(_forbidden()))


def _forbidden():
    return Forbidden()
