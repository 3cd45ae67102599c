from sqlalchemy import select


def test_login_page_is_chinese_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert "登录" in html or "Sign in" in html


def test_admin_can_sign_in_and_see_plugins(client):
    resp = client.login("admin")
    assert resp.status_code == 302
    page = client.get("/admin/plugins")
    assert page.status_code == 200
    assert "customers" in page.get_data(as_text=True)


def test_healthz(client):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["database"] is True
    assert "customers" in body["plugins"]
