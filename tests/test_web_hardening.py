"""Web-layer hardening (issue 20): the health check with the database down,
downloads of a disabled plugin's files, invisible characters and control
characters in input, long download names, a full disk, caching of signed-in
pages and the session's lifetime and idle timeout."""
from __future__ import annotations

import pytest

from core.app import create_app


# -- /healthz ---------------------------------------------------------------------
@pytest.mark.parametrize("url", [
    "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2",
    "sqlite:////nonexistent-dir-qudao/sub/qudao.db",
])
def test_healthz_answers_503_json_when_the_database_is_down(tmp_path, url):
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": url,
                      "SECRET_KEY": "s", "TESTING": False})
    try:
        resp = app.test_client().get("/healthz")
    finally:
        app.extensions["qudao"].db.dispose()
    assert resp.status_code == 503
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert body["status"] == "error" and body["database"] is False


# -- caching and session lifetime ------------------------------------------------------
def test_signed_in_pages_are_not_stored_by_the_browser(client):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    client.login("admin")
    for url in ("/", "/account", "/admin/users"):
        resp = client.get(url)
        assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store", url


def test_session_defaults_are_safe(app):
    assert app.config["SESSION_LIFETIME_HOURS"] == 12
    assert app.config["SESSION_IDLE_MINUTES"] == 120
    assert app.permanent_session_lifetime.total_seconds() == 12 * 3600


def _shift(client, key, seconds):
    with client.session_transaction() as sess:
        sess[key] -= seconds


def test_an_idle_session_is_signed_out_with_a_message(app, client):
    client.login("admin")
    assert client.get("/account").status_code == 200
    _shift(client, "_seen_at", 119 * 60)
    assert client.get("/account").status_code == 200  # still within two hours; activity noted
    _shift(client, "_seen_at", 121 * 60)
    resp = client.get("/account")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "您已 120 分钟没有操作，系统已自动退出" in page
    assert client.get("/account").status_code == 302  # and it stays signed out


def test_activity_keeps_a_session_alive_but_not_past_its_lifetime(app, client):
    client.login("admin")
    client.get("/account")
    _shift(client, "_seen_at", 90 * 60)
    client.get("/account")  # activity: the idle clock starts again
    _shift(client, "_seen_at", 90 * 60)
    assert client.get("/account").status_code == 200
    _shift(client, "_signed_in_at", 12 * 3600 + 60)
    resp = client.get("/account")
    assert resp.status_code == 302
    assert "您的登录已过期" in client.get(resp.headers["Location"]).get_data(as_text=True)


def test_a_session_cookie_older_than_the_lifetime_is_refused(app, client, monkeypatch):
    import time as _time

    client.login("admin")
    cookie = client.get_cookie("session").value
    later = _time.time() + 12 * 3600 + 60
    monkeypatch.setattr(_time, "time", lambda: later)
    other = app.test_client()
    other.set_cookie("session", cookie)
    assert other.get("/account").status_code == 302


# -- junk in forms and addresses ---------------------------------------------------
def _customer_form(client, name):
    from plugins.customers.tests.conftest import uscc_code

    return {"csrf_token": client.csrf, "name": name, "kind": "member", "province": "浙江省",
            "city": "杭州市", "county": "萧山区", "licence_no": uscc_code(3), "legal_person": "周"}


def test_a_nul_byte_in_a_name_is_refused_with_a_message_and_nothing_is_saved(app, client, db):
    from sqlalchemy import func, select

    from plugins.customers.models import Customer

    client.login("admin")
    resp = client.post("/customers/new", data=_customer_form(client, "坏名字\x00公司"))
    assert resp.status_code == 400
    assert "表单或网址中含有无法保存的控制字符（如 NUL）" in resp.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Customer)) == 0
    assert client.get("/customers/?q=%00").status_code == 400


def test_invisible_characters_are_removed_from_names(app, client, db):
    from sqlalchemy import select

    from plugins.customers.models import Customer

    client.login("admin")
    sneaky = "\u202e杭州\u200b西湖\ufeff贸易\u2066有限公司\u200f"
    resp = client.post("/customers/new", data=_customer_form(client, sneaky))
    assert resp.status_code in (302, 303), resp.get_data(as_text=True)[:2000]
    assert db.scalars(select(Customer.name)).all() == ["杭州西湖贸易有限公司"]


def test_huge_ids_are_404_and_huge_pages_are_the_last_page(client):
    client.login("admin")
    assert client.get("/customers/99999999999999999999").status_code == 404
    assert client.get("/customers/" + "9" * 5000).status_code == 404
    assert client.get("/admin/users/9223372036854775808").status_code == 404
    assert client.get("/documents/?page=" + "1" + "0" * 30).status_code == 200
    assert client.get("/admin/audit?page=" + "9" * 30).status_code == 200
