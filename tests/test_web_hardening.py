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
                      "SECRET_KEY": "s", "TESTING": False, "GC_FREEZE": False})
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
