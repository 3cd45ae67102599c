"""Request lifecycle and the helpers every view uses.

One SQLAlchemy session per request (``db_session()``, opened only when a
view needs it), the signed-in user and the enabled plugin set from the
per-process cache checked against the shared state stamp at the start of
every request (``core.state_cache``: admin changes reach every worker on
its next request), menus cached per permission set and language, 404 for a
disabled plugin's routes, 403 for a read-only user's writes, security
headers on every response.
"""
from __future__ import annotations

import time
from datetime import date
from functools import wraps
from typing import Any

from flask import (Flask, abort, current_app, flash, g, redirect,
                   render_template, request, session, url_for)
from flask.globals import _cv_app, _cv_request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required as _flask_login_required
from flask_login.config import EXEMPT_METHODS as LOGIN_EXEMPT_METHODS
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from . import access
from .dates import parse_day
from .db import set_immediate
from .i18n import request_locale
from .inputs import control_characters
from .plugins import CORE
from .security import set_security_headers
from .state_cache import untouched

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def signed_in() -> Any:
    """``current_user`` itself (the signed-in user or the anonymous one):
    Flask-Login's own ``g._login_user`` read from Flask's context variable
    once loaded in this app context, else loaded by Flask-Login as usual.
    Every attribute read through the ``current_user`` proxy repeats that
    lookup (three context-variable proxies), many times per request."""
    ctx = _cv_app.get(None)
    if ctx is not None and _cv_request.get(None) is not None:
        user = ctx.g.__dict__.get("_login_user")
        if user is not None:
            return user
    return current_user._get_current_object()


def ext():
    # Straight from Flask's context variable: the ``current_app`` proxy
    # costs more than the lookup, and this runs many times per request.
    ctx = _cv_app.get(None)
    if ctx is None:
        return current_app.extensions["qudao"]  # raises the usual error
    return ctx.app.extensions["qudao"]


def _g() -> dict:
    """The app context's ``g`` as its dict, from Flask's context variable
    (``g.get``/``g.x = …`` through the proxy cost more than the lookup)."""
    ctx = _cv_app.get(None)
    if ctx is None:
        return g.__dict__  # raises the usual "outside of application context"
    return ctx.g.__dict__


def state_version() -> bytes:
    """The shared state version this request reads under (read once, before
    the request's first query; see ``core.state_cache``)."""
    gd = _g()
    v = gd.get("_qudao_version")
    if v is None:
        v = gd["_qudao_version"] = ext().state.check()
    return v


def request_cache(session) -> tuple[Any, bytes] | None:
    """``(StateCache, version)`` when ``session`` is this request's own and
    may share what the process keeps under the request's version (read
    before the request's first query): not outside a request (jobs, the
    command line), not after the request switched plugins, changed users,
    roles, org units or settings, or holds changes of its own.  None: read
    the database."""
    if _cv_request.get(None) is None:
        return None
    gd = _g()
    if gd.get("_qudao_session") is not session or "enabled" not in session.info:
        return None
    if not untouched(session):
        return None
    return ext().state, state_version()


def db_session():
    s = g.get("_qudao_session")
    if s is None:
        state_version()  # before the session's first query
        s = g._qudao_session = ext().db.Session()
        uid = g.get("_qudao_user_id")
        if uid is not None:
            # Every audit row written in this request names the signed-in user.
            s.info["audit_user_id"] = uid
        s.info["enabled"] = enabled_plugins(s)
    return s


def enabled_plugins(session=None) -> frozenset[str]:
    """The enabled plugin set, from the per-process cache when the shared
    state did not change (no query), else read once for this request."""
    enabled = _g().get("_qudao_enabled")
    if enabled is None:
        e = ext()
        version = state_version()
        enabled = e.state.enabled()
        if enabled is None:
            s = session if session is not None else g.get("_qudao_session")
            if s is None:
                # db_session() calls back here with the new session.
                return db_session().info["enabled"]
            enabled = e.host.enabled(s)
            e.state.put_enabled(version, enabled)
        g._qudao_enabled = enabled
    return enabled


def plugin_enabled(dotted: str) -> bool:
    """Is the plugin owning ``dotted`` (a document spec, job kind, permission
    code) enabled?  Core's own names always are."""
    host = ext().host
    owner = host.plugin_of(dotted)
    return owner == CORE or owner not in host.manifests or owner in enabled_plugins()


def hooks():
    return ext().host.hooks(enabled_plugins())


def can(code: str) -> bool:
    """Does the signed-in user hold ``code`` (and is its plugin enabled)?"""
    user = signed_in()
    if not getattr(user, "is_authenticated", False):
        return False
    s = _g().get("_qudao_session")
    if s is not None and "enabled" not in s.info:
        # This request switched plugins: ask its own transaction.
        return access.has_permission(s, user, code)
    e = ext()
    if code not in e.permissions or e.host.plugin_of(code) not in enabled_plugins():
        return False
    return code in user.permission_codes


def login_required(view):
    """Flask-Login's ``login_required`` (same rules: OPTIONS and
    ``LOGIN_DISABLED`` pass, anyone not signed in gets the login manager's
    ``unauthorized()``), with the request, app and user read once instead
    of through a proxy for every check."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        ctx = _cv_request.get(None)
        if ctx is None:  # as Flask-Login: its proxies raise outside a request
            return _flask_login_required(view)(*args, **kwargs)
        app = ctx.app
        if ctx.request.method in LOGIN_EXEMPT_METHODS or app.config.get("LOGIN_DISABLED"):
            pass
        elif not signed_in().is_authenticated:
            return app.login_manager.unauthorized()
        return app.ensure_sync(view)(*args, **kwargs)

    return wrapped


def permission_required(code: str):
    """Login plus one permission; 403 otherwise."""

    def deco(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not signed_in().is_authenticated:
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


#: Pages beyond this are the last page anyway; a bigger number overflows the offset.
MAX_PAGE = 100_000


def page_arg() -> int:
    """The ``page`` query argument, 1 when missing or nonsense, at most MAX_PAGE."""
    return min(MAX_PAGE, max(1, request.args.get("page", 1, type=int) or 1))


def day_arg(name: str, default: date | None = None) -> date:
    """The date in query argument ``name`` (``dates.parse_day``), for report
    filters: nonsense is flashed in the reader's language and the page shown
    for ``default`` (else today), as a refused action is — never a bare 400."""
    from .services import ServiceError

    try:
        return parse_day(request.args.get(name), default)
    except ServiceError as e:
        flash(str(e), "error")
        return default or date.today()


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
        if owner in host.manifests and owner != CORE and owner not in enabled_plugins():
            abort(404)
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
    from flask_login import logout_user

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
    gd = _g()
    s = gd.pop("_qudao_session", None)
    if s is not None:
        if exc is not None:
            s.rollback()
        s.close()
    tok = gd.pop("_immediate_token", None)
    if tok is not None:
        try:
            from .db import _immediate

            _immediate.reset(tok)
        except ValueError:
            pass


def _after_request(response):
    req = _cv_request.get(None)
    secure = request.is_secure if req is None else req.request.is_secure
    user = _g().get("_login_user")
    if user is not None and user.is_authenticated and "Cache-Control" not in response.headers:
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
    return render_template("core/error.html", code=code, title=titles.get(code, e.name),
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


def _menu_items(name: str) -> list:
    items = hooks().flat("menu_items", menu=name, user=current_user)
    items = [i for i in items if not i.permission or can(i.permission)]
    return sorted(items, key=lambda i: (i.sequence, str(i.label)))


def _menu_key(kind: str, name: str):
    """Menus depend on the enabled set, the user's permission codes and the
    language only (the ``menu_items`` contract, docs/plugins.md), so each is
    built once per process for each combination; None = do not cache."""
    s = _g().get("_qudao_session")
    if s is not None and "enabled" not in s.info:
        return None  # this request switched plugins
    return (kind, name, enabled_plugins(), frozenset(signed_in().permission_codes),
            str(request_locale()), request.script_root)


def menu(name: str) -> list:
    """The named menu's items the signed-in user may use, sorted."""
    if not signed_in().is_authenticated:
        return []
    key = _menu_key("items", name)
    if key is None:
        return _menu_items(name)
    return list(ext().state.memo(key, lambda: _menu_items(name)))


def nav(name: str) -> list[tuple[str, str, str, str]]:
    """``menu(name)`` resolved for the page header: (href, endpoint, section,
    label) with the URL built and the label translated once, not per request."""
    if not signed_in().is_authenticated:
        return []

    def build():
        return tuple((url_for(i.endpoint, **i.url_kwargs), i.endpoint, i.endpoint.split(".")[0],
                      str(i.label)) for i in _menu_items(name))

    key = _menu_key("nav", name)
    return list(build() if key is None else ext().state.memo(key, build))


def main_nav() -> Markup:
    """The header's menu as HTML — the main menu's links, the current
    section marked active, and the Administration link — built once per
    (enabled set, permission codes, language, section), not per request."""
    if not signed_in().is_authenticated:
        return Markup("")
    here = request.endpoint.split(".")[0] if request.endpoint else ""

    def build():
        parts = [
            Markup('<a href="{}" data-endpoint="{}"{}>{}</a>').format(
                href, endpoint, Markup(' class="active"') if section == here else "", label)
            for href, endpoint, section, label in nav("main")
        ]
        admin = nav("admin")
        if admin:
            parts.append(Markup('<a href="{}">{}</a>').format(admin[0][0], _("Administration")))
        return Markup("\n").join(parts)

    key = _menu_key("main-nav", here)
    return build() if key is None else ext().state.memo(key, build)


def _frame_key(user) -> tuple | None:
    """Everything the page frame (``base.html`` with ``core/_header.html``)
    shows for a signed-in user: the menus' key (enabled set, permission
    codes, language, script root) for this section, the user and session
    token, the name shown and the CSRF token.  None: do not keep."""
    endpoint = request.endpoint
    here = endpoint.split(".")[0] if endpoint else ""
    key = _menu_key("header", here)
    if key is None:
        return None  # this request switched plugins
    return key + (user.get_id(), user.display_name, csrf_token())


def page_header() -> Markup:
    """The page header (``core/_header.html``: brand, the main menu, the
    user box with the sign-out form) rendered once per process for each
    (user and session token, name shown, enabled set, permission codes,
    language, section, CSRF token) and kept: every page's header is the
    same for those.  A request that switched plugins renders it afresh."""
    user = signed_in()
    key = _frame_key(user) if user.is_authenticated else None
    if key is None:
        return Markup(render_template("core/_header.html"))
    state = ext().state
    return state.memo(key, lambda: Markup(render_template("core/_header.html")), state.frames)


def render_kept(template: str, shows: tuple, **context) -> str:
    """``render_template`` for a page that shows nothing but the page
    frame and ``shows`` (the values of the page's own that it displays,
    besides its fixed ``context``): rendered once per process for each
    (template, endpoint, page frame key — user and session token, name,
    enabled set, permission codes, language, script root, CSRF token —
    and ``shows``) and kept (at most 1,000 pages per process, as ``StateCache.memo`` keeps).

    Rendered afresh, and not kept, when a message is waiting to be flashed
    (shown once), for a visitor who is not signed in, when the request
    switched plugins, and when templates reload (debug)."""
    user = signed_in()
    app = current_app._get_current_object()
    if not user.is_authenticated or "_flashes" in session or app.jinja_env.auto_reload:
        return render_template(template, **context)
    key = _frame_key(user)
    if key is None:
        return render_template(template, **context)
    key = ("page", template, request.endpoint, shows) + key
    state = ext().state
    return state.memo(key, lambda: render_template(template, **context), state.pages)


def link(endpoint: str, **values) -> str:
    """``url_for`` for the fixed links of the page frame (home, account,
    sign-out, the core stylesheet and script), built once per process."""
    key = ("link", endpoint, tuple(sorted(values.items())), request.script_root)
    return ext().state.memo(key, lambda: url_for(endpoint, **values))


def _template_context():
    # The signed-in user itself rather than Flask-Login's proxy, which
    # looks it up again on every attribute a template reads; ``_`` bound
    # to this render's catalogue (core.i18n.template_gettext).  The
    # functions every page calls are Jinja globals (``install``), not
    # context values: no dict of them built per render.
    if _cv_request.get(None) is None:
        return {"current_user": None}  # what Flask-Login's processor gave
    values = ext().babel_domain.template_gettext()
    values["current_user"] = signed_in()
    return values


def csrf_token() -> str:
    """Flask-WTF's CSRF token, signed once per process for a session's raw
    token rather than on every request.  Tokens carry no expiry here
    (``WTF_CSRF_TIME_LIMIT`` is None), so an earlier signature is as good."""
    gd = _g()
    token = gd.get("csrf_token")
    if token is not None:
        return token
    raw = session.get("csrf_token")
    app = _cv_app.get().app
    cfg = app.config
    if raw is None or cfg.get("WTF_CSRF_TIME_LIMIT") is not None or \
            cfg.get("WTF_CSRF_FIELD_NAME", "csrf_token") != "csrf_token":
        return generate_csrf()
    state = ext().state
    token = state.memo(("csrf", raw, cfg.get("WTF_CSRF_SECRET_KEY") or app.secret_key),
                       generate_csrf, state.csrf)
    gd["csrf_token"] = token  # forms' hidden_tag() use the same one
    return token


#: The page frame's functions, Jinja globals of every template.
TEMPLATE_GLOBALS = {"menu": menu, "nav": nav, "main_nav": main_nav,
                    "page_header": page_header, "link": link, "can": can,
                    "get_locale": request_locale, "csrf_token": csrf_token}


def install(app: Flask) -> None:
    from .auth import bp as auth_bp
    from .views import admin_bp, core_bp

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
    app.context_processor(_template_context)
    app.jinja_env.globals.update(TEMPLATE_GLOBALS)
    from . import versions

    app.jinja_env.globals.update(versions.TEMPLATE_GLOBALS)
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
