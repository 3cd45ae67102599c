"""Receptions: staffing rules (dining out needs a senior leader), approval,
the report with the buying experience, someone else's reception → 404."""
from __future__ import annotations

import pytest

from core.services import ServiceError
from plugins.stores_demo.models.development import StoresDemoReception
from plugins.stores_demo.services import receptions

from .dev_world import dev  # noqa: F401  (fixture)


def _plan(dev, s, r, **extra):
    return receptions.plan_reception(s, r, dev.user(s, "dev1"), host_id=dev.users["mgr"].id,
                                     main_seller_id=dev.users["dev1"].id,
                                     clerk_id=dev.users["clerk"].id, budget="600", **extra)


def test_dining_out_without_a_senior_leader_is_refused(dev, client):
    with dev.db.session() as s:
        rid = dev.reception(s, upto="requested").id
    client.login("sd_dev1")
    form = {"host_id": dev.users["mgr"].id, "main_seller_id": dev.users["dev1"].id,
            "clerk_id": dev.users["clerk"].id, "dining_out": "1", "budget": "1200"}
    page = client.post_form(f"/stores_demo/receptions/{rid}/plan", form,
                            follow_redirects=True).get_data(as_text=True)
    assert "外出就餐须由公司重要领导陪同" in page
    # a clerk is no senior leader either
    client.post_form(f"/stores_demo/receptions/{rid}/plan", {**form, "senior_leader_id": dev.users["clerk"].id})
    with dev.db.session() as s:
        r = s.get(StoresDemoReception, rid)
        assert (r.status, r.dining_out, r.host_id) == ("requested", False, None)
    client.post_form(f"/stores_demo/receptions/{rid}/plan", {**form, "senior_leader_id": dev.users["mgr_b"].id})
    with dev.db.session() as s:
        r = s.get(StoresDemoReception, rid)
        assert (r.status, r.dining_out, r.senior_leader_id) == ("planned", True, dev.users["mgr_b"].id)


def test_the_plan_needs_host_main_seller_and_clerk(dev):
    with dev.db.session() as s:
        r = dev.reception(s, upto="requested")
        with pytest.raises(ServiceError, match="Clerk|内勤"):
            receptions.plan_reception(s, r, dev.user(s, "dev1"), host_id=dev.users["mgr"].id,
                                      main_seller_id=dev.users["dev1"].id, clerk_id="")


def test_the_flow_ends_with_the_report(dev):
    with dev.db.session() as s:
        r = dev.reception(s, upto="requested")
        u = dev.user(s, "dev1")
        with pytest.raises(ServiceError):
            receptions.approve(s, r, dev.user(s, "mgr"))  # nothing planned yet
        _plan(dev, s, r)
        with pytest.raises(ServiceError):
            receptions.approve(s, r, u)  # a developer cannot approve
        receptions.approve(s, r, dev.user(s, "mgr"))
        with pytest.raises(ServiceError):
            receptions.report(s, r, u, buying_experience="好", outcome="成交")  # not received yet
        receptions.record_reception(s, r, u)
        with pytest.raises(ServiceError):
            receptions.report(s, r, u, buying_experience="", outcome="成交")
        receptions.report(s, r, u, buying_experience="品鉴前的沟通让客户放心", outcome="预订定制钻戒")
        assert r.status == "reported" and r.room


@pytest.mark.parametrize("path", ["", "/plan", "/approve", "/reject", "/received", "/report"])
def test_someone_elses_reception_is_not_found(dev, client, path):
    with dev.db.session() as s:
        rid = dev.reception(s, account="b", owner="dev2", upto="planned").id
    client.login("sd_dev1")
    if path:
        assert client.post_form(f"/stores_demo/receptions/{rid}{path}", {}).status_code in (403, 404)
    else:
        assert client.get(f"/stores_demo/receptions/{rid}").status_code == 404


def test_pages(dev, client):
    with dev.db.session() as s:
        rid = dev.reception(s, upto="planned").id
    client.login("sd_dev1")
    assert client.get("/stores_demo/receptions").status_code == 200
    assert client.post_form("/stores_demo/receptions/new", {
        "customer_id": dev.accounts["a"], "visit_on": "2026-12-20", "visit_time": "15:00",
        "head_count": "2", "needs": "看翡翠"}).status_code == 303
    client.login("sd_mgr")
    assert "/approve" in client.get(f"/stores_demo/receptions/{rid}").get_data(as_text=True)
    client.post_form(f"/stores_demo/receptions/{rid}/approve")
    with dev.db.session() as s:
        assert s.get(StoresDemoReception, rid).status == "approved"
