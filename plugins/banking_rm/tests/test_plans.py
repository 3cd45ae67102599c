"""The customer value-improvement plan: written by the manager, reviewed by
the branch head (approve, or return with a comment), once."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from plugins.banking_rm.models import BankValuePlan
from plugins.banking_rm.services import plans as svc

from .care_helpers import Branch
from core import clock


@pytest.fixture
def branch(app, make_user, make_org):
    return Branch.build(app, make_user, make_org)


def _form(**kw):
    data = {"aum_target": "800000", "products": "基金, 保险", "goals": "提升至金卡",
            "due_on": (clock.today() + timedelta(days=90)).isoformat()}
    data.update(kw)
    return data


def test_plan_written_submitted_returned_and_approved(app, branch, client, db):
    a = branch.customer("王芳", "rm1")
    branch.holding(a, "300000", None, kind="deposit")
    client.login("rm1")
    r = client.post_form("/banking_rm/plans/new", _form(customer_id=a), follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "800,000.00" in html and "300,000.00" in html
    pid = db.scalar(select(BankValuePlan.id))
    client.post_form(f"/banking_rm/plans/{pid}/submit")
    client.login("head")
    assert "王芳" in client.get("/banking_rm/plans").get_data(as_text=True)
    r = client.post_form(f"/banking_rm/plans/{pid}/review", {"decision": "return"}, follow_redirects=True)
    assert "Say what to change" in r.get_data(as_text=True) or "说明" in r.get_data(as_text=True)
    client.post_form(f"/banking_rm/plans/{pid}/review", {"decision": "return", "comment": "目标偏低"})
    db.rollback()
    assert (db.get(BankValuePlan, pid).status, db.get(BankValuePlan, pid).review_comment) == ("returned", "目标偏低")
    client.login("rm1")
    client.post_form(f"/banking_rm/plans/{pid}/edit", _form(aum_target="1000000"))
    client.post_form(f"/banking_rm/plans/{pid}/submit")
    client.login("head")
    client.post_form(f"/banking_rm/plans/{pid}/review", {"decision": "approve"})
    r = client.post_form(f"/banking_rm/plans/{pid}/review", {"decision": "return", "comment": "x"},
                         follow_redirects=True)
    assert "not waiting for a review" in r.get_data(as_text=True) or "审" in r.get_data(as_text=True)
    db.rollback()
    p = db.get(BankValuePlan, pid)
    assert (p.status, str(p.aum_target)) == ("approved", "1000000.00")


def test_someone_elses_plan_404_and_manager_cannot_review(app, branch, client, db):
    b = branch.customer("李强", "rm2")
    client.login("rm2")
    client.post_form("/banking_rm/plans/new", _form(customer_id=b))
    pid = db.scalar(select(BankValuePlan.id))
    client.post_form(f"/banking_rm/plans/{pid}/submit")
    client.login("rm1")
    assert client.get(f"/banking_rm/plans/{pid}").status_code == 404
    assert client.post_form(f"/banking_rm/plans/{pid}/edit", _form()).status_code == 404
    assert client.post_form(f"/banking_rm/plans/{pid}/review", {"decision": "approve"}).status_code == 403


def test_invalid_plan_refused_with_message(app, branch, client, db):
    a = branch.customer("王芳", "rm1")
    client.login("rm1")
    r = client.post_form("/banking_rm/plans/new", _form(customer_id=a, aum_target="-5"), follow_redirects=True)
    assert "more than zero" in r.get_data(as_text=True) or "大于零" in r.get_data(as_text=True)
    r = client.post_form("/banking_rm/plans/new", _form(customer_id=a, due_on="2020-01-01"), follow_redirects=True)
    assert r.status_code == 200
    assert db.scalar(select(BankValuePlan.id)) is None


def test_two_reviews_at_once_one_wins(app, branch, race, db, make_user):
    from core.models import User
    from plugins.customers.api import Customer

    a = branch.customer("王芳", "rm1")
    other_head = make_user("head2", "br_head", org_unit=None)
    with branch.db.session() as s:
        p = svc.create(s, s.get(Customer, a),
            s.get(User, branch.users["rm1"].id), aum_target="500000", goals="x",
            due_on=clock.today() + timedelta(days=30))
        svc.submit(s, p, None)
        pid = p.id

    def approve(s):
        return svc.review(s, s.get(BankValuePlan, pid), s.get(User, branch.users["head"].id), decision="approve")

    def ret(s):
        return svc.review(s, s.get(BankValuePlan, pid), s.get(User, other_head.id), decision="return",
                          comment="再议")

    results = race(approve, ret)
    assert sum(isinstance(r, str) for r in results) == 1, results
    db.rollback()
    assert db.get(BankValuePlan, pid).status in ("approved", "returned")
