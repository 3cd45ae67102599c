"""The page frame is kept between requests (the header per user, section,
language and CSRF token; template ``_()`` answers per catalogue; the
security headers added in one pass): each page must still show its own
user, menus, language and token, escaped."""
import re

from flask import render_template_string
from sqlalchemy import select

from core.models import User


def _header(page: str) -> str:
    return page[page.index('<header class="top">'):page.index("</header>")]


def _logout_token(page: str) -> str:
    return re.search(r'action="/logout">\s*<input type="hidden" name="csrf_token" value="([^"]+)"',
                     page).group(1)


def test_each_user_sees_their_own_header_and_token(app, make_user):
    make_user("frame_a", "salesperson")
    make_user("frame_b", "admin")
    a, b = app.test_client(), app.test_client()
    a.login("frame_a")
    b.login("frame_b")
    for _ in range(2):  # the second round is served from the kept headers
        pa = a.get("/account").get_data(as_text=True)
        pb = b.get("/account").get_data(as_text=True)
        assert ">frame_a</a>" in _header(pa) and "frame_b" not in _header(pa)
        assert ">frame_b</a>" in _header(pb) and "frame_a" not in _header(pb)
        assert "/admin" not in _header(pa) and "/admin" in _header(pb)
        assert _logout_token(pa) != _logout_token(pb)
    # The kept header's token is this session's: signing out with it works.
    assert a.post("/logout", data={"csrf_token": _logout_token(pa)}).status_code == 302
    assert a.get("/account").status_code == 302  # signed out


def test_header_follows_a_new_name_and_language(app, client, db, make_user):
    user = make_user("frame_c", "salesperson")
    client.login("frame_c")
    page = client.get("/account").get_data(as_text=True)
    assert ">frame_c</a>" in _header(page) and "退出" in _header(page)
    row = db.get(User, user.id)
    row.full_name = "<b>钱多多</b>"
    row.locale = "en"
    db.commit()
    page = client.get("/account").get_data(as_text=True)
    header = _header(page)
    assert "&lt;b&gt;钱多多&lt;/b&gt;" in header and "<b>" not in header
    assert "Sign out" in header


def test_template_gettext_keeps_jinja_newstyle_semantics(app, db):
    with app.test_request_context("/"):
        # Keyword arguments are escaped into the (trusted) translation.
        out = render_template_string("{{ _('Good day, %(name)s', name='<i>x</i>') }}")
        assert "&lt;i&gt;x&lt;/i&gt;" in out and "<i>" not in out
        # In a block with variables set, and a literal percent sign.
        out = render_template_string(
            "{% set a = 1 %}{{ _('Sign out') }}|{{ _('100%% done') }}|{{ gettext('Sign out') }}")
        assert out == "退出登录|100% done|退出登录"
        # Not autoescaped (a .txt template): nothing is escaped.
        env = app.jinja_env
        saved, env.autoescape = env.autoescape, False
        try:
            assert "<i>" in env.from_string("{{ _('Good day, %(name)s', name='<i>') }}").render()
        finally:
            env.autoescape = saved
        # Language forced for one render is honoured.
        from flask_babel import force_locale

        with force_locale("en"):
            assert render_template_string("{{ _('Sign out') }}") == "Sign out"
        assert render_template_string("{{ _('Sign out') }}") == "退出登录"
    assert db.scalar(select(User.id).limit(1)) is not None


def test_a_view_that_sets_its_own_header_keeps_it(app):
    from core.security import CSP, set_security_headers

    class Resp:
        def __init__(self):
            from werkzeug.datastructures import Headers

            self.headers = Headers([("X-Frame-Options", "SAMEORIGIN")])

    r = set_security_headers(Resp(), secure=True)
    assert r.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert r.headers["Content-Security-Policy"] == CSP
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")
    r = set_security_headers(Resp(), secure=False)
    assert "Strict-Transport-Security" not in r.headers
