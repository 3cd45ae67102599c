"""The per-request shortcuts of core's request pipeline keep their rules:
strong session protection still signs a session out when the client's
address or user agent changes; CSRF is still checked on every
state-changing method (safe methods skip the lookups); the account page,
kept whole per user, session, language and token, still shows each user
their own data, messages once, and a token that works."""
import pytest

from core.models import User

UA = {"User-Agent": "browser-one/1.0"}


def _signed_in(app, make_user, username, headers=UA, ip="10.1.1.1"):
    make_user(username, "salesperson")
    c = app.test_client()
    c.environ_base.update({"REMOTE_ADDR": ip, "HTTP_USER_AGENT": headers["User-Agent"]})
    c.login(username)
    assert c.get("/account").status_code == 200
    return c


@pytest.mark.parametrize("change", ["agent", "address", "forwarded"])
def test_strong_protection_signs_out_a_session_from_another_client(app, make_user, change):
    c = _signed_in(app, make_user, f"prot_{change}")
    for _ in range(3):  # identifier remembered: still signed in
        assert c.get("/account").status_code == 200
    other = {"agent": {"headers": {"User-Agent": "thief/1.0"}},
             "address": {"environ_base": {"REMOTE_ADDR": "10.66.6.6",
                                          "HTTP_USER_AGENT": UA["User-Agent"]}},
             "forwarded": {"headers": {"X-Forwarded-For": "198.51.100.7"}}}[change]
    resp = c.get("/account", **other)
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    # Flask-Login's after-request step still runs: the remember cookie is cleared.
    assert any(h.startswith("remember_token=;") for h in resp.headers.getlist("Set-Cookie"))
    # The session lost its sign-in: back on the original client it stays out.
    resp = c.get("/account")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_another_signed_in_client_keeps_its_own_session(app, make_user):
    a = _signed_in(app, make_user, "prot_a", {"User-Agent": "agent-a"}, "10.2.0.1")
    b = _signed_in(app, make_user, "prot_b", {"User-Agent": "agent-b"}, "10.2.0.2")
    for _ in range(2):
        assert ">prot_a</a>" in a.get("/account").get_data(as_text=True)
        assert ">prot_b</a>" in b.get("/account").get_data(as_text=True)


@pytest.fixture
def write_route(app):
    def view():
        from flask import request

        return request.method

    app.add_url_rule("/t-write", "t_write", view,
                     methods=["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"])


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_every_state_changing_method_needs_the_token(app, client, write_route, method):
    client.login("admin")
    assert client.open("/t-write", method=method).status_code == 400
    assert client.open("/t-write", method=method,
                       headers={"X-CSRFToken": "forged"}).status_code == 400
    resp = client.open("/t-write", method=method, headers={"X-CSRFToken": client.csrf})
    assert resp.status_code == 200 and resp.get_data(as_text=True) == method


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_safe_methods_need_no_token(app, client, write_route, method):
    client.login("admin")
    assert client.open("/t-write", method=method).status_code == 200


def test_session_cookie_is_written_only_when_changed_and_vary_kept(app, client):
    from flask import session

    @app.get("/t-vary")
    def t_vary():
        session.get("x")
        return "ok", 200, {"Vary": "Accept-Encoding"}

    @app.get("/t-touch")
    def t_touch():
        session["touched"] = 1
        return "ok"

    client.login("admin")
    resp = client.get("/account")
    assert resp.headers.get("Vary") == "Cookie" and "Set-Cookie" not in resp.headers
    resp = client.get("/t-vary")
    assert resp.headers.get("Vary") == "Accept-Encoding, Cookie"
    assert "Set-Cookie" not in resp.headers
    resp = client.get("/t-touch")
    assert resp.headers["Set-Cookie"].startswith("session=") and resp.headers["Vary"] == "Cookie"
    assert client.get("/account").status_code == 200  # the new cookie still signs in


def _field(page: str, name: str) -> str:
    import re

    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1)


def test_kept_account_page_is_each_users_own(app, make_user):
    a = _signed_in(app, make_user, "kept_a")
    b = _signed_in(app, make_user, "kept_b")
    for _ in range(2):  # the second round is served from the kept pages
        pa = a.get("/account").get_data(as_text=True)
        pb = b.get("/account").get_data(as_text=True)
        assert ">kept_a</a>" in pa and "kept_b" not in pa
        assert ">kept_b</a>" in pb and "kept_a" not in pb
        assert _field(pa, "acc-csrf_token") != _field(pb, "acc-csrf_token")
    # The kept page's token is this session's own: a save with it works.
    resp = a.post("/account", data={"acc-csrf_token": _field(pa, "acc-csrf_token"),
                                     "acc-full_name": "<i>甲</i>", "acc-locale": "zh_CN"})
    assert resp.status_code == 302


def test_kept_account_page_follows_changes_and_shows_messages_once(app, db, make_user):
    c = _signed_in(app, make_user, "kept_c")
    page = c.get("/account").get_data(as_text=True)
    assert _field(page, "acc-full_name") == "" and "My account" not in page
    resp = c.post("/account", data={"acc-csrf_token": c.csrf, "acc-full_name": "<b>钱</b>",
                                    "acc-locale": "en"})
    assert resp.status_code == 302
    page = c.get("/account").get_data(as_text=True)
    assert 'class="flash success"' in page and "已保存" in page  # the message, once
    assert _field(page, "acc-full_name") == "&lt;b&gt;钱&lt;/b&gt;" and "<b>钱" not in page
    assert '<option selected value="en">' in page and "My account" in page
    page = c.get("/account").get_data(as_text=True)
    assert 'class="flash' not in page and "已保存" not in page and "My account" in page
    # A change made elsewhere (another process, the admin) shows too, even
    # one the header does not show (the name shown is the same).
    row = db.scalar(db.query(User).filter_by(username="kept_c").statement)
    row.full_name = ""
    db.commit()
    page = c.get("/account").get_data(as_text=True)
    assert _field(page, "acc-full_name") == "" and ">kept_c</a>" in page
    row.full_name = "kept_c"
    db.commit()
    page = c.get("/account").get_data(as_text=True)
    assert _field(page, "acc-full_name") == "kept_c"
    # A new session (sign out, sign in) gets a page with its new token.
    old = _field(page, "acc-csrf_token")
    c.logout()
    c.login("kept_c")
    page = c.get("/account").get_data(as_text=True)
    assert _field(page, "acc-csrf_token") != old
    assert c.post("/account", data={"acc-csrf_token": old, "acc-full_name": "x",
                                    "acc-locale": "en"}).status_code == 400


def test_kept_pages_are_bounded(app):
    state = app.extensions["qudao"].state
    for i in range(1005):
        state.memo(("page", i), lambda: "x", state.pages)
    assert len(state.pages) <= 1000


def test_login_required_keeps_flask_logins_rules(app, client):
    resp = client.get("/account")
    assert resp.status_code == 302 and "/login?next=%2Faccount" in resp.headers["Location"]
    assert client.post("/logout", data={}).status_code in (302, 400)  # never the view
    app.config["LOGIN_DISABLED"] = True
    try:
        from core.web.decorators import login_required

        @login_required
        def view():
            return "in"

        with app.test_request_context("/x"):
            assert view() == "in"
    finally:
        app.config["LOGIN_DISABLED"] = False
