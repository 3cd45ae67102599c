"""Login throttling and session lifetime: reset at login, dead on the server
side after logout, password change and role change."""
from datetime import timedelta

from sqlalchemy import select

from conftest import PASSWORD
from core.db import utcnow
from core.models import LoginAttempt, Role, User


def _attempt(app, username, password, ip):
    c = app.test_client()
    token = c.fetch_csrf()
    return c.post("/login", data={"username": username, "password": password, "csrf_token": token},
                  environ_base={"REMOTE_ADDR": ip})


def test_wrong_password_is_refused_without_saying_which_part(app):
    resp = _attempt(app, "admin", "wrong-password", "10.0.0.1")
    assert resp.status_code == 401
    html = resp.get_data(as_text=True)
    assert "用户名或密码错误" in html
    assert _attempt(app, "nobody", "wrong-password", "10.0.0.1").get_data(as_text=True).count(
        "用户名或密码错误") == 1


def _age_attempts(db, seconds, **where):
    """Move recorded failures ``seconds`` into the past (time passing)."""
    stmt = select(LoginAttempt)
    for k, v in where.items():
        stmt = stmt.where(getattr(LoginAttempt, k) == v)
    for row in db.scalars(stmt):
        row.at -= timedelta(seconds=seconds)
    db.commit()


def test_an_attacker_cannot_lock_the_real_user_out(app, make_user):
    """Issue 20: ten wrong passwords from one address; the real user, from
    another address, signs in at once; the attacker's address waits."""
    make_user("victim", "salesperson")
    answers = [_attempt(app, "victim", "guess-%d" % i, "10.1.0.66").status_code for i in range(10)]
    free = app.config["LOGIN_FREE_FAILURES"]
    assert answers[:free] == [401] * free and set(answers[free:]) == {429}
    assert _attempt(app, "victim", PASSWORD, "10.1.1.1").status_code == 302
    # The attacker's address is held back even with the right password.
    resp = _attempt(app, "victim", PASSWORD, "10.1.0.66")
    assert resp.status_code == 429
    assert "您所在地址的登录失败次数过多，请等待" in resp.get_data(as_text=True)


def test_the_wait_grows_with_each_failure_and_ends(app, db, make_user):
    make_user("slowpoke", "salesperson")
    ip = "10.1.2.3"
    free = app.config["LOGIN_FREE_FAILURES"]
    base = app.config["LOGIN_DELAY_SECONDS"]
    for i in range(free):
        assert _attempt(app, "slowpoke", "nope-%d" % i, ip).status_code == 401
    refused = _attempt(app, "slowpoke", PASSWORD, ip)
    assert refused.status_code == 429
    assert f"请等待 {base} 秒" in refused.get_data(as_text=True)  # the refused try does not count
    _age_attempts(db, base, ip=ip)
    assert _attempt(app, "slowpoke", "nope-again", ip).status_code == 401
    _age_attempts(db, base, ip=ip)
    assert _attempt(app, "slowpoke", PASSWORD, ip).status_code == 429  # now twice as long
    _age_attempts(db, base, ip=ip)
    assert _attempt(app, "slowpoke", PASSWORD, ip).status_code == 302


def test_the_wait_is_capped_and_shown_in_minutes(app, db, make_user):
    make_user("capped", "salesperson")
    db.add_all([LoginAttempt(username="capped", ip="10.1.3.3") for _ in range(40)])
    db.commit()
    resp = _attempt(app, "capped", PASSWORD, "10.1.3.3")
    minutes = app.config["LOGIN_MAX_DELAY_SECONDS"] // 60
    assert resp.status_code == 429 and f"请等待 {minutes} 分钟" in resp.get_data(as_text=True)


def test_unknown_and_known_users_run_the_same_password_check(app, make_user, monkeypatch):
    """Issue 20: an unknown name answered in 46 ms, a known one in 1,167 ms
    (argon2 ran for known users only).  Every try now runs one verification."""
    from argon2 import PasswordHasher

    calls = []
    real = PasswordHasher.verify

    def counting(self, stored, password):
        calls.append(stored)
        return real(self, stored, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    make_user("known", "salesperson")
    gone = make_user("gone-away", "salesperson")
    with app.extensions["qudao"].db.session() as s:
        s.get(User, gone.id).active = False
    for name, ip in (("nobody-here", "10.8.0.1"), ("known", "10.8.0.2"), ("gone-away", "10.8.0.3")):
        calls.clear()
        assert _attempt(app, name, "wrong-password", ip).status_code == 401
        assert len(calls) == 1 and calls[0].startswith("$argon2"), name


def test_ip_is_throttled_across_accounts(app):
    limit = app.config["LOGIN_MAX_FAILURES_IP"]
    for i in range(limit):
        assert _attempt(app, f"spray{i}", "password1", "10.2.0.9").status_code == 401
    assert _attempt(app, "admin", PASSWORD, "10.2.0.9").status_code == 429
    assert _attempt(app, "admin", PASSWORD, "10.2.0.10").status_code == 302


def test_old_failures_fall_out_of_the_window(app, db, make_user):
    make_user("returning", "salesperson")
    old = utcnow() - timedelta(seconds=app.config["LOGIN_WINDOW_SECONDS"] + 60)
    for _ in range(app.config["LOGIN_FREE_FAILURES"] + 5):
        db.add(LoginAttempt(username="returning", ip="10.3.0.1", at=old))
    db.commit()
    assert _attempt(app, "returning", PASSWORD, "10.3.0.1").status_code == 302


def test_success_clears_the_clients_counter(app, make_user):
    make_user("forgetful", "salesperson")
    for i in range(app.config["LOGIN_FREE_FAILURES"] - 1):
        _attempt(app, "forgetful", "nope-nope", "10.4.0.1")
    assert _attempt(app, "forgetful", PASSWORD, "10.4.0.1").status_code == 302
    for i in range(app.config["LOGIN_FREE_FAILURES"] - 1):
        assert _attempt(app, "forgetful", "nope-nope", "10.4.0.1").status_code == 401
    assert _attempt(app, "forgetful", PASSWORD, "10.4.0.1").status_code == 302


def test_inactive_user_cannot_sign_in(app, db, make_user):
    u = make_user("gone", "salesperson")
    db.get(User, u.id).active = False
    db.commit()
    assert _attempt(app, "gone", PASSWORD, "10.5.0.1").status_code == 401


# -- sessions --------------------------------------------------------------------
def _signed_in(app, cookie_value) -> bool:
    """Does a browser holding this session cookie still get in?"""
    c = app.test_client()
    c.set_cookie("session", cookie_value)
    return c.get("/account").status_code == 200


def test_session_is_reset_at_login(client):
    client.fetch_csrf()
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    client.login("admin")
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess.get("_user_id")


def test_logout_kills_the_old_cookie_on_the_server(app, client):
    client.login("admin")
    stolen = client.get_cookie("session").value
    assert _signed_in(app, stolen)
    assert client.logout().status_code == 302
    assert not _signed_in(app, stolen)
    assert client.get("/account").status_code == 302


def test_password_change_signs_out_other_sessions(app, client, make_user):
    make_user("pwchange", "salesperson")
    laptop = app.test_client()
    laptop.login("pwchange")
    laptop_cookie = laptop.get_cookie("session").value
    client.login("pwchange")
    resp = client.post("/account", data={"pw-csrf_token": client.csrf, "pw-current": PASSWORD,
                                         "pw-new": "brand-new-pass-1", "pw-confirm": "brand-new-pass-1"})
    assert resp.status_code == 302
    assert not _signed_in(app, laptop_cookie)
    assert client.get("/account").status_code == 200  # the changing session carries on
    assert _attempt(app, "pwchange", "brand-new-pass-1", "10.6.0.1").status_code == 302


def test_role_change_by_admin_signs_the_user_out(app, client, db, make_user):
    user = make_user("promoted", "salesperson")
    victim = app.test_client()
    victim.login("promoted")
    old_cookie = victim.get_cookie("session").value
    assert _signed_in(app, old_cookie)
    manager = db.scalar(select(Role).where(Role.name == "manager"))
    db.close()
    client.login("admin")
    resp = client.post_form(f"/admin/users/{user.id}", {
        "username": "promoted", "full_name": "", "email": "", "org_unit_id": str(user.org_unit_id),
        "roles": [str(manager.id)], "locale": "zh_CN", "active": "y", "password": ""})
    assert resp.status_code == 302
    assert not _signed_in(app, old_cookie)


def test_role_permission_change_signs_holders_out(app, client, db, make_user):
    make_user("holder", "finance")
    victim = app.test_client()
    victim.login("holder")
    old_cookie = victim.get_cookie("session").value
    role = db.scalar(select(Role).where(Role.name == "finance"))
    db.close()
    client.login("admin")
    resp = client.post_form(f"/admin/roles/{role.id}", {
        "name": "finance", "label": role.label, "scope": role.scope,
        "permissions": ["core.audit_view"]})
    assert resp.status_code == 302
    assert not _signed_in(app, old_cookie)


# -- behind a reverse proxy ---------------------------------------------------------
def _spray(app, n, headers_for):
    for i in range(n):
        c = app.test_client()
        token = c.fetch_csrf()
        c.post("/login", data={"username": f"spray{i}", "password": "password1", "csrf_token": token},
               headers=headers_for(i), environ_base={"REMOTE_ADDR": "10.9.0.1"})


def test_forged_forwarded_for_does_not_evade_ip_throttling(app):
    """Without a configured proxy, X-Forwarded-For is the client's word: ignored."""
    _spray(app, app.config["LOGIN_MAX_FAILURES_IP"], lambda i: {"X-Forwarded-For": f"198.51.100.{i}"})
    c = app.test_client()
    token = c.fetch_csrf()
    resp = c.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token},
                  headers={"X-Forwarded-For": "198.51.100.250"}, environ_base={"REMOTE_ADDR": "10.9.0.1"})
    assert resp.status_code == 429


def test_behind_a_proxy_clients_are_told_apart_and_https_is_recognised(db_template, tmp_path):
    """QUDAO_PROXIES=1: one noisy client behind nginx does not lock everyone out."""
    from conftest import QudaoClient, _fresh_url
    from core import bootstrap
    from core.app import create_app

    app = create_app({"DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": _fresh_url(db_template, tmp_path),
                      "SECRET_KEY": "s", "TESTING": True, "PROXIES": 1})
    app.test_client_class = QudaoClient
    try:
        with app.extensions["qudao"].db.session() as s:
            bootstrap.first_setup(s, "admin", PASSWORD)
        _spray(app, app.config["LOGIN_MAX_FAILURES_IP"], lambda i: {"X-Forwarded-For": "203.0.113.7"})
        c = app.test_client()
        token = c.fetch_csrf()
        resp = c.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token},
                      headers={"X-Forwarded-For": "203.0.113.8", "X-Forwarded-Proto": "https",
                               "Referer": "https://localhost/login"},
                      environ_base={"REMOTE_ADDR": "10.9.0.1"})
        assert resp.status_code == 302
        cookie = [h for h in resp.headers.getlist("Set-Cookie") if h.startswith("session=")][0]
        assert "Secure" in cookie
        blocked = app.test_client()
        token = blocked.fetch_csrf()
        resp = blocked.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token},
                            headers={"X-Forwarded-For": "203.0.113.7"}, environ_base={"REMOTE_ADDR": "10.9.0.1"})
        assert resp.status_code == 429
    finally:
        app.extensions["qudao"].db.dispose()
