"""Referrals: front line → wealth manager, accept / decline, outcome with
the commission split, duplicates refused, someone else's referral → 404."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from core import clock
from core.models import AuditLog
from core.services import ServiceError
from plugins.banking_rm.models import BankReferral
from plugins.banking_rm.services import referrals as svc
from plugins.customers.api import Customer


def _refer(client, branch, key="a", receiver="wm2", **extra):
    data = {"customer": branch.code(key), "receiver_id": branch.users[receiver].id,
            "product_kind": "wealth", "touchpoint": "low_counter",
            "script": "您这笔定期快到期了，我们理财经理可以给您做个诊断。"}
    data.update(extra)
    return client.post_form("/banking_rm/referrals/new", data, follow_redirects=True)


def test_teller_refers_receiver_accepts_and_sells_with_split(branch, client):
    client.login("teller")
    page = client.get("/banking_rm/referrals/new").get_data(as_text=True)
    assert "wm1" in page and "far" not in page  # only the branch's wealth managers
    r = _refer(client, branch, criteria=["idle_funds", "accepts_risk"])
    page = r.get_data(as_text=True)
    assert "王建国" in page
    with branch.db.session() as s:
        ref = s.scalar(select(BankReferral))
        rid = ref.id
        assert ref.state == "pending" and ref.criteria == "idle_funds,accepts_risk"
    # the teller cannot accept their own referral
    assert client.post_form(f"/banking_rm/referrals/{rid}/accept").status_code == 403
    client.login("wm2")
    assert client.post_form(f"/banking_rm/referrals/{rid}/accept").status_code == 303
    r = client.post_form(f"/banking_rm/referrals/{rid}/close", {
        "outcome": "won", "product_name": "稳盈180天理财", "amount": "-5", "commission": "100"},
        follow_redirects=True)
    with branch.db.session() as s:
        assert s.get(BankReferral, rid).state == "accepted"
    r = client.post_form(f"/banking_rm/referrals/{rid}/close", {
        "outcome": "won", "product_name": "稳盈180天理财", "amount": "500000", "commission": "1234.57"},
        follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "稳盈180天理财" in page
    with branch.db.session() as s:
        ref = s.get(BankReferral, rid)
        assert ref.state == "won"
        assert ref.amount == Decimal("500000.00")
        assert ref.referrer_share == Decimal("370.37")  # 30 % of 1234.57
        assert ref.receiver_share == Decimal("864.20")
        # ownership: the customer now belongs to the wealth manager who sold
        assert s.get(Customer, branch.customers["a"]).owner_id == branch.users["wm2"].id
        states = [a.changes.get("state") for a in s.scalars(select(AuditLog).where(
            AuditLog.table_name == "banking_rm_referral", AuditLog.action == "update"))]
        assert ["pending", "accepted"] in states and ["accepted", "won"] in states
        conv = svc.conversion(s, branch.user(s, "head"), clock.local(ref.created_at).date(),
                              clock.local(ref.created_at).date())
        assert conv == [{"key": branch.users["teller"].id, "count": 1, "accepted": 1, "sold": 1,
                         "amount": Decimal("500000.00"), "referrer_share": Decimal("370.37"),
                         "rate": 100}]
    client.login("head")
    page = client.get("/banking_rm/referrals/conversion").get_data(as_text=True)
    assert "500,000.00" in page or "500000.00" in page


def test_duplicate_referral_within_window_refused(branch, client):
    client.login("teller")
    _refer(client, branch)
    client.login("lobby")
    r = _refer(client, branch, receiver="wm1")
    page = r.get_data(as_text=True)
    assert "30" in page and ("王建国" in page)
    with branch.db.session() as s:
        assert s.scalar(select(func.count()).select_from(BankReferral)) == 1


def test_declined_referral_can_be_sent_again(branch, client):
    client.login("teller")
    _refer(client, branch)
    with branch.db.session() as s:
        rid = s.scalar(select(BankReferral.id))
    client.login("wm2")
    r = client.post_form(f"/banking_rm/referrals/{rid}/decline", {"reason": ""}, follow_redirects=True)
    with branch.db.session() as s:
        assert s.get(BankReferral, rid).state == "pending"
    client.post_form(f"/banking_rm/referrals/{rid}/decline", {"reason": "客户只要存款"})
    # accepting after declining changes nothing
    r = client.post_form(f"/banking_rm/referrals/{rid}/accept", follow_redirects=True)
    with branch.db.session() as s:
        assert s.get(BankReferral, rid).state == "declined"
    client.login("teller")
    _refer(client, branch, receiver="wm1")
    with branch.db.session() as s:
        assert s.scalar(select(func.count()).select_from(BankReferral)) == 2


def test_someone_elses_referral_by_id_is_404(branch, client):
    client.login("teller")
    _refer(client, branch)
    with branch.db.session() as s:
        rid = s.scalar(select(BankReferral.id))
    client.login("teller2")
    assert client.get(f"/banking_rm/referrals/{rid}").status_code == 404
    assert client.post_form(f"/banking_rm/referrals/{rid}/accept").status_code == 404
    client.login("wm1")
    assert client.get(f"/banking_rm/referrals/{rid}").status_code == 404
    client.login("far")
    assert client.get(f"/banking_rm/referrals/{rid}").status_code == 404
    client.login("head")
    assert client.get(f"/banking_rm/referrals/{rid}").status_code == 200
    page = client.get("/banking_rm/referrals").get_data(as_text=True)
    assert "王建国" in page


def test_bad_referrals_refused(branch):
    with branch.db.session() as s:
        t = branch.user(s, "teller")
        cases = [
            dict(customer_id=branch.customers["far"], receiver_id=branch.users["wm1"].id, product_kind="fund"),
            dict(customer_id=branch.customers["a"], receiver_id=branch.users["far"].id, product_kind="fund"),
            dict(customer_id=branch.customers["a"], receiver_id=branch.users["wm1"].id, product_kind="gold"),
            dict(customer_id=branch.customers["a"], receiver_id=branch.users["wm1"].id, product_kind="fund",
                 touchpoint="roof"),
        ]
        for kw in cases:
            try:
                svc.create_referral(s, t, **kw)
            except ServiceError:
                continue
            raise AssertionError(f"accepted {kw}")


def test_concurrent_duplicate_referrals_one_wins(branch, race):
    cid = branch.customers["b"]

    def work(key, to):
        def go(s):
            return svc.create_referral(s, branch.user(s, key), customer_id=cid,
                                       receiver_id=branch.users[to].id, product_kind="fund")
        return go

    results = race(work("teller", "wm1"), work("lobby", "wm2"))
    assert sum(not isinstance(r, ServiceError) for r in results) == 1
    with branch.db.session() as s:
        assert s.scalar(select(func.count()).select_from(BankReferral)) == 1
