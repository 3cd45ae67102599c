"""Follow-up tasks: my tasks with the overdue ones, mark done once, and
someone else's task answers 404."""
from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from core.models import AuditLog
from plugins.stores_demo.models import StoresDemoTask
from plugins.stores_demo.services import tasks as svc

from .followup_world import shop  # noqa: F401  (fixture)
from core import clock


def _task(shop, owner="sales1", days=-2, title="回访李女士") -> int:
    with shop.db.session() as s:
        t = svc.create_task(s, title=title, due_on=clock.today() + timedelta(days=days),
                            owner_id=shop.users[owner].id, org_unit_id=shop.store_id,
                            customer_id=shop.accounts["li"])
        return t.id


def test_my_tasks_lists_overdue_and_due_and_only_mine(client, shop):
    _task(shop, days=-2, title="回访李女士：钻戒尺寸")
    _task(shop, days=3, title="送生日卡")
    _task(shop, owner="sales2", days=0, title="别人的任务")
    client.login("dev1")
    html = client.get("/stores_demo/tasks").get_data(as_text=True)
    overdue, due = html.split('<h2>', 2)[1:]
    assert "回访李女士：钻戒尺寸" in overdue and "送生日卡" not in overdue
    assert "送生日卡" in due
    assert "别人的任务" not in html


def test_mark_done_once_and_audited(client, shop):
    tid = _task(shop)
    client.login("dev1")
    r = client.post_form(f"/stores_demo/tasks/{tid}/done", {"outcome": "已约周六到店"}, follow_redirects=True)
    assert "已约周六到店" not in r.get_data(as_text=True)  # gone from the open list
    with shop.db.session() as s:
        t = s.get(StoresDemoTask, tid)
        assert t.done and t.done_on == clock.today() and t.outcome == "已约周六到店"
        assert s.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.table_name == "stores_demo_task", AuditLog.record_id == str(tid),
            AuditLog.action == "update")) == 1
    again = client.post_form(f"/stores_demo/tasks/{tid}/done", {}, follow_redirects=True)
    assert "该任务已完成。" in again.get_data(as_text=True)


def test_someone_elses_task_is_404(client, shop):
    tid = _task(shop, owner="sales2")
    client.login("dev1")
    assert client.post_form(f"/stores_demo/tasks/{tid}/done", {}).status_code == 404
    assert client.post_form("/stores_demo/tasks/999999999/done", {}).status_code == 404
    with shop.db.session() as s:
        assert s.get(StoresDemoTask, tid).done is False


def test_mark_done_race_one_winner(shop, race):
    tid = _task(shop)

    def done(s):
        return svc.mark_done(s, tid, shop.user(s, "sales1"))

    results = race(done, done, done)
    assert sorted(type(r).__name__ for r in results) == ["ServiceError", "ServiceError", "int"]


def test_invalid_task_refused():
    import pytest

    from core.services import ServiceError

    with pytest.raises(ServiceError, match="Say what is to be done"):
        svc.clean_title("   ")


def test_home_widgets_show_tasks_and_anniversaries(client, shop):
    from plugins.stores_demo.services import anniversaries

    _task(shop, days=-1, title="回访：上周看过的项链")
    soon = clock.today() + timedelta(days=3)
    with shop.db.session() as s:
        anniversaries.add_date(s, shop.accounts["li"], kind="birthday", month=soon.month, day=soon.day)
        anniversaries.add_date(s, shop.accounts["zhao"], kind="birthday", month=soon.month, day=soon.day)
    client.login("dev1")
    home = client.get("/").get_data(as_text=True)
    assert "回访：上周看过的项链" in home
    assert "李女士" in home and "赵女士" not in home


# -- the team's tasks, for the manager ------------------------------------------
def test_team_tasks_show_colleagues_in_the_managers_unit_only(client, shop, make_user):
    _task(shop, owner="sales1", days=-3, title="回访李女士：钻戒尺寸")
    _task(shop, owner="sales1", days=0, title="送生日卡")
    _task(shop, owner="sales2", days=5, title="赵女士品鉴会邀请")
    done = _task(shop, owner="sales2", days=-1, title="已完成的回访")
    with shop.db.session() as s:
        svc.mark_done(s, done, shop.user(s, "mgr"))
        t = svc.create_task(s, title="北京店的任务", due_on=clock.today() - timedelta(days=9),
                            owner_id=shop.users["other_mgr"].id, org_unit_id=shop.other_id)
        s.commit()
    client.login("store_mgr1")
    assert 'href="/stores_demo/tasks/team"' in client.get("/stores_demo/tasks").get_data(as_text=True)
    html = client.get("/stores_demo/tasks/team").get_data(as_text=True)
    assert "团队任务" in html
    for title in ("回访李女士：钻戒尺寸", "送生日卡", "赵女士品鉴会邀请"):
        assert title in html
    assert "北京店的任务" not in html and "已完成的回访" not in html
    counts = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    # dev1: 2 open, 1 overdue, 1 due today, 0 done; dev2: 1 open, 0 overdue, 1 done this week
    row1 = counts.split("</tr>")[0]
    assert "dev1" in row1 and [int(n) for n in re.findall(r'>(\d+)<', row1)] == [1, 1, 2, 0]
    # one colleague's overdue tasks
    only = client.get(f"/stores_demo/tasks/team?owner={shop.users['sales1'].id}&overdue=1").get_data(as_text=True)
    lists = only.split("<h2>", 1)[1]
    assert "回访李女士：钻戒尺寸" in lists and "送生日卡" not in lists
    assert t.id


def test_team_tasks_are_not_for_a_salesperson(client, shop):
    client.login("dev1")
    assert 'href="/stores_demo/tasks/team"' not in client.get("/stores_demo/tasks").get_data(as_text=True)
    assert client.get("/stores_demo/tasks/team").status_code in (403, 404)
