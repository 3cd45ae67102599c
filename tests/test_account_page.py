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


# -- two tabs, and a login in between (core.versions) ---------------------------------
def _profile_form(html: str):
    import lxml.html
    from werkzeug.datastructures import MultiDict

    for form in lxml.html.fromstring(html).forms:
        if form.xpath(".//input[@name='acc-version']"):
            return MultiDict(form.form_values())
    raise AssertionError("no profile form with its version on the page")


def test_account_page_second_tab_saving_a_stale_name_gets_a_conflict(app, make_user):
    from sqlalchemy import select

    from core.models import User

    make_user("sales_tabs", "salesperson")
    a, b = app.test_client(), app.test_client()
    a.login("sales_tabs")
    b.login("sales_tabs")
    fa = _profile_form(a.get("/account").get_data(as_text=True))
    fb = _profile_form(b.get("/account").get_data(as_text=True))
    assert fa["acc-version"] and fa["acc-version"] == fb["acc-version"]
    fa["acc-full_name"] = "甲写的名字"
    assert a.post("/account", data=fa).status_code == 302
    fb["acc-full_name"] = "乙写的名字"
    resp = b.post("/account", data=fb)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "该记录已被他人修改" in html
    import lxml.html

    diff = lxml.html.fromstring(html).xpath("//table[@class='conflict-diff']//tr/td/text()")
    assert "甲写的名字" in diff and "乙写的名字" in diff
    db = app.extensions["qudao"].db
    with db.session() as s:
        assert s.scalar(select(User.full_name).where(User.username == "sales_tabs")) == "甲写的名字"
    again = _profile_form(html)
    assert again["acc-full_name"] == "乙写的名字"
    assert b.post("/account", data=again).status_code == 302
    with db.session() as s:
        assert s.scalar(select(User.full_name).where(User.username == "sales_tabs")) == "乙写的名字"


def test_account_page_saves_after_a_login_elsewhere(app, make_user):
    """A login records its time on the user row (the version moves): not a
    change to the name or language the page shows."""
    from sqlalchemy import select

    from core.models import User

    make_user("sales_twice", "salesperson")
    db = app.extensions["qudao"].db
    a = app.test_client()
    a.login("sales_twice")
    form = _profile_form(a.get("/account").get_data(as_text=True))
    with db.session() as s:
        before = s.scalar(select(User.version).where(User.username == "sales_twice"))
    assert app.test_client().login("sales_twice").status_code == 302
    with db.session() as s:
        assert s.scalar(select(User.version).where(User.username == "sales_twice")) > before
    form["acc-full_name"] = "孙新名"
    assert a.post("/account", data=form).status_code == 302
    with db.session() as s:
        assert s.scalar(select(User.full_name).where(User.username == "sales_twice")) == "孙新名"
