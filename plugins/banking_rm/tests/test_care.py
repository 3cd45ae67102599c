"""The care calendar: birthdays and special dates in the next days, across the
year's end and 29 February, greeting tasks made once and done once."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.models import User
from plugins.banking_rm.models import BankCareTask
from plugins.banking_rm.services import calendar as care

from .care_helpers import Branch
from core import clock


@pytest.fixture
def branch(app, make_user, make_org):
    return Branch.build(app, make_user, make_org)


def _names(db, user, today, days):
    return [(e["name"], e["when"]) for e in care.upcoming(db, user, today, days)]


def test_calendar_across_year_end(app, branch, db):
    branch.customer("元旦前", "rm1", birthday=date(1980, 12, 25))
    branch.customer("元旦后", "rm1", birthday=date(1975, 1, 10))
    branch.customer("太远", "rm1", birthday=date(1990, 1, 25))
    branch.customer("已过", "rm1", birthday=date(1990, 12, 10))
    head = db.get(User, branch.users["head"].id)
    got = _names(db, head, date(2026, 12, 20), 30)
    assert got == [("元旦前", date(2026, 12, 25)), ("元旦后", date(2027, 1, 10))]
    # the window's last day is included
    assert ("太远", date(2027, 1, 25)) in _names(db, head, date(2026, 12, 26), 30)


def test_feb_29_birthday_is_greeted_on_the_28th_in_a_common_year(app, branch, db):
    branch.customer("闰日", "rm1", birthday=date(1988, 2, 29))
    head = db.get(User, branch.users["head"].id)
    assert _names(db, head, date(2027, 1, 29), 30) == [("闰日", date(2027, 2, 28))]
    assert _names(db, head, date(2027, 1, 20), 7) == []
    assert _names(db, head, date(2028, 2, 1), 30) == [("闰日", date(2028, 2, 29))]
    assert _names(db, head, date(2028, 2, 28), 1) == [("闰日", date(2028, 2, 29))]


def test_special_dates_and_greeting_tasks_once(app, branch, client, db):
    today = clock.today()
    soon = today + timedelta(days=3)
    a = branch.customer("王芳", "rm1", birthday=date(1980, soon.month, min(soon.day, 28)))
    branch.customer("李强", "rm2", birthday=date(1980, soon.month, min(soon.day, 28)))
    client.login("rm1")
    wedding = date(2010, soon.month, min(soon.day, 28))
    r = client.post_form("/banking_rm/care/dates", {"customer_id": a, "label": "结婚纪念日",
                                                    "on": wedding.isoformat()}, follow_redirects=True)
    assert r.status_code == 200
    html = client.get("/banking_rm/care").get_data(as_text=True)
    assert "结婚纪念日" in html and "王芳" in html and "李强" not in html
    client.post_form("/banking_rm/care/tasks", {})
    client.post_form("/banking_rm/care/tasks", {})
    tasks = db.execute(select(BankCareTask)).scalars().all()
    assert sorted(t.kind for t in tasks) == ["birthday", "date"]
    r = client.post_form(f"/banking_rm/care/tasks/{tasks[0].id}/done", {"note": "已发短信"})
    assert r.status_code == 303
    r = client.post_form(f"/banking_rm/care/tasks/{tasks[0].id}/done", {}, follow_redirects=True)
    assert "already done" in r.get_data(as_text=True) or "已完成" in r.get_data(as_text=True)


def test_bad_special_date_refused_and_other_customer_404(app, branch, client, db):
    a = branch.customer("王芳", "rm1")
    b = branch.customer("李强", "rm2")
    client.login("rm1")
    r = client.post_form("/banking_rm/care/dates", {"customer_id": a, "label": "结婚", "on": "2010-13-40"},
                         follow_redirects=True)
    assert "YYYY-MM-DD" in r.get_data(as_text=True)
    r = client.post_form("/banking_rm/care/dates", {"customer_id": a, "label": "", "on": "2010-01-02"},
                         follow_redirects=True)
    assert "required" in r.get_data(as_text=True) or "必填" in r.get_data(as_text=True)
    assert client.post_form("/banking_rm/care/dates", {"customer_id": b, "label": "x",
                                                       "on": "2010-01-02"}).status_code == 404


# -- check-ups ------------------------------------------------------------------------
def test_checkup_overdue_by_matrix_cell(app, branch, client, db):
    from plugins.banking_rm.models import BankCheckup
    from plugins.banking_rm.services import checkups

    rich = branch.customer("高净值", "rm1", potential="high")
    branch.holding(rich, "600000.00", None, kind="deposit")
    small = branch.customer("普通客户", "rm1")
    branch.holding(small, "1000.00", None, kind="deposit")
    four_months = checkups.months_back(clock.today(), 4)
    with branch.db.session() as s:
        for cid in (rich, small):
            s.add(BankCheckup(customer_id=cid, done_on=four_months, findings="x"))
    head = db.get(User, branch.users["head"].id)
    rows = db.execute(checkups.overdue(db, head, clock.today())).all()
    # every 3 months for the rich one: overdue; every 12 for the small one: not
    assert [(r.name, r.cell, r.aum) for r in rows] == [("高净值", "high_high", 600000)]
    client.login("rm1")
    html = client.get("/banking_rm/checkups").get_data(as_text=True)
    assert "高净值" in html
    r = client.post_form("/banking_rm/checkups/new", {"customer_id": rich, "done_on": clock.today().isoformat(),
                                                      "findings": "配置偏保守", "plan": "增配基金",
                                                      "follow_up_on": (clock.today() + timedelta(days=30)).isoformat()},
                         follow_redirects=True)
    assert "Check-up recorded" in r.get_data(as_text=True) or "已记录" in r.get_data(as_text=True)
    db.rollback()
    assert db.execute(checkups.overdue(db, head, clock.today())).all() == []
    assert db.scalar(select(BankCareTask.kind).where(BankCareTask.customer_id == rich)) == "checkup"
    r = client.post_form("/banking_rm/checkups/new", {"customer_id": rich, "done_on": clock.today().isoformat(),
                                                      "findings": "x", "follow_up_on": "2020-01-01"},
                         follow_redirects=True)
    assert "follow-up comes after" in r.get_data(as_text=True) or "回访" in r.get_data(as_text=True)


def test_demo_care_data_runs_on_a_few_customers(app, branch, db):
    from plugins.banking_rm.demo import load_care
    from plugins.banking_rm.models import BankApproval, BankGift, BankValuePlan
    from plugins.customers.api import Customer

    today = clock.today()
    ids = [branch.customer(f"客户{i}", "rm1" if i % 2 else "rm2",
                           birthday=date(1970 + i, (today + timedelta(days=i + 1)).month,
                                         min((today + timedelta(days=i + 1)).day, 28))) for i in range(6)]
    for i, cid in enumerate(ids):
        branch.holding(cid, f"{10000 * (i + 1)}", today + timedelta(days=i * 4 + 1))
        branch.holding(cid, "5000", None, kind="fund", yield_rate="0.0250", name="基金")
    with branch.db.session() as s:
        load_care(s, {}, [s.get(Customer, i) for i in ids])
    db.rollback()
    assert db.scalar(select(func.count(BankCareTask.id)).where(BankCareTask.kind == "maturity")) == 6
    assert db.scalar(select(func.count(BankValuePlan.id))) == 6
    assert db.scalar(select(func.count(BankGift.id))) > 0
    assert db.scalar(select(func.count(BankApproval.id))) == 6


@pytest.mark.parametrize("role", ["br_head", "br_wealth", "br_lobby", "br_teller", "auditor"])
def test_every_care_page_opens_for_every_branch_role(app, branch, client, make_user, role):
    a = branch.customer("王芳", "rm1", birthday=clock.today() + timedelta(days=1) - timedelta(days=365 * 40))
    branch.holding(a, "1000", clock.today() + timedelta(days=3), kind="wealth", yield_rate="0.01")
    make_user("someone", role, org_code="BR1")
    client.login("someone")
    for path in ("/banking_rm/maturities", "/banking_rm/yields", "/banking_rm/yields?all=1", "/banking_rm/care",
                 "/banking_rm/checkups", "/banking_rm/plans", "/banking_rm/plans?status=all", "/banking_rm/gifts",
                 "/banking_rm/approvals", "/banking_rm/approvals?status=all", "/banking_rm/maturities?days=x",
                 "/"):
        assert client.get(path).status_code == 200, path
