"""Walk-ins: captured from the shop floor, each gives its seller a
follow-up task; the list shows the ones not followed up; bad input is
refused with a message and nothing saved."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from plugins.stores_demo.models import StoresDemoTask, StoresDemoWalkin

from .followup_world import shop  # noqa: F401  (fixture)
from core import clock


def _capture(client, **kw):
    data = {"name": "王女士", "mobile": "139 1234 5678", "interest": "wedding", "budget_band": "b3"}
    data.update(kw)
    return client.post_form("/stores_demo/walkins/new", data, follow_redirects=True)


def test_walkin_creates_a_task_for_the_seller(client, shop):
    client.login("dev1")
    r = _capture(client)
    assert r.status_code == 200
    with shop.db.session() as s:
        w = s.scalars(select(StoresDemoWalkin)).one()
        assert (w.name, w.mobile, w.owner_id) == ("王女士", "13912345678", shop.users["sales1"].id)
        t = s.scalars(select(StoresDemoTask).where(StoresDemoTask.walkin_id == w.id)).one()
        assert t.owner_id == shop.users["sales1"].id and t.source == "walkin" and not t.done
        assert t.due_on == clock.today() + timedelta(days=2)
    tasks = client.get("/stores_demo/tasks").get_data(as_text=True)
    assert "王女士" in tasks
    page = client.get("/stores_demo/walkins").get_data(as_text=True)
    assert "王女士" in page and "139****5678" in page and "13912345678" not in page


def test_followed_up_walkin_leaves_the_open_list(client, shop):
    client.login("dev1")
    _capture(client)
    _capture(client, name="陈先生", mobile="13700001111")
    with shop.db.session() as s:
        tid = s.scalar(select(StoresDemoTask.id).where(StoresDemoTask.title.contains("陈先生")))
    client.post_form(f"/stores_demo/tasks/{tid}/done", {"outcome": "周末到店"})
    open_list = client.get("/stores_demo/walkins").get_data(as_text=True)
    assert "王女士" in open_list and "陈先生" not in open_list
    assert "陈先生" in client.get("/stores_demo/walkins?show=all").get_data(as_text=True)


def test_walkins_of_another_seller_are_not_shown(client, shop):
    client.login("dev2")
    _capture(client, name="钱女士")
    client.login("dev1")
    assert "钱女士" not in client.get("/stores_demo/walkins?show=all").get_data(as_text=True)
    client.login("store_mgr1")
    assert "钱女士" in client.get("/stores_demo/walkins?show=all").get_data(as_text=True)


def test_bad_mobile_or_missing_name_is_refused(client, shop):
    client.login("dev1")
    r = _capture(client, mobile="12345")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "12345" in html
    assert "12345 不是有效的大陆手机号（以 1 开头的 11 位数字）。" in html
    r = _capture(client, name="  ")
    assert r.status_code == 200 and "请填写客户称呼" in r.get_data(as_text=True)
    r = _capture(client, interest="nonsense")
    assert r.status_code == 200
    with shop.db.session() as s:
        assert s.scalar(select(func.count()).select_from(StoresDemoWalkin)) == 0
        assert s.scalar(select(func.count()).select_from(StoresDemoTask)) == 0


def test_auditor_cannot_capture(client, shop, make_user):
    make_user("aud1", "auditor", org_code="HQ")
    client.login("aud1")
    assert client.post_form("/stores_demo/walkins/new", {"name": "x", "mobile": "13912345678",
                                                          "interest": "gift"}).status_code == 403
