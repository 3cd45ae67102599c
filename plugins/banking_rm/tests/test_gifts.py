"""Gifts within a yearly per-customer ceiling: over it is refused with the
reason, and two gifts at once cannot both pass it (SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.models import User
from core.services import ServiceError
from plugins.banking_rm.models import BankGift
from plugins.banking_rm.services import gifts as svc
from plugins.customers.api import Customer

from .care_helpers import Branch
from core import clock


@pytest.fixture
def branch(app, make_user, make_org):
    return Branch.build(app, make_user, make_org)


def test_gift_over_the_ceiling_refused(app, branch, client, db):
    a = branch.customer("王芳", "rm1")
    client.login("rm1")
    html = client.get("/banking_rm/gifts").get_data(as_text=True)
    assert "800.00" in html  # the rule is shown to every staff member
    r = client.post_form("/banking_rm/gifts/new", {"customer_id": a, "item": "茶具", "value": "600"},
                         follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "300.00" in html  # above 300 a gift needs the branch head
    client.login("head")
    r = client.post_form("/banking_rm/gifts/new", {"customer_id": a, "item": "茶具", "value": "600"},
                         follow_redirects=True)
    assert "Gift logged" in r.get_data(as_text=True) or "已登记" in r.get_data(as_text=True)
    r = client.post_form("/banking_rm/gifts/new", {"customer_id": a, "item": "月饼", "value": "200.01"},
                         follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "800.01" in html and "200.00" in html  # would come to 800.01; 200.00 left
    client.post_form("/banking_rm/gifts/new", {"customer_id": a, "item": "月饼", "value": "200.00"})
    db.rollback()
    assert db.scalar(select(func.sum(BankGift.value))) == Decimal("800.00")


def test_invalid_gift_refused_and_other_customer_404(app, branch, client, db):
    a = branch.customer("王芳", "rm1")
    b = branch.customer("李强", "rm2")
    client.login("rm1")
    for value in ("-5", "0", "abc", ""):
        r = client.post_form("/banking_rm/gifts/new", {"customer_id": a, "item": "伞", "value": value},
                             follow_redirects=True)
        assert r.status_code == 200
    assert client.post_form("/banking_rm/gifts/new", {"customer_id": b, "item": "伞",
                                                      "value": "10"}).status_code == 404
    db.rollback()
    assert db.scalar(select(func.count(BankGift.id))) == 0


def test_two_gifts_at_once_cannot_both_pass_the_ceiling(app, branch, race, db):
    a = branch.customer("王芳", "rm1")
    with branch.db.session() as s:
        svc.give(s, s.get(Customer, a), s.get(User, branch.users["head"].id), item="茶具", value="500")
    for _round in range(3):
        def give(user_key):
            def work(s):
                return svc.give(s, s.get(Customer, a), s.get(User, branch.users[user_key].id),
                                item="礼盒", value="300").id
            return work

        results = race(give("rm1"), give("head"))
        refused = [r for r in results if isinstance(r, ServiceError)]
        # the first round: one of the two fits (500 + 300), the other is refused; then both are
        assert len(refused) == (1 if _round == 0 else 2), results
        assert all("ceiling" in str(r) for r in refused)
        with branch.db.session() as s:
            assert svc.year_total(s, a, clock.today().year) <= Decimal("800.00")
    with branch.db.session() as s:
        assert svc.year_total(s, a, clock.today().year) == Decimal("800.00")
