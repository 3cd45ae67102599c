"""First contact: templates (managers write, developers read) and the
contact log, which refuses an entry without the next contact date."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from plugins.stores_demo.models.accounts import (StoresDemoAccount, StoresDemoContact,
                                                 StoresDemoContactTemplate)

from .accounts_world import build
from core import clock


@pytest.fixture
def shop(app, make_user, make_org):
    return build(app, make_user, make_org)


def test_contact_without_next_date_refused(shop, client):
    client.login("dev1")
    cid = shop.accounts["a"]
    r = client.post_form(f"/stores_demo/accounts/{cid}/contacts",
                         {"channel": "phone", "outcome": "reached", "next_contact_on": ""},
                         follow_redirects=True)
    assert "请约定下次联系日期：每次联系都必须填写。" in r.get_data(as_text=True)
    with shop.db.session() as s:
        assert s.scalar(select(StoresDemoContact.id)) is None


def test_contact_logged_and_next_date_kept(shop, client):
    client.login("dev1")
    cid = shop.accounts["a"]
    nxt = clock.today() + timedelta(days=3)
    r = client.post_form(f"/stores_demo/accounts/{cid}/contacts",
                         {"channel": "sms", "outcome": "interested", "note": "聊了天气，约周末看钻",
                          "next_contact_on": nxt.isoformat()})
    assert r.status_code == 303
    with shop.db.session() as s:
        acc = s.scalar(select(StoresDemoAccount).where(StoresDemoAccount.customer_id == cid))
        assert acc.next_contact_on == nxt
    html = client.get(f"/stores_demo/accounts/{cid}").get_data(as_text=True)
    assert "聊了天气，约周末看钻" in html
    html = client.get("/stores_demo/contacts/due").get_data(as_text=True)
    assert "陈女士" in html


def test_next_date_before_contact_refused(shop, client):
    client.login("dev1")
    cid = shop.accounts["a"]
    for nxt in (clock.today().isoformat(), "2020-01-01", "garbage"):
        client.post_form(f"/stores_demo/accounts/{cid}/contacts",
                         {"channel": "phone", "outcome": "reached", "next_contact_on": nxt})
    with shop.db.session() as s:
        assert s.scalar(select(StoresDemoContact.id)) is None


def test_templates_crud_for_managers_only(shop, client):
    client.login("dev1")
    assert client.get("/stores_demo/templates").status_code == 200
    assert client.post_form("/stores_demo/templates/new", {"channel": "sms", "name": "x",
                                                            "body": "y"}).status_code == 403
    client.logout()
    client.login("smgr")
    r = client.post_form("/stores_demo/templates/new", {
        "channel": "sms", "name": "雨天问候", "body": "王女士您好，今天降温下雨，出门记得带伞。——周婷 138…",
        "active": "y"})
    assert r.status_code == 303
    with shop.db.session() as s:
        t = s.scalar(select(StoresDemoContactTemplate))
        assert t.name == "雨天问候"
        tid = t.id
    r = client.post_form(f"/stores_demo/templates/{tid}", {"channel": "fax", "name": "雨天问候",
                                                            "body": "x"})
    assert r.status_code == 400
    html = client.get("/stores_demo/templates").get_data(as_text=True)
    assert "雨天问候" in html
    r = client.post_form(f"/stores_demo/templates/{tid}/delete")
    assert r.status_code == 303
    with shop.db.session() as s:
        assert s.get(StoresDemoContactTemplate, tid) is None
