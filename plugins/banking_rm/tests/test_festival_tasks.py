"""Festival greetings (seed 004: 节日祝福): one care task per customer for a
festival, assigned to the customer's manager, made once — a second run, or
two at the same moment, adds nothing (SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.models import User
from core.services import ServiceError
from plugins.banking_rm.models import BankCareTask
from plugins.banking_rm.services import calendar as care
from plugins.customers import api as customers

from .care_helpers import Branch
from core import clock

TODAY = date(2027, 2, 1)          # the Spring Festival 2027 falls on 6 February
SPRING = date(2027, 2, 6)


@pytest.fixture
def branch(app, make_user, make_org):
    b = Branch.build(app, make_user, make_org)
    b.ids = {"王建国": b.customer("王建国", "rm1"), "李秀英": b.customer("李秀英", "rm1"),
             "张伟": b.customer("张伟", "rm2")}
    other = make_org("BR9", "南京鼓楼支行", "office")
    far = make_user("far", "br_wealth", org_unit=other)
    with b.db.session() as s:  # another branch's customer: never greeted from here
        c = customers.create_customer(s, name="赵敏", kind="retail", org_unit_id=other.id, owner_id=far.id)
        c.status = customers.ACTIVE
        from plugins.banking_rm.models import BankRetailProfile
        s.flush()
        s.add(BankRetailProfile(customer_id=c.id))
    return b


def _tasks(branch) -> list[tuple[str, str, str]]:
    with branch.db.session() as s:
        rows = s.execute(select(BankCareTask.title, User.username, BankCareTask.ref)
                         .join(User, User.id == BankCareTask.user_id)
                         .where(BankCareTask.kind == "festival").order_by(BankCareTask.title)).all()
        return [tuple(r) for r in rows]


def _make(branch, who: str, key="spring", on=SPRING, today=TODAY):
    with branch.db.session() as s:
        return care.make_festival_tasks(s, s.get(User, branch.users[who].id), key, on, today, 30)


def test_festival_tasks_once_per_customer_for_their_manager(branch):
    assert _make(branch, "head") == 3
    tasks = _tasks(branch)
    assert {ref for _t, _u, ref in tasks} == {"festival:spring"}
    # each customer's task goes to that customer's manager
    assert sorted((next(n for n in branch.ids if n in t), u) for t, u, _r in tasks) == [
        ("张伟", "rm2"), ("李秀英", "rm1"), ("王建国", "rm1")]
    assert sorted(u for _t, u, _r in tasks) == ["rm1", "rm1", "rm2"]
    assert all(any(n in t for n in ("王建国", "李秀英", "张伟")) for t, _u, _r in tasks)
    assert not any("赵敏" in t for t, _u, _r in tasks)
    with branch.db.session() as s:
        assert s.scalar(select(func.count()).select_from(BankCareTask)
                        .where(BankCareTask.due_on == SPRING)) == 3
    # again: nothing new; a wealth manager's own run adds nothing either
    assert _make(branch, "head") == 0
    assert _make(branch, "rm1") == 0
    assert len(_tasks(branch)) == 3
    # the overview counts them for the head; a manager sees their own
    with branch.db.session() as s:
        ov = care.festival_overview(s, s.get(User, branch.users["head"].id), TODAY, 30)
        assert [(f["key"], f["made"], f["done"]) for f in ov] == [("spring", 3, 0), ("lantern", 0, 0)]
        ov = care.festival_overview(s, s.get(User, branch.users["rm2"].id), TODAY, 30)
        assert ov[0]["made"] == 1


def test_festival_tasks_refuse_an_unknown_or_far_festival(branch):
    for key, on in (("spring", date(2027, 2, 7)), ("halloween", SPRING), ("national", date(2027, 10, 1)),
                    ("spring", "not a date")):
        with pytest.raises(ServiceError):
            _make(branch, "head", key, on)
    assert _tasks(branch) == []


def test_two_runs_at_the_same_moment_make_each_task_once(branch, race):
    def work(who):
        def go(s):
            return care.make_festival_tasks(s, s.get(User, branch.users[who].id), "spring", SPRING, TODAY, 30)
        return go

    results = race(work("head"), work("head"), work("rm1"))
    assert not any(isinstance(r, Exception) for r in results), results
    assert sum(results) == 3
    assert sorted(u for _t, u, _r in _tasks(branch)) == ["rm1", "rm1", "rm2"]


def test_head_makes_festival_tasks_from_the_calendar_page(branch, client):
    days = care.festival_days(clock.today(), 90)
    if not days:
        pytest.skip("no festival in the next 90 days of the table")
    on, key = days[0]
    client.login("head")
    page = client.get("/banking_rm/care?days=90").get_data(as_text=True)
    assert 'name="festival"' in page and f'value="{key}"' in page
    form = {"festival": key, "on": on.isoformat(), "days": "90"}
    page = client.post_form("/banking_rm/care/festivals", form, follow_redirects=True).get_data(as_text=True)
    assert "3 festival greeting tasks made" in page or "已为 3 位客户" in page
    page = client.post_form("/banking_rm/care/festivals", form, follow_redirects=True).get_data(as_text=True)
    assert "already has a greeting task" in page or "都已有" in page
    assert len(_tasks(branch)) == 3
    # bad input: a message, nothing saved
    page = client.post_form("/banking_rm/care/festivals", {"festival": "x", "on": "2027-13-01", "days": "90"},
                            follow_redirects=True)
    assert page.status_code == 200 and len(_tasks(branch)) == 3
    # the manager sees their customers' tasks on the calendar and ticks one off
    client.login("rm2")
    page = client.get("/banking_rm/care?days=90").get_data(as_text=True)
    assert "张伟" in page and "王建国" not in page
    with branch.db.session() as s:
        tid = s.scalar(select(BankCareTask.id).where(BankCareTask.customer_id == branch.ids["张伟"]))
    client.post_form(f"/banking_rm/care/tasks/{tid}/done", {"note": "已发短信"})
    with branch.db.session() as s:
        assert s.get(BankCareTask, tid).status == "done"
    # someone else's task by id → 404
    with branch.db.session() as s:
        other = s.scalar(select(BankCareTask.id).where(BankCareTask.customer_id == branch.ids["王建国"]))
    assert client.post_form(f"/banking_rm/care/tasks/{other}/done", {}).status_code == 404
