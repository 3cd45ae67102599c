"""The per-request shortcuts of core's request pipeline keep their rules:
strong session protection still signs a session out when the client's
address or user agent changes (the identifier is remembered per address
and agent, not hashed per request); CSRF is still checked on every
state-changing method (safe methods skip the lookups)."""
import pytest
from flask_login.utils import _create_identifier

from core.models import User

UA = {"User-Agent": "browser-one/1.0"}


def _signed_in(app, make_user, username, headers=UA, ip="10.1.1.1"):
    make_user(username, "salesperson")
    c = app.test_client()
    c.environ_base.update({"REMOTE_ADDR": ip, "HTTP_USER_AGENT": headers["User-Agent"]})
    c.login(username)
    assert c.get("/account").status_code == 200
    return c


def test_identifier_is_flask_logins_own(app):
    manager = app.login_manager
    cases = [({}, "10.0.0.1"), (UA, "10.0.0.1"), (UA, "10.0.0.2"),
             ({"User-Agent": "other/2"}, "10.0.0.1"),
             ({**UA, "X-Forwarded-For": "203.0.113.9, 10.0.0.1"}, "10.0.0.1")]
    for _ in range(2):  # the second round is answered from the memo
        seen = set()
        for headers, ip in cases:
            with app.test_request_context("/", headers=headers, environ_base={"REMOTE_ADDR": ip}):
                ident = manager._session_identifier_generator()
                assert ident == _create_identifier()
                seen.add(ident)
        assert len(seen) == len(cases)


def test_identifier_memo_is_bounded(app):
    manager = app.login_manager
    for i in range(manager.MAX_IDENTIFIERS + 10):
        with app.test_request_context("/", headers={"User-Agent": f"agent-{i}"}):
            manager._session_identifier_generator()
    assert len(manager._identifiers) <= manager.MAX_IDENTIFIERS
    with app.test_request_context("/", headers={"User-Agent": "x" * 5000}):
        assert manager._session_identifier_generator() == _create_identifier()
    assert ("x" * 5000) not in {k[2] for k in manager._identifiers}


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
