"""CSRF on every state-changing route, safe redirects, cookie flags and
security headers (issue 2, point 6)."""
import re
from urllib.parse import urlsplit

import pytest

from conftest import PASSWORD
from qdtest.models import Note  # noqa: F401  (its table must exist)


@pytest.fixture
def app_config():
    return {"EXTRA_PLUGINS": ["qdtest.plugin"]}


def _post_urls(app) -> list[tuple[str, str]]:
    """(endpoint, url) for every rule accepting POST, URL parameters set to 1."""
    out = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<{arg}>", "1")
            for conv in ("int", "string", "path", "float", "uuid"):
                url = url.replace(f"<{conv}:{arg}>", "1")
            # <any(a,b,c):step>: the first choice, so the URL reaches the view
            url = re.sub(rf"<any\(\s*([^,)\s]+)[^)]*\):{arg}>", r"\1", url)
        assert "<" not in url, url
        out.append((rule.endpoint, url))
    return sorted(out)


def test_post_routes_are_enumerated_including_plugin_routes(app):
    endpoints = {e for e, _u in _post_urls(app)}
    assert {"auth.login", "auth.logout", "admin.plugin_disable", "admin.user_edit",
            "qdtest.create", "qdtest.edit"} <= endpoints


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "admin"])
def test_every_post_route_refuses_a_missing_csrf_token(app, client, signed_in):
    if signed_in:
        client.login("admin")
    failures = []
    for endpoint, url in _post_urls(app):
        for data in ({}, {"csrf_token": "forged"}):
            resp = client.post(url, data=data)
            if resp.status_code != 400:
                failures.append(f"{endpoint} {url} {data}: {resp.status_code}")
    assert failures == []


def test_a_valid_token_is_accepted(client):
    client.login("admin")
    resp = client.post_form("/qdtest/new", {"title": "ok"})
    assert resp.status_code == 302


def test_a_token_from_another_session_is_refused(app, client, make_user):
    make_user("csrf_a", "salesperson")
    other = app.test_client()
    other.login("csrf_a")
    client.login("admin")
    resp = client.post("/qdtest/new", data={"title": "x", "csrf_token": other.csrf})
    assert resp.status_code == 400


# -- open redirects ------------------------------------------------------------
EVIL = ["//evil.example", "/\\evil.example", "https://evil.example/", "%2F%2Fevil.example",
        "javascript:alert(1)", "/%5Cevil.example", "///evil.example", " //evil.example",
        "http:/evil.example", "\t//evil.example", "https:evil.example",
        "/\t/evil.example"]


def _login_with_next(app, nxt):
    c = app.test_client()
    token = c.fetch_csrf()
    return c.post("/login", query_string={"next": nxt},
                  data={"username": "admin", "password": PASSWORD, "csrf_token": token})


@pytest.mark.parametrize("nxt", EVIL)
def test_login_next_never_leaves_the_site(app, nxt):
    resp = _login_with_next(app, nxt)
    assert resp.status_code == 302
    loc = resp.headers["Location"]
    parts = urlsplit(loc)
    assert parts.scheme in ("", "http") and parts.netloc in ("", "localhost"), loc
    assert parts.path == "/" and "evil" not in loc


def test_login_next_to_a_local_page_is_followed(app):
    resp = _login_with_next(app, "/admin/users?q=a")
    assert resp.headers["Location"] == "/admin/users?q=a"


@pytest.mark.parametrize("nxt", ["//evil.example", "https://evil.example", "/\\evil.example"])
def test_language_switch_next_never_leaves_the_site(client, nxt):
    token = client.fetch_csrf()
    resp = client.post("/language/en", data={"csrf_token": token, "next": nxt})
    assert resp.status_code == 302 and "evil" not in resp.headers["Location"]


# -- cookies and headers ---------------------------------------------------------
def _session_cookies(resp) -> list[str]:
    return [c for c in resp.headers.getlist("Set-Cookie") if c.startswith("session=")]


def _flags(cookie: str) -> set[str]:
    return {p.strip().split("=")[0].lower() for p in cookie.split(";")[1:]} | {
        p.strip().lower() for p in cookie.split(";")[1:]}


def test_session_cookie_is_httponly_and_samesite_lax_over_http(client):
    cookies = _session_cookies(client.get("/login"))
    assert cookies
    for c in cookies:
        flags = _flags(c)
        assert "httponly" in flags and "samesite=lax" in flags and "secure" not in flags


def test_session_cookie_is_secure_over_https(app):
    c = app.test_client()
    resp = c.get("/login", base_url="https://localhost")
    cookies = _session_cookies(resp)
    assert cookies
    for cookie in cookies:
        flags = _flags(cookie)
        assert {"secure", "httponly", "samesite=lax"} <= flags
    token = c.fetch_csrf()
    c.csrf = token
    resp = c.post("/login", base_url="https://localhost", headers={"Referer": "https://localhost/login"},
                  data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 302
    assert all("secure" in _flags(x) for x in _session_cookies(resp))
    assert "Strict-Transport-Security" in resp.headers


def _csp(resp) -> dict[str, list[str]]:
    out = {}
    for part in resp.headers["Content-Security-Policy"].split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.parametrize("path", ["/login", "/no-such-page", "/healthz",
                                  "/static/core/qudao.css", "/admin/users"])
def test_security_headers_on_every_kind_of_response(client, path):
    client.login("admin")
    resp = client.get(path)
    csp = _csp(resp)
    scripts = csp.get("script-src", csp.get("default-src"))
    assert scripts and "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert "'unsafe-inline'" not in csp.get("default-src", [])
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin",
                                               "no-referrer", "strict-origin")
    assert resp.headers["X-Frame-Options"] == "DENY"
