"""Maturity reminders: the holdings maturing in the next days, exact sums per
week, one call task each, the call's outcome logged once, scope by manager."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.models import AuditLog
from plugins.banking_rm.models import BankCareTask
from plugins.banking_rm.services import maturities as mat

from .care_helpers import Branch
from core import clock


@pytest.fixture
def branch(app, make_user, make_org):
    return Branch.build(app, make_user, make_org)


def _setup(branch):
    today = clock.today()
    a = branch.customer("王芳", "rm1")
    b = branch.customer("李强", "rm2")
    branch.holding(a, "100000.00", today + timedelta(days=2))
    branch.holding(a, "50000.50", today + timedelta(days=6), kind="wealth", name="稳盈90天", yield_rate="0.031")
    branch.holding(b, "20000.25", today + timedelta(days=5))
    branch.holding(b, "99999.00", today + timedelta(days=40))   # outside 30 days
    branch.holding(a, "77777.00", today - timedelta(days=1))    # already matured
    return a, b


def test_maturing_sum_and_weeks_are_exact(app, branch, db):
    _setup(branch)
    today = clock.today()
    head = db.get(type(branch.users["head"]), branch.users["head"].id)
    n, total = mat.total(db, head, today, 30)
    assert (n, total) == (3, Decimal("170000.75"))
    weeks = mat.by_week(db, head, today, 30)
    assert sum(w["amount"] for w in weeks) == Decimal("170000.75")
    assert sum(w["count"] for w in weeks) == 3
    rm1 = db.get(type(head), branch.users["rm1"].id)
    assert mat.total(db, rm1, today, 30) == (2, Decimal("150000.50"))
    assert mat.total(db, head, today, 30, manager_id=branch.users["rm2"].id) == (1, Decimal("20000.25"))


def test_page_shows_totals_and_manager_sees_only_own(app, branch, client):
    _setup(branch)
    client.login("head")
    html = client.get("/banking_rm/maturities?days=30").get_data(as_text=True)
    assert "170,000.75" in html and "王芳" in html and "李强" in html
    assert "13912345678" not in html  # the mobile is masked
    # customers link to the branch's client page, which every branch role may open
    # (the customers plugin's page answered 403 to the lobby manager)
    a_id = html.split("/banking_rm/clients/")[1].split('"')[0]
    assert "/customers/" not in html.split("<main")[-1]
    assert client.get(f"/banking_rm/clients/{a_id}").status_code == 200
    client.login("rm1")
    html = client.get("/banking_rm/maturities?days=30").get_data(as_text=True)
    assert "150,000.50" in html and "李强" not in html


def test_call_tasks_made_once_and_outcome_logged_once(app, branch, client, db):
    a, _b = _setup(branch)
    client.login("rm1")
    assert client.post_form("/banking_rm/maturities/tasks", {"days": "7"}).status_code == 303
    client.post_form("/banking_rm/maturities/tasks", {"days": "7"})
    tasks = db.execute(select(BankCareTask).order_by(BankCareTask.due_on)).scalars().all()
    assert len(tasks) == 2  # rm1 makes tasks for their own customers only, once
    assert {t.user_id for t in tasks} == {branch.users["rm1"].id}
    t = tasks[0]
    r = client.post_form(f"/banking_rm/care/tasks/{t.id}/call", {"outcome": "renewed", "note": "续存一年"},
                         follow_redirects=True)
    assert "Call logged" in r.get_data(as_text=True) or "已记录" in r.get_data(as_text=True)
    r = client.post_form(f"/banking_rm/care/tasks/{t.id}/call", {"outcome": "withdrawn"}, follow_redirects=True)
    db.rollback()
    assert db.get(BankCareTask, t.id).outcome == "renewed"
    assert db.scalar(select(func.count(AuditLog.id)).where(AuditLog.table_name == "banking_rm_care_task",
                                                           AuditLog.action == "update")) == 1


def test_bad_outcome_refused_and_other_managers_task_404(app, branch, client, db):
    _setup(branch)
    client.login("head")
    client.post_form("/banking_rm/maturities/tasks", {"days": "7"})
    rm2_task = db.scalar(select(BankCareTask.id).where(BankCareTask.user_id == branch.users["rm2"].id))
    rm1_task = db.scalar(select(BankCareTask.id).where(BankCareTask.user_id == branch.users["rm1"].id))
    client.login("rm1")
    assert client.post_form(f"/banking_rm/care/tasks/{rm2_task}/call", {"outcome": "renewed"}).status_code == 404
    r = client.post_form(f"/banking_rm/care/tasks/{rm1_task}/call", {"outcome": "lost"}, follow_redirects=True)
    assert r.status_code == 200
    db.rollback()
    assert db.get(BankCareTask, rm1_task).status == "open"


# -- yield watch -------------------------------------------------------------------
def test_yield_alerts_below_floor_or_expected(app, branch, client, db):
    a = branch.customer("王芳", "rm1")
    b = branch.customer("李强", "rm2")
    low = branch.holding(a, "10000", None, kind="wealth", name="稳盈低息", yield_rate="0.0150")
    ok = branch.holding(a, "10000", None, kind="fund", name="成长基金", yield_rate="0.0300")
    other = branch.holding(b, "10000", None, kind="fund", name="李的基金", yield_rate="0.0100")
    branch.holding(a, "10000", None, kind="term_deposit", name="定期低息", yield_rate="0.0100")
    client.login("rm1")
    html = client.get("/banking_rm/yields").get_data(as_text=True)
    assert "稳盈低息" in html and "成长基金" not in html and "李的基金" not in html and "定期低息" not in html
    # the customer was told to expect 3.5 %: the fund at 3 % is now an alert
    r = client.post_form(f"/banking_rm/holdings/{ok}/watch", {"expected": "3.5"}, follow_redirects=True)
    assert "成长基金" in r.get_data(as_text=True)
    # its own floor lower than its yield and no expectation: not an alert
    client.post_form(f"/banking_rm/holdings/{low}/watch", {"floor": "1.0"})
    html = client.get("/banking_rm/yields").get_data(as_text=True)
    assert "稳盈低息" not in html
    r = client.post_form(f"/banking_rm/holdings/{ok}/watch", {"expected": "abc"}, follow_redirects=True)
    assert "must be a number" in r.get_data(as_text=True) or "必须是数字" in r.get_data(as_text=True)
    assert client.post_form(f"/banking_rm/holdings/{other}/watch", {"floor": "2"}).status_code == 404


def test_home_widget_counts_maturities_and_care(app, branch, client):
    today = clock.today()
    a = branch.customer("王芳", "rm1", birthday=date(1980, (today + timedelta(days=2)).month,
                                                   min((today + timedelta(days=2)).day, 28)))
    branch.holding(a, "12345.67", today + timedelta(days=3))
    client.login("rm1")
    html = client.get("/").get_data(as_text=True)
    assert "12,345.67" in html
    assert "/banking_rm/maturities" in html and "/banking_rm/care" in html
    assert client.get("/banking_rm/static/banking_rm/care.css").status_code == 200
