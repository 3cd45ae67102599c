"""Key accounts: the list (scope, filters, masked mobile, export), the
account page, the profile form, introducers."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models import AuditLog
from plugins.stores_demo.models.accounts import StoresDemoAccount

from .accounts_world import build


@pytest.fixture
def shop(app, make_user, make_org):
    return build(app, make_user, make_org)


def test_developer_sees_own_accounts_only(shop, client):
    client.login("dev1")
    html = client.get("/stores_demo/accounts").get_data(as_text=True)
    assert "陈女士" in html and "恒隆集团" not in html
    assert client.get(f"/stores_demo/accounts/{shop.accounts['a']}").status_code == 200
    # someone else's account by id: 404 on every page of it
    other = shop.accounts["b"]
    assert client.get(f"/stores_demo/accounts/{other}").status_code == 404
    assert client.get(f"/stores_demo/accounts/{other}/profile").status_code == 404
    r = client.post_form(f"/stores_demo/accounts/{other}/move", {"from_stage": "1", "to_stage": "2"})
    assert r.status_code == 404
    r = client.post_form(f"/stores_demo/accounts/{other}/contacts",
                         {"channel": "phone", "outcome": "reached", "next_contact_on": "2099-01-01"})
    assert r.status_code == 404


def test_manager_filters_by_owner_kind_and_stage(shop, client):
    client.login("smgr")
    html = client.get("/stores_demo/accounts").get_data(as_text=True)
    assert "陈女士" in html and "恒隆集团" in html
    html = client.get(f"/stores_demo/accounts?owner={shop.users['dev2'].id}").get_data(as_text=True)
    assert "恒隆集团" in html and "陈女士" not in html
    html = client.get("/stores_demo/accounts?kind=sd_high_value").get_data(as_text=True)
    assert "陈女士" in html and "恒隆集团" not in html
    html = client.get("/stores_demo/accounts?stage=2&sort=since&dir=desc").get_data(as_text=True)
    assert "陈女士" not in html and "恒隆集团" not in html


def test_mobile_masked_in_list_page_and_export(shop, client):
    client.login("smgr")
    html = client.get("/stores_demo/accounts").get_data(as_text=True)
    assert "138****5678" in html and "13812345678" not in html
    html = client.get(f"/stores_demo/accounts/{shop.accounts['a']}").get_data(as_text=True)
    assert "138****5678" in html and "13812345678" not in html
    r = client.get("/stores_demo/accounts/export.csv")
    text = r.get_data().decode("utf-8-sig")
    assert r.status_code == 200 and "138****5678" in text and "13812345678" not in text


def test_admin_export_is_clear_and_audited(shop, client):
    client.login("admin")
    text = client.get("/stores_demo/accounts/export.csv").get_data().decode("utf-8-sig")
    assert "13812345678" in text
    with shop.db.session() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.action == "reveal",
                                                AuditLog.table_name == "stores_demo_account")).all()
        assert len(rows) == 1 and rows[0].changes["fields"] == ["mobile"]


def test_profile_edit_keeps_masked_mobile_and_is_audited(shop, client):
    client.login("dev1")
    cid = shop.accounts["a"]
    page = client.get(f"/stores_demo/accounts/{cid}/profile").get_data(as_text=True)
    assert "13812345678" not in page
    import re
    version = re.search(r'name="version"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="version"', page)
    r = client.post_form(f"/stores_demo/accounts/{cid}/profile", {
        "version": version.group(1), "mobile": "138****5678", "pii_shown-mobile": "138****5678",
        "hobbies": "高尔夫、收藏翡翠", "price_sensitivity": "low", "lead_source": "friend",
        "introducer_id": "", "spend_to_income": "high"})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    with shop.db.session() as s:
        acc = s.scalar(select(StoresDemoAccount).where(StoresDemoAccount.customer_id == cid))
        assert acc.mobile == "13812345678" and acc.hobbies == "高尔夫、收藏翡翠"
        assert acc.price_sensitivity == "low"
        log = s.scalars(select(AuditLog).where(AuditLog.table_name == "stores_demo_account",
                                               AuditLog.action == "update")).all()
        assert any("hobbies" in a.changes for a in log)
    html = client.get(f"/stores_demo/accounts/{cid}").get_data(as_text=True)
    assert "高尔夫、收藏翡翠" in html


def test_profile_refuses_bad_level_and_self_introduction(shop, client):
    client.login("smgr")
    cid = shop.accounts["a"]
    from plugins.stores_demo.services import accounts
    from core.services import ServiceError
    with shop.db.session() as s:
        from plugins.customers.api import get_customer
        c = get_customer(s, cid)
        with pytest.raises(ServiceError):
            accounts.save_profile(s, c, {"introducer_id": str(cid)})
        with pytest.raises(ServiceError):
            accounts.save_profile(s, c, {"price_sensitivity": "extreme"})
        with pytest.raises(ServiceError):
            accounts.save_profile(s, c, {"mobile": "call me"})


def test_new_account_and_introducer_count(shop, client):
    client.login("dev1")
    r = client.post_form("/stores_demo/accounts/new", {
        "name": "陈女士的闺蜜 林女士", "kind": "sd_potential", "mobile": "13700001111",
        "lead_source": "friend", "introducer_id": str(shop.accounts["a"])})
    assert r.status_code == 303
    html = client.get(f"/stores_demo/accounts/{shop.accounts['a']}").get_data(as_text=True)
    assert "林女士" in html
    from plugins.stores_demo.services import accounts
    from core.models import User
    with shop.db.session() as s:
        stats = accounts.introducer_stats(s, s.get(User, shop.users["mgr"].id))
        assert stats[shop.accounts["a"]][0] == 1


def test_new_account_refuses_blank_name(shop, client):
    client.login("dev1")
    r = client.post_form("/stores_demo/accounts/new", {"name": "", "kind": "sd_potential"})
    assert r.status_code == 400


def test_search_and_pages_use_the_kept_list_with_their_own_values(shop, client):
    """The list's statement is kept per filter shape; the search text and the
    page are bound values, so one search never shows another's rows."""
    client.login("smgr")
    html = client.get("/stores_demo/accounts?q=陈").get_data(as_text=True)
    assert "陈女士" in html and "恒隆集团" not in html
    html = client.get("/stores_demo/accounts?q=恒隆").get_data(as_text=True)
    assert "恒隆集团" in html and "陈女士" not in html
    html = client.get("/stores_demo/accounts?q=恒隆&page=2").get_data(as_text=True)
    assert "恒隆集团" not in html  # one page of results only
    csv = client.get("/stores_demo/accounts/export.csv?q=陈").get_data().decode("utf-8-sig")
    assert "陈女士" in csv and "恒隆集团" not in csv
