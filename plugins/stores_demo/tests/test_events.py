"""Events: an invitation list drawn by a filter, replies, attendance, and
one follow-up task per attendee however often the button is pressed;
someone else's event answers 404; bad input is refused."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from plugins.stores_demo.declarations import KIND_HIGH_VALUE
from plugins.stores_demo.models import StoresDemoEvent, StoresDemoInvitation, StoresDemoTask
from plugins.stores_demo.services import events as svc

from .followup_world import shop  # noqa: F401  (fixture)
from core import clock


def _event(shop, who="planner", days=-1) -> int:
    with shop.db.session() as s:
        return svc.create_event(s, shop.user(s, who), kind="appraisal", title="秋季品鉴会",
                                held_on=clock.today() + timedelta(days=days), place="旗舰店二楼").id


def _invs(shop, eid):
    with shop.db.session() as s:
        return {c: i for i, c in s.execute(
            select(StoresDemoInvitation.id, StoresDemoInvitation.customer_id)
            .where(StoresDemoInvitation.event_id == eid))}


def _tasks(shop, eid):
    with shop.db.session() as s:
        return s.execute(select(StoresDemoTask.customer_id, StoresDemoTask.owner_id)
                         .where(StoresDemoTask.event_id == eid).order_by(StoresDemoTask.customer_id)).all()


def test_invite_by_filter_rsvp_attendance_and_followups_once(client, shop):
    client.login("planner1")
    r = client.post_form("/stores_demo/events/new", {"kind": "appraisal", "title": "秋季品鉴会",
                                                     "held_on": (clock.today() - timedelta(days=1)).isoformat(),
                                                     "place": "旗舰店二楼"})
    assert r.status_code == 303
    eid = int(r.headers["Location"].rstrip("/").split("/")[-1])
    # kind and grade: 李女士 and 赵女士 (high value, A); not 王先生 (important, B) nor the Beijing account
    client.post_form(f"/stores_demo/events/{eid}/invite", {"kind": KIND_HIGH_VALUE, "grade": "A"})
    invs = _invs(shop, eid)
    assert set(invs) == {shop.accounts["li"], shop.accounts["zhao"]}
    # the same filter again adds nobody, and says so
    again = client.post_form(f"/stores_demo/events/{eid}/invite", {"kind": KIND_HIGH_VALUE, "grade": "A"},
                             follow_redirects=True)
    assert len(_invs(shop, eid)) == 2 and again.status_code == 200
    # by owner: dev1's accounts adds 王先生
    client.post_form(f"/stores_demo/events/{eid}/invite", {"owner_id": shop.users["sales1"].id})
    invs = _invs(shop, eid)
    assert len(invs) == 3
    client.post_form(f"/stores_demo/events/{eid}/rsvp/{invs[shop.accounts['li']]}", {"rsvp": "yes"})
    client.post_form(f"/stores_demo/events/{eid}/rsvp/{invs[shop.accounts['zhao']]}", {"rsvp": "yes"})
    client.post_form(f"/stores_demo/events/{eid}/attendance",
                     {"attended": [invs[shop.accounts["li"]], invs[shop.accounts["zhao"]]]})
    page = client.get(f"/stores_demo/events/{eid}").get_data(as_text=True)
    assert "李女士" in page and "王先生" in page
    client.post_form(f"/stores_demo/events/{eid}/followups", {})
    client.post_form(f"/stores_demo/events/{eid}/followups", {})  # double submit
    assert _tasks(shop, eid) == sorted([(shop.accounts["li"], shop.users["sales1"].id),
                                        (shop.accounts["zhao"], shop.users["sales2"].id)])
    client.login("dev1")
    assert "秋季品鉴会" in client.get("/stores_demo/tasks").get_data(as_text=True)


def test_followups_race_creates_each_task_once(shop, race):
    eid = _event(shop)
    with shop.db.session() as s:
        ev = s.get(StoresDemoEvent, eid)
        svc.invite(s, ev, shop.user(s, "planner"), grade="A")
    with shop.db.session() as s:
        ev = s.get(StoresDemoEvent, eid)
        svc.record_attendance(s, ev, list(_invs(shop, eid).values()))

    def go(s):
        return svc.create_followups(s, s.get(StoresDemoEvent, eid), shop.user(s, "planner"))

    results = race(go, go, go)
    assert sorted(r for r in results if isinstance(r, int)) == [2]
    assert len(_tasks(shop, eid)) == 2


def test_someone_elses_event_is_404(client, shop):
    eid = _event(shop)
    inv_id = None
    with shop.db.session() as s:
        svc.invite(s, s.get(StoresDemoEvent, eid), shop.user(s, "planner"), grade="A")
        inv_id = s.scalar(select(StoresDemoInvitation.id).where(StoresDemoInvitation.event_id == eid).limit(1))
    client.login("bj_mgr")
    assert client.get(f"/stores_demo/events/{eid}").status_code == 404
    for url in (f"/stores_demo/events/{eid}/invite", f"/stores_demo/events/{eid}/attendance",
                f"/stores_demo/events/{eid}/followups", f"/stores_demo/events/{eid}/rsvp/{inv_id}"):
        assert client.post_form(url, {"rsvp": "yes", "grade": "A"}).status_code == 404, url
    with shop.db.session() as s:
        assert s.get(StoresDemoInvitation, inv_id).rsvp == "pending"


def test_bad_input_refused_with_a_message(client, shop):
    client.login("planner1")
    r = client.post_form("/stores_demo/events/new", {"kind": "appraisal", "title": " ", "held_on": "2026-13-01"})
    assert r.status_code == 200 and "请填写活动名称。" in r.get_data(as_text=True)
    r = client.post_form("/stores_demo/events/new", {"kind": "party", "title": "x", "held_on": "2026-12-01"})
    assert r.status_code == 200
    with shop.db.session() as s:
        assert s.scalar(select(func.count()).select_from(StoresDemoEvent)) == 0
    future = _event(shop, days=10)
    invs = None
    with shop.db.session() as s:
        svc.invite(s, s.get(StoresDemoEvent, future), shop.user(s, "planner"), grade="A")
    invs = list(_invs(shop, future).values())
    r = client.post_form(f"/stores_demo/events/{future}/attendance", {"attended": invs}, follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "活动尚未举行。" in html
    r = client.post_form(f"/stores_demo/events/{future}/rsvp/{invs[0]}", {"rsvp": "perhaps"}, follow_redirects=True)
    with shop.db.session() as s:
        assert s.get(StoresDemoInvitation, invs[0]).rsvp == "pending"
        assert s.scalar(select(func.count()).select_from(StoresDemoInvitation)
                        .where(StoresDemoInvitation.attended.is_(True))) == 0
    # a developer without the events permission may look but not change
    client.login("dev1")
    assert "秋季品鉴会" in client.get(f"/stores_demo/events/{future}").get_data(as_text=True)
    assert client.post_form(f"/stores_demo/events/{future}/followups", {}).status_code == 403
