"""Discount and expense requests by tier: up to the limit the wealth manager
approves, above it only the branch head (banking_rm.approve_above)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from plugins.banking_rm.models import BankApproval

from .care_helpers import Branch


@pytest.fixture
def branch(app, make_user, make_org):
    return Branch.build(app, make_user, make_org)


def _ask(client, customer, kind, value, subject="理财费率优惠"):
    return client.post_form("/banking_rm/approvals/new", {"customer_id": customer, "kind": kind, "value": value,
                                                          "subject": subject}, follow_redirects=True)


def test_tiers_manager_within_head_above(app, branch, client, db):
    a = branch.customer("王芳", "rm1")
    client.login("rm1")
    _ask(client, a, "discount", "2")
    _ask(client, a, "discount", "3.5")
    _ask(client, a, "expense", "10000")
    _ask(client, a, "expense", "10000.01")
    rows = {(r.kind, str(r.rate or r.amount)): r for r in db.execute(select(BankApproval)).scalars()}
    assert {k: r.level for k, r in rows.items()} == {
        ("discount", "2.0000"): "manager", ("discount", "3.5000"): "head",
        ("expense", "10000.00"): "manager", ("expense", "10000.01"): "head"}
    for r in rows.values():
        resp = client.post_form(f"/banking_rm/approvals/{r.id}/decide", {"decision": "approve"},
                                follow_redirects=True)
        if r.level == "head":
            html = resp.get_data(as_text=True)
            assert "Refused" in html and "branch head" in html or "拒绝" in html
    db.rollback()
    assert {r.level: r.status for r in db.execute(select(BankApproval)).scalars() if r.level == "head"} == {
        "head": "pending"}
    assert all(r.status == "approved" for r in db.execute(select(BankApproval)).scalars() if r.level == "manager")
    client.login("head")
    head_row = rows[("discount", "3.5000")]
    client.post_form(f"/banking_rm/approvals/{head_row.id}/decide", {"decision": "approve"})
    r = client.post_form(f"/banking_rm/approvals/{head_row.id}/decide", {"decision": "reject"},
                         follow_redirects=True)
    assert "already decided" in r.get_data(as_text=True) or "已" in r.get_data(as_text=True)
    db.rollback()
    assert db.get(BankApproval, head_row.id).status == "approved"


def test_invalid_request_refused_and_other_customer_404(app, branch, client, db):
    a = branch.customer("王芳", "rm1")
    b = branch.customer("李强", "rm2")
    client.login("rm1")
    html = _ask(client, a, "discount", "-1").get_data(as_text=True)
    assert "more than zero" in html or "大于零" in html
    html = _ask(client, a, "discount", "150").get_data(as_text=True)
    assert "at most 100" in html or "100" in html
    html = _ask(client, a, "bribe", "1").get_data(as_text=True)
    assert "discount or an expense" in html or "折扣" in html
    assert client.post_form("/banking_rm/approvals/new", {"customer_id": b, "kind": "expense", "value": "1",
                                                          "subject": "x"}).status_code == 404
    db.rollback()
    assert db.scalar(select(BankApproval.id)) is None
    client.login("rm2")
    _ask(client, b, "expense", "50")
    rid = db.scalar(select(BankApproval.id))
    client.login("rm1")
    assert client.post_form(f"/banking_rm/approvals/{rid}/decide", {"decision": "approve"}).status_code == 404
