"""The development demo data loads through the services (every status
present) and gives store_sales and store_mgr living pages."""
from __future__ import annotations

from sqlalchemy import func, select

from core.models import OrgUnit, User
from plugins.customers import api as customers
from plugins.stores_demo.declarations import KINDS
from plugins.stores_demo.demo import load_visits
from plugins.stores_demo.models.development import (
    StoresDemoClaim, StoresDemoPlan, StoresDemoReception, StoresDemoVisit,
)


def test_demo_development_data(app, make_user, make_org, client):
    store = make_org("SH-STORE", "上海南京西路珠宝门店", "store")
    make_user("store_mgr", "manager", org_unit=store)
    make_user("store_sales", "salesperson", org_unit=store)
    db = app.extensions["qudao"].db
    with db.session() as s:
        users = {u.username: u for u in s.execute(select(User)).scalars()}
        unit = s.get(OrgUnit, store.id)
        accounts = [customers.create_customer(s, name=f"大客户{i:02d}", kind=KINDS[i % 5],
                                              org_unit_id=unit.id, owner_id=users["store_sales"].id)
                    for i in range(16)]
        s.flush()
        load_visits(s, {"users": users, "store": unit}, accounts)
        load_visits(s, {"users": users, "store": unit}, [])  # nothing to do without accounts
    with db.session() as s:
        def states(model):
            return dict(s.execute(select(model.status, func.count()).group_by(model.status)).all())

        assert set(states(StoresDemoPlan)) == {"draft", "submitted", "approved", "rejected"}
        assert {"planned", "discussed", "applied", "approved", "visited", "summarised", "rejected"} <= set(states(StoresDemoVisit))
        assert {"requested", "planned", "received", "reported"} <= set(states(StoresDemoReception))
        assert set(states(StoresDemoClaim)) == {"submitted", "approved", "paid", "rejected"}
    for login in ("store_sales", "store_mgr"):
        client.login(login)
        for url in ("/stores_demo/plans", "/stores_demo/visits", "/stores_demo/visits/overdue",
                    "/stores_demo/receptions", "/stores_demo/claims", "/stores_demo/development-report"):
            resp = client.get(url)
            assert resp.status_code == 200, (login, url)
            assert "大客户" in resp.get_data(as_text=True), (login, url)
    client.login("store_cashier", "demo-pass-2026")
    assert "商务室茶点与伴手礼" in client.get("/stores_demo/claims?status=approved").get_data(as_text=True)
    # every detail page, at every step, for the developer and the approver
    with db.session() as s:
        pages = ([f"/stores_demo/plans/{i}" for i in s.scalars(select(StoresDemoPlan.id))]
                 + [f"/stores_demo/visits/{i}" for i in s.scalars(select(StoresDemoVisit.id))]
                 + [f"/stores_demo/receptions/{i}" for i in s.scalars(select(StoresDemoReception.id))])
        sales_id = users["store_sales"].id
    for login in ("store_sales", "store_mgr"):
        client.login(login)
        for url in pages + [f"/stores_demo/development-report/{sales_id}"]:
            assert client.get(url).status_code == 200, (login, url)
