"""The account page is written out by hand (no WTForms widgets): it must
still show the user's data, keep the CSRF protection and show errors."""
from conftest import PASSWORD


def test_account_page_shows_the_profile_and_saves_it(client, make_user):
    make_user("sales_acc", "salesperson")
    client.login("sales_acc")
    page = client.get("/account").get_data(as_text=True)
    assert 'name="acc-full_name"' in page and 'name="pw-current"' in page
    assert '<option selected value="zh_CN">' in page
    resp = client.post("/account", data={"acc-csrf_token": client.csrf, "acc-full_name": "钱多多",
                                         "acc-locale": "en"})
    assert resp.status_code == 302
    page = client.get("/account").get_data(as_text=True)
    assert 'value="钱多多"' in page and '<option selected value="en">' in page
    assert "My account" in page  # the page is now in English


def test_account_page_refuses_a_post_without_the_csrf_token(client, make_user):
    make_user("sales_csrf", "salesperson")
    client.login("sales_csrf")
    resp = client.post("/account", data={"acc-full_name": "x", "acc-locale": "en"})
    assert resp.status_code == 400


def test_account_page_shows_password_errors(client, make_user):
    make_user("sales_err", "salesperson")
    client.login("sales_err")
    resp = client.post("/account", data={"pw-csrf_token": client.csrf, "pw-current": "wrong-one-1",
                                         "pw-new": "another-pass-1", "pw-confirm": "another-pass-1"})
    assert resp.status_code == 200
    assert "当前密码不正确" in resp.get_data(as_text=True)
    resp = client.post("/account", data={"pw-csrf_token": client.csrf, "pw-current": PASSWORD,
                                         "pw-new": "another-pass-1", "pw-confirm": "different-1"})
    assert resp.status_code == 200 and 'class="errors"' in resp.get_data(as_text=True)
