"""The settings page carries the value of each setting it shows: a setting
someone else changed since the page was loaded is a conflict — nothing is
saved, and the page names the settings that differ, with the value saved
now next to the user's input (core.versions)."""
from __future__ import annotations

import lxml.html
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

CONFLICT_ZH = "该记录已被他人修改"


def _settings_form(html: str) -> MultiDict:
    for form in lxml.html.fromstring(html).forms:
        if form.xpath(".//input[starts-with(@name, 'loaded:')]"):
            textareas = {el.get("name") for el in form.xpath(".//textarea")}
            return MultiDict([(k, v[1:] if k in textareas and v.startswith("\n") else v)
                              for k, v in form.form_values()])
    raise AssertionError("no settings form carrying the loaded values")


def _stored(app, key):
    from core.models import Setting

    with app.extensions["qudao"].db.session() as s:
        row = s.scalar(select(Setting).where(Setting.key == key))
        return None if row is None else row.value


def test_settings_page_saves(app):
    c = app.test_client()
    c.login("admin")
    form = _settings_form(c.get("/admin/settings").get_data(as_text=True))
    form["core.company_phone"] = "0571-1111111"
    assert c.post("/admin/settings", data=form).status_code == 302
    assert _stored(app, "core.company_phone") == "0571-1111111"


def test_a_setting_changed_meanwhile_is_a_conflict_and_nothing_is_saved(app):
    a, b = app.test_client(), app.test_client()
    a.login("admin")
    b.login("admin")
    fa = _settings_form(a.get("/admin/settings").get_data(as_text=True))
    fb = _settings_form(b.get("/admin/settings").get_data(as_text=True))
    fa["core.company_phone"] = "0571-2222222"
    assert a.post("/admin/settings", data=fa).status_code == 302
    # B changes another setting; the phone B's page shows is out of date.
    fb["core.company_address"] = "杭州市文三路9号"
    resp = b.post("/admin/settings", data=fb)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409 and CONFLICT_ZH in html
    rows = lxml.html.fromstring(html).xpath("//table[@class='conflict-diff']//tbody/tr")
    cells = [[td.text_content() for td in tr.xpath("td")] for tr in rows]
    assert cells == [["公司电话", "0571-2222222", "—"]]
    # Nothing of B's was saved, A's change is kept.
    assert _stored(app, "core.company_address") == ""
    assert _stored(app, "core.company_phone") == "0571-2222222"
    # B's input is still in the form, at the values saved now: saving again goes through.
    again = _settings_form(html)
    assert again["core.company_address"] == "杭州市文三路9号"
    again["core.company_phone"] = "0571-2222222"
    assert b.post("/admin/settings", data=again).status_code == 302
    assert _stored(app, "core.company_address") == "杭州市文三路9号"
    assert _stored(app, "core.company_phone") == "0571-2222222"


def test_settings_saved_meanwhile_with_the_same_values_are_no_conflict(app):
    """Someone saved the page without changing what this page shows: the
    rows were written again, their values are the same — nothing to lose."""
    a, b = app.test_client(), app.test_client()
    a.login("admin")
    b.login("admin")
    fb = _settings_form(b.get("/admin/settings").get_data(as_text=True))
    fa = _settings_form(a.get("/admin/settings").get_data(as_text=True))
    assert a.post("/admin/settings", data=fa).status_code == 302
    assert _stored(app, "core.company_phone") == ""  # written, unchanged
    fb["core.company_name"] = "新公司名"
    assert b.post("/admin/settings", data=fb).status_code == 302
    assert _stored(app, "core.company_name") == "新公司名"
