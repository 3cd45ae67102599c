"""The page frame every page shares: menus, the header, pages kept per
process (``render_kept``), fixed links and the CSRF token, all Jinja
globals (``TEMPLATE_GLOBALS``)."""
from __future__ import annotations

from flask import current_app, has_request_context, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from ..i18n import request_locale
from .request import can, ext, g_dict, hooks, signed_in, user_plugins


def _menu_items(name: str) -> list:
    items = hooks().flat("menu_items", menu=name, user=current_user)
    items = [i for i in items if not i.permission or can(i.permission)]
    return sorted(items, key=lambda i: (i.sequence, str(i.label)))


def _menu_key(kind: str, name: str):
    """Menus depend on the user's plugin set (enabled and scoped), the user's permission codes and the
    language only (the ``menu_items`` contract, docs/plugins.md), so each is
    built once per process for each combination; None = do not cache."""
    s = g_dict().get("_qudao_session")
    if s is not None and "enabled" not in s.info:
        return None  # this request switched plugins
    return (kind, name, user_plugins(), frozenset(signed_in().permission_codes),
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


def template_context():
    # The signed-in user itself rather than Flask-Login's proxy, which
    # looks it up again on every attribute a template reads.  The
    # functions every page calls are Jinja globals (``install``), not
    # context values: no dict of them built per render.
    if not has_request_context():
        return {"current_user": None}  # what Flask-Login's processor gave
    return {"current_user": signed_in()}


def csrf_token() -> str:
    """Flask-WTF's CSRF token, signed once per process for a session's raw
    token rather than on every request.  Tokens carry no expiry here
    (``WTF_CSRF_TIME_LIMIT`` is None), so an earlier signature is as good."""
    gd = g_dict()
    token = gd.get("csrf_token")
    if token is not None:
        return token
    raw = session.get("csrf_token")
    app = current_app
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
