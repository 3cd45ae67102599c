"""Visits: every step in order, the next visit date agreed at the visit,
the 7-day follow-up with its overdue list, the gift by account kind and
someone else's visit → 404 on every route."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest

from core.services import ServiceError
from plugins.stores_demo.models.development import StoresDemoVisit
from plugins.stores_demo.services import visits

from .dev_world import dev  # noqa: F401  (fixture)
from core import clock

TODAY = clock.today()
RECORD = dict(visited_on=TODAY.isoformat(), visited_time="10:30", place="客户家中", method="face_to_face",
              key_points="想为太太挑周年礼物", customer_views="偏爱铂金")


def test_the_steps_go_in_order_and_the_gift_follows_the_account_kind(dev):
    with dev.db.session() as s:
        v = dev.visit(s, upto="planned")
        assert v.gift in ("珍珠吊坠样品与资料袋", "Pearl pendant sample and brochure bag")
        u = dev.user(s, "dev1")
        with pytest.raises(ServiceError, match="discussion|讨论"):
            visits.apply(s, v, u)
        with pytest.raises(ServiceError):
            visits.record_visit(s, v, u, **RECORD, next_visit_on=(TODAY + timedelta(days=9)).isoformat())
        visits.record_discussion(s, v, u, "建议带小礼品")
        visits.apply(s, v, u)
        with pytest.raises(ServiceError):  # a developer cannot approve
            visits.approve(s, v, u, "500")
        visits.approve(s, v, dev.user(s, "mgr"), "500")
        assert (v.status, str(v.approved_funds)) == ("approved", "500.00")


def test_a_visit_record_without_the_next_visit_date_is_refused(dev, client):
    with dev.db.session() as s:
        vid = dev.visit(s, upto="approved").id
    client.login("sd_dev1")
    resp = client.post_form(f"/stores_demo/visits/{vid}/record", RECORD, follow_redirects=True)
    assert resp.status_code == 200
    assert "请与客户约定下次拜访日期并填写。" in resp.get_data(as_text=True)
    with dev.db.session() as s:
        v = s.get(StoresDemoVisit, vid)
        assert (v.status, v.visited_at, v.key_points) == ("approved", None, None)
    client.post_form(f"/stores_demo/visits/{vid}/record",
                     {**RECORD, "next_visit_on": (TODAY + timedelta(days=10)).isoformat()})
    with dev.db.session() as s:
        v = s.get(StoresDemoVisit, vid)
        assert v.status == "visited"
        assert v.visited_at == datetime(TODAY.year, TODAY.month, TODAY.day, 10, 30)
        assert v.follow_up_due == TODAY + timedelta(days=7)


def test_follow_up_overdue_after_seven_days_shows_on_the_overdue_list(dev, client):
    with dev.db.session() as s:
        v = dev.visit(s, upto="visited")
        v.follow_up_due = TODAY - timedelta(days=2)  # visited nine days ago
        on_time = dev.visit(s, upto="visited")
        s.flush()
        vid, ok_id = v.id, on_time.id
    client.login("sd_mgr")
    page = client.get("/stores_demo/visits/overdue").get_data(as_text=True)
    assert f"/stores_demo/visits/{vid}\"" in page and f"/stores_demo/visits/{ok_id}\"" not in page
    # the reminder on the visits page lists the one still due
    assert f"/stores_demo/visits/{ok_id}\"" in client.get("/stores_demo/visits").get_data(as_text=True)
    client.login("sd_dev1")
    client.post_form(f"/stores_demo/visits/{vid}/follow-up", {"note": "电话回访，客户满意"})
    client.login("sd_mgr")
    assert f"/stores_demo/visits/{vid}\"" not in client.get("/stores_demo/visits/overdue").get_data(as_text=True)


def test_summary_closes_the_visit(dev):
    with dev.db.session() as s:
        v = dev.visit(s)
        assert v.status == "summarised" and v.summary
        with pytest.raises(ServiceError):
            visits.follow_up(s, v, dev.user(s, "dev1"), "再次回访")


@pytest.mark.parametrize("path", ["", "/discussion", "/apply", "/record", "/follow-up", "/summary",
                                  "/approve", "/reject"])
def test_someone_elses_visit_is_not_found(dev, client, path):
    with dev.db.session() as s:
        vid = dev.visit(s, account="b", owner="dev2", upto="approved").id
    client.login("sd_dev1")
    if path:
        assert client.post_form(f"/stores_demo/visits/{vid}{path}", {"notes": "x"}).status_code in (403, 404)
    else:
        assert client.get(f"/stores_demo/visits/{vid}").status_code == 404


def test_pages_work_for_developer_and_manager(dev, client):
    with dev.db.session() as s:
        vid = dev.visit(s, upto="applied").id
    client.login("sd_dev1")
    assert client.get("/stores_demo/visits").status_code == 200
    resp = client.post_form("/stores_demo/visits/new", {
        "customer_id": dev.accounts["a"], "planned_on": TODAY.isoformat(), "purpose": "送新品画册",
        "people": "张三", "head_count": "1", "transport": "taxi", "budget": "100"})
    assert resp.status_code == 303
    client.login("sd_mgr")
    page = client.get(f"/stores_demo/visits/{vid}").get_data(as_text=True)
    assert "/approve" in page
    client.post_form(f"/stores_demo/visits/{vid}/approve", {"funds": "600"})
    with dev.db.session() as s:
        assert s.get(StoresDemoVisit, vid).status == "approved"


def test_home_page_reminds_of_follow_ups_and_approvals(dev, client):
    with dev.db.session() as s:
        v = dev.visit(s, upto="visited")
        v.follow_up_due = TODAY - timedelta(days=1)
        dev.visit(s, upto="visited")
        dev.visit(s, upto="applied")
    client.login("sd_dev1")
    page = re.sub(r"\s+", "", client.get("/").get_data(as_text=True))
    assert "本周待回访</a>:<strong>1</strong>" in page
    assert "逾期未回访</a>:<strongclass=\"tagerr\">1</strong>" in page
    assert "待审批拜访" not in page
    client.login("sd_mgr")
    page = re.sub(r"\s+", "", client.get("/").get_data(as_text=True))
    assert "待审批拜访</a>:<strong>1</strong>" in page
