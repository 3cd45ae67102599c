"""The pipeline: moves with history and time in stage, skipping needs the
permission, concurrent moves have one winner, the board and the reports."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models import User
from core.services import ServiceError
from plugins.customers.api import get_customer
from plugins.stores_demo.models.accounts import StoresDemoAccount, StoresDemoStageMove
from plugins.stores_demo.services import pipeline

from .accounts_world import build


@pytest.fixture
def shop(app, make_user, make_org):
    return build(app, make_user, make_org)


def _stage(shop, key):
    with shop.db.session() as s:
        return s.scalar(select(StoresDemoAccount.stage)
                        .where(StoresDemoAccount.customer_id == shop.accounts[key]))


def test_move_one_stage_records_history(shop, client):
    client.login("dev1")
    cid = shop.accounts["a"]
    r = client.post_form(f"/stores_demo/accounts/{cid}/move",
                         {"from_stage": "1", "to_stage": "2", "note": "朋友介绍，已加微信"})
    assert r.status_code == 303
    assert _stage(shop, "a") == 2
    html = client.get(f"/stores_demo/accounts/{cid}").get_data(as_text=True)
    assert "朋友介绍，已加微信" in html
    with shop.db.session() as s:
        m = s.scalar(select(StoresDemoStageMove).where(StoresDemoStageMove.customer_id == cid))
        assert (m.from_stage, m.to_stage, m.user_id, m.owner_id, m.days_in_stage) == (
            1, 2, shop.users["dev1"].id, shop.users["dev1"].id, 0)


def test_skip_refused_without_permission(shop, client):
    client.login("dev1")
    cid = shop.accounts["a"]
    r = client.post_form(f"/stores_demo/accounts/{cid}/move",
                         {"from_stage": "1", "to_stage": "4"}, follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "跳过阶段需要“跳阶段”权限：请逐个阶段推进。" in html
    assert _stage(shop, "a") == 1
    with shop.db.session() as s:
        assert s.scalar(select(StoresDemoStageMove.id)) is None


def test_manager_may_skip_and_anyone_may_move_back(shop, client):
    client.login("smgr")
    cid = shop.accounts["a"]
    client.post_form(f"/stores_demo/accounts/{cid}/move", {"from_stage": "1", "to_stage": "8"})
    assert _stage(shop, "a") == 8
    client.logout()
    client.login("dev1")
    client.post_form(f"/stores_demo/accounts/{cid}/move", {"from_stage": "8", "to_stage": "6"})
    assert _stage(shop, "a") == 6


def test_stale_move_refused(shop, client):
    client.login("dev1")
    cid = shop.accounts["a"]
    client.post_form(f"/stores_demo/accounts/{cid}/move", {"from_stage": "1", "to_stage": "2"})
    r = client.post_form(f"/stores_demo/accounts/{cid}/move", {"from_stage": "1", "to_stage": "2"},
                         follow_redirects=True)
    assert _stage(shop, "a") == 2
    assert "该客户刚被他人推进，请重新查看其阶段。" in r.get_data(as_text=True)


def test_bad_input_changes_nothing(shop, client):
    client.login("dev1")
    cid = shop.accounts["a"]
    for data in ({"from_stage": "1", "to_stage": "99"}, {"from_stage": "1", "to_stage": "x"},
                 {"from_stage": "1", "to_stage": "2", "moved_on": "2099-01-01"},
                 {"from_stage": "1", "to_stage": "2", "moved_on": "not a day"}):
        r = client.post_form(f"/stores_demo/accounts/{cid}/move", data)
        assert r.status_code == 303
    assert _stage(shop, "a") == 1


def test_concurrent_moves_one_winner(shop, race):
    cid = shop.accounts["a"]
    dev = shop.users["dev1"].id

    def work(s):
        c = get_customer(s, cid)
        return pipeline.move_stage(s, s.get(User, dev), c, 2, from_stage=1).id

    results = race(work, work, work)
    wins = [r for r in results if not isinstance(r, ServiceError)]
    assert len(wins) == 1, results
    assert _stage(shop, "a") == 2
    with shop.db.session() as s:
        assert len(s.scalars(select(StoresDemoStageMove)).all()) == 1


def test_board_filters_and_reports(shop, client):
    client.login("smgr")
    client.post_form(f"/stores_demo/accounts/{shop.accounts['b']}/move",
                     {"from_stage": "1", "to_stage": "3"})
    html = client.get("/stores_demo/pipeline").get_data(as_text=True)
    assert "陈女士" in html and "恒隆集团" in html
    html = client.get(f"/stores_demo/pipeline?owner={shop.users['dev1'].id}").get_data(as_text=True)
    assert "陈女士" in html and "恒隆集团" not in html
    html = client.get("/stores_demo/pipeline?kind=sd_strategic").get_data(as_text=True)
    assert "陈女士" not in html and "恒隆集团" in html
    with shop.db.session() as s:
        mgr = s.get(User, shop.users["mgr"].id)
        conv = pipeline.conversion(s, mgr, pipeline.BoardFilter())
        assert [r["reached"] for r in conv[:4]] == [2, 1, 1, 0]
        assert conv[0]["rate"] == 50.0
        rows, totals = pipeline.by_owner(s, mgr, pipeline.BoardFilter())
        assert totals[0] == 1 and totals[2] == 1 and totals[-1] == 2
    html = client.get("/stores_demo/pipeline/report").get_data(as_text=True)
    assert "50.0 %" in html


def test_developer_board_shows_own_only(shop, client):
    client.login("dev2")
    html = client.get("/stores_demo/pipeline").get_data(as_text=True)
    assert "恒隆集团" in html and "陈女士" not in html
