"""The request's own things, for views: its database session (one per
request, opened only when a view needs it), the signed-in user, the enabled
plugin set read from the per-process cache checked against the shared state
stamp (``core.state_cache``), the signed-in user's own plugin set
(``user_plugins``), permission checks and scoped reads."""
from __future__ import annotations

from typing import Any

from flask import abort, current_app, g, has_request_context
from flask_login import current_user

from .. import access
from ..plugins import CORE
from ..state_cache import share

def signed_in() -> Any:
    """The signed-in user (or the anonymous one) itself, not Flask-Login's
    ``current_user`` proxy, which looks the user up again on every
    attribute read."""
    return current_user._get_current_object()


def ext():
    return current_app.extensions["qudao"]


def g_dict() -> dict:
    """The app context's ``g`` as a dict (raises the usual error outside
    an application context)."""
    return vars(g._get_current_object())


def state_version() -> bytes:
    """The shared state version this request reads under (read once, before
    the request's first query; see ``core.state_cache``)."""
    gd = g_dict()
    v = gd.get("_qudao_version")
    if v is None:
        v = gd["_qudao_version"] = ext().state.check()
    return v


def db_session():
    """The request's SQLAlchemy session, opened on first use and closed
    at the request's end (``core.web.pipeline``).  In a request it is
    declared the request's own (``core.state_cache.share``): services given
    it read the settings and kept statements from the process's cache."""
    gd = g_dict()
    s = gd.get("_qudao_session")
    if s is None:
        version = state_version()  # before the session's first query
        e = ext()
        s = gd["_qudao_session"] = e.db.Session()
        uid = gd.get("_qudao_user_id")
        if uid is not None:
            # Every audit row written in this request names the signed-in user.
            s.info["audit_user_id"] = uid
        if has_request_context():
            gd["_qudao_share"] = share(s, e.state, version, signed_in)
        s.info["enabled"] = enabled_plugins(s)
    return s


def company_zone() -> str | None:
    """The company's time zone for this request, read once (from the
    process's settings cache); ``core.clock`` asks through it.  None
    outside a request."""
    if not has_request_context():
        return None
    gd = g_dict()
    name = gd.get("_qudao_zone")
    if name is None:
        from sqlalchemy.exc import SQLAlchemyError

        from .. import settings

        s = None
        try:
            s = db_session()
            name = settings.load_zone(s)
        except SQLAlchemyError:  # no settings table yet, or the database is down (error page)
            if s is not None:
                s.rollback()
            name = ""
        gd["_qudao_zone"] = name
    return name


def enabled_plugins(session=None) -> frozenset[str]:
    """The enabled plugin set, from the per-process cache when the shared
    state did not change (no query), else read once for this request."""
    enabled = g_dict().get("_qudao_enabled")
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


def plugin_scopes() -> dict[str, frozenset[str]]:
    """Plugin → the org-unit paths whose subtrees use it (a plugin missing:
    the whole company), from the per-process cache like the enabled set."""
    gd = g_dict()
    scopes = gd.get("_qudao_scopes")
    if scopes is None:
        e = ext()
        version = state_version()
        scopes = e.state.scopes()
        if scopes is None:
            scopes = e.host.scopes(db_session())
            e.state.put_scopes(version, scopes)
        gd["_qudao_scopes"] = scopes
    return scopes


def user_plugins() -> frozenset[str]:
    """The plugins the signed-in user uses: enabled, and scoped to a part of
    the org tree that overlaps their org unit (``PluginHost.for_user``).
    Menus, home widgets, permissions and routes follow this set.  Before
    sign-in: the enabled set (the pages send a visitor to sign in)."""
    gd = g_dict()
    mine = gd.get("_qudao_user_plugins")
    if mine is not None:
        return mine
    user = signed_in()
    s = gd.get("_qudao_session")
    if s is not None and "enabled" not in s.info:
        # This request switched plugins or scopes: ask its own transaction.
        return access.user_plugins(s, user if user.is_authenticated else None)
    if not user.is_authenticated:
        return enabled_plugins()
    mine = ext().host.for_user(enabled_plugins(), plugin_scopes(), user)
    gd["_qudao_user_plugins"] = mine
    return mine


def plugin_enabled(dotted: str) -> bool:
    """Is the plugin owning ``dotted`` (a document spec, job kind, permission
    code) enabled for the signed-in user?  Core's own names always are."""
    host = ext().host
    owner = host.plugin_of(dotted)
    return owner == CORE or owner not in host.manifests or owner in user_plugins()


def hooks():
    """Hook callers of the signed-in user's plugins (``user_plugins``)."""
    return ext().host.hooks(user_plugins())


def can(code: str) -> bool:
    """Does the signed-in user hold ``code`` (and is its plugin one they use)?"""
    user = signed_in()
    if not getattr(user, "is_authenticated", False):
        return False
    s = g_dict().get("_qudao_session")
    if s is not None and "enabled" not in s.info:
        # This request switched plugins: ask its own transaction.
        return access.has_permission(s, user, code)
    e = ext()
    if code not in e.permissions or e.host.plugin_of(code) not in user_plugins():
        return False
    return code in user.permission_codes


def get_or_404(model: Any, ident: Any, action: str = access.VIEW):
    """The row if the current user may see (or ``action``) it; else 404 —
    never 403, so ids of other people's records reveal nothing."""
    row = access.scoped_get(db_session(), model, ident, current_user, action)
    if row is None:
        abort(404)
    return row


def scoped_select(model: Any, action: str = access.VIEW):
    return access.scoped_select(db_session(), model, current_user, action)
