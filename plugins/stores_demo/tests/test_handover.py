"""A leaving developer's accounts go to colleagues in one audited step."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models import AuditLog
from plugins.customers.api import Customer
from plugins.stores_demo.declarations import KIND_GROUP, KIND_STRATEGIC
from plugins.stores_demo.models.accounts import StoresDemoHandover

from .accounts_world import build


@pytest.fixture
def shop(app, make_user, make_org):
    b = build(app, make_user, make_org)
    b.accounts["c"] = b.account("林先生", "dev1")
    b.accounts["d"] = b.account("市工会", "dev1", kind=KIND_GROUP)
    b.accounts["e"] = b.account("银行私行部", "dev1", kind=KIND_STRATEGIC)
    return b


def _owners(shop):
    with shop.db.session() as s:
        return dict(s.execute(select(Customer.name, Customer.owner_id)).all())


def test_round_robin_handover_audited(shop, client):
    client.login("smgr")
    u = shop.users
    r = client.post_form("/stores_demo/handover", {
        "from_user_id": str(u["dev1"].id), "to_user_ids": [str(u["dev2"].id), str(u["dev3"].id)],
        "rule": "round_robin", "reason": "离职"})
    assert r.status_code == 303
    owners = _owners(shop)
    assert u["dev1"].id not in owners.values()
    assert [owners[n] for n in ("陈女士", "林先生", "市工会", "银行私行部")] == [
        u["dev2"].id, u["dev3"].id, u["dev2"].id, u["dev3"].id]
    with shop.db.session() as s:
        h = s.scalar(select(StoresDemoHandover))
        assert h.accounts == 4 and h.done_by == u["mgr"].id
        audits = s.scalars(select(AuditLog).where(AuditLog.table_name == "customers_customer",
                                                  AuditLog.action == "update")).all()
        moved = [a for a in audits if "owner_id" in a.changes]
        assert len(moved) == 4 and all("离职" in (a.reason or "") for a in moved)
        assert s.scalar(select(AuditLog.id).where(AuditLog.table_name == "stores_demo_handover"))
    assert "离职" in client.get("/stores_demo/handover").get_data(as_text=True)


def test_by_kind_gives_each_kind_to_one_colleague(shop, client):
    client.login("smgr")
    u = shop.users
    client.post_form("/stores_demo/handover", {
        "from_user_id": str(u["dev1"].id), "to_user_ids": [str(u["dev2"].id), str(u["dev3"].id)],
        "rule": "by_kind", "reason": "调岗"})
    owners = _owners(shop)
    assert owners["陈女士"] == owners["林先生"]  # both high-value
    assert owners["市工会"] != owners["陈女士"]


def test_handover_refusals(shop, client):
    client.login("dev2")
    assert client.get("/stores_demo/handover").status_code == 403
    client.logout()
    client.login("smgr")
    u = shop.users
    r = client.post_form("/stores_demo/handover", {
        "from_user_id": str(u["dev1"].id), "to_user_ids": [], "rule": "round_robin",
        "reason": "离职"})
    assert r.status_code == 400
    r = client.post_form("/stores_demo/handover", {
        "from_user_id": str(u["dev1"].id), "to_user_ids": [str(u["dev2"].id)],
        "rule": "round_robin", "reason": ""})
    assert r.status_code == 400
    assert set(_owners(shop).values()) == {u["dev1"].id, u["dev2"].id}
