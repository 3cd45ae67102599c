"""The department's overview and the home-page widget."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.models import User
from plugins.customers.api import get_customer
from plugins.stores_demo.services import contacts

from .accounts_world import build
from core import clock


@pytest.fixture
def shop(app, make_user, make_org):
    b = build(app, make_user, make_org)
    with b.db.session() as s:
        dev = s.get(User, b.users["dev1"].id)
        contacts.log_contact(s, dev, get_customer(s, b.accounts["a"]), channel="phone",
                             contacted_on=clock.today() - timedelta(days=10), outcome="reached",
                             next_contact_on=clock.today() - timedelta(days=2))
    return b


def test_overview_counts_and_my_accounts(shop, client):
    client.login("dev1")
    r = client.get("/stores_demo/")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "陈女士" in html and "恒隆集团" not in html
    assert 'sd-overdue">1<' in html


def test_home_widget(shop, client):
    client.login("smgr")
    html = client.get("/").get_data(as_text=True)
    assert "stores_demo/pipeline" in html and 'sd-overdue">1<' in html


def test_every_menu_page_answers(shop, client):
    for user in ("smgr", "dev1"):
        client.login(user)
        for url in ("/stores_demo/", "/stores_demo/accounts", "/stores_demo/pipeline",
                    "/stores_demo/pipeline/report", "/stores_demo/contacts/due",
                    "/stores_demo/templates", "/stores_demo/accounts/new",
                    "/stores_demo/accounts/export.csv",
                    f"/stores_demo/accounts/{shop.accounts['a']}"):
            assert client.get(url).status_code == 200, (user, url)
        client.logout()
