"""The key account's dates and plans on the customers plugin's customer page
(its ``customer_panels`` hook): shown to a store's staff, gone where the
org unit does not use stores_demo, scoped to what the reader may see."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from core import services
from core.models import OrgUnit
from plugins.stores_demo.services import anniversaries, plans

from .dev_world import dev  # noqa: F401  (fixture)
from .test_plans import FIGURES
from core import clock

def _store_manager(dev, make_user):
    """A store manager (the built-in role: sees the store's customers)."""
    with dev.db.session() as s:
        store = s.get(OrgUnit, dev.store_id)
        s.expunge(store)
    make_user("sm_panel", "manager", org_unit=store)
    return "sm_panel"


def _fill(dev):
    with dev.db.session() as s:
        a = dev.accounts["a"]
        anniversaries.add_date(s, a, kind="birthday", month=3, day=8, person="王丽华")
        anniversaries.add_date(s, a, kind="wedding", month=10, day=1)
        plans.create_plan(s, dev.account(s, "a"), dev.user(s, "dev1"), **FIGURES)
        s.commit()


def test_panel_shows_dates_and_plans_on_the_customer_page(dev, client, make_user):
    _fill(dev)
    client.login(_store_manager(dev, make_user))
    page = client.get(f"/customers/{dev.accounts['a']}").get_data(as_text=True)
    assert "大客户：日期与方案" in page
    assert "王女士结婚十周年钻戒" in page and "生日" in page and "结婚纪念日" in page
    nxt = anniversaries.occurrence(3, 8, clock.today()).isoformat()
    assert nxt in page
    assert f"/stores_demo/accounts/{dev.accounts['a']}/dates" in page
    # every link in the panel answers for this user
    for url in (f"/stores_demo/accounts/{dev.accounts['a']}/dates",):
        assert client.get(url).status_code == 200


def test_panel_is_gone_where_the_org_unit_does_not_use_stores_demo(dev, client, make_org, make_user):
    _fill(dev)
    other = make_org("OFF9", "杭州办事处", "office")
    with dev.db.session() as s:
        units = list(s.execute(select(OrgUnit).where(OrgUnit.id == other.id)).scalars())
        services.set_plugin_scope(s, "stores_demo", units, reason="test")
        s.commit()
    client.login(_store_manager(dev, make_user))
    page = client.get(f"/customers/{dev.accounts['a']}").get_data(as_text=True)
    assert "王丽华" in page  # the customer page itself is there
    assert "大客户：日期与方案" not in page and "王女士结婚十周年钻戒" not in page


def test_panel_is_not_on_a_plain_customer(dev, client, make_user):
    from plugins.customers import api as customers

    with dev.db.session() as s:
        c = customers.create_customer(s, name="普通客户", kind="general", org_unit_id=dev.store_id,
                                      owner_id=dev.users["dev1"].id)
        s.commit()
        cid = c.id
    client.login(_store_manager(dev, make_user))
    page = client.get(f"/customers/{cid}").get_data(as_text=True)
    assert "普通客户" in page and "大客户：日期与方案" not in page
