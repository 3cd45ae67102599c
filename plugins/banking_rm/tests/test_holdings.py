"""Holdings: the suitability gate, 双录, the elderly rule, bad input, closing
(once, under a race), cross-holding, non-holders and the lobby census."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from plugins.banking_rm.models import BankHolding
from plugins.banking_rm.models.retail import BankCensus
from plugins.banking_rm.services import holdings as svc
from plugins.customers.api import Customer

from .retail_world import TODAY, World


@pytest.fixture
def w(app, make_user, make_org):
    w = World.build(app, make_user, make_org)
    w.customer("li", "李静", risk="C3", assessed=TODAY - timedelta(days=30),
               birthday=date(1985, 3, 1))
    w.customer("old", "周老伯", risk="C4", assessed=TODAY - timedelta(days=10),
               birthday=date(TODAY.year - 70, 1, 1))
    w.customer("stale", "钱过期", risk="C5", assessed=TODAY - timedelta(days=400))
    w.customer("none", "孙未评")
    w.customer("other", "吴别人", owner="wm2", risk="C5", assessed=TODAY)
    return w


def sale(**kw):
    data = {"kind": "wealth", "product_name": "稳盈 90 天", "amount": "100000.00",
            "start_on": TODAY.isoformat(), "maturity_on": (TODAY + timedelta(days=90)).isoformat(),
            "yield_rate": "3.10", "risk_level": "R2", "recording_ref": "SL-2026-0001", "note": ""}
    data.update(kw)
    return data


def holdings_count(w) -> int:
    with w.db.session() as s:
        return s.scalar(select(func.count(BankHolding.id)))


@pytest.mark.parametrize("key, data, message", [
    ("li", {"risk_level": "R4"}, "Refused: the product's risk level R4 is above the customer's risk level C3."),
    ("stale", {}, "The customer's risk questionnaire expired on"),
    ("none", {}, "The customer has no risk questionnaire"),
    ("li", {"recording_ref": ""}, "An investment sale needs the reference of its audio/video recording"),
    ("li", {"risk_level": ""}, "An investment product needs its risk level (R1 to R5)."),
    ("old", {}, "confirm that the risks were explained again"),
    ("li", {"amount": "-5"}, "The amount must be more than zero."),
    ("li", {"amount": "abc"}, "Give the amount as a number"),
    ("li", {"maturity_on": (TODAY - timedelta(days=1)).isoformat()},
     "The maturity date cannot be before the start date."),
])
def test_refused_sale_says_why_and_saves_nothing(w, client, key, data, message):
    client.login("wm1")
    r = client.post_form(f"/banking_rm/clients/{w.customers[key]}/holdings/new", sale(**data))
    assert r.status_code == 422
    assert message in r.get_data(as_text=True).replace("&#39;", "'")
    assert holdings_count(w) == 0


def test_refusal_in_chinese(w, client, app):
    w.set_locale("wm1", locale="zh_CN")
    client.login("wm1")
    r = client.post_form(f"/banking_rm/clients/{w.customers['li']}/holdings/new", sale(risk_level="R5"))
    html = r.get_data(as_text=True)
    assert "R5" in html and "C3" in html and "拒绝" in html


def test_suitable_sale_recorded(w, client):
    client.login("wm1")
    r = client.post_form(f"/banking_rm/clients/{w.customers['li']}/holdings/new", sale(risk_level="R3"))
    assert r.status_code == 302
    with w.db.session() as s:
        h = s.scalar(select(BankHolding))
        assert (h.amount, h.risk_level, h.recording_ref, h.yield_rate, h.elderly) == (
            Decimal("100000.00"), "R3", "SL-2026-0001", Decimal("0.0310"), False)
        assert h.sold_by == w.users["wm1"].id
    # a deposit needs no risk level nor recording
    r = client.post_form(f"/banking_rm/clients/{w.customers['none']}/holdings/new",
                         sale(kind="deposit", risk_level="", recording_ref="", maturity_on=""))
    assert r.status_code == 302


def test_elderly_customer_flagged_when_confirmed(w, client):
    client.login("wm1")
    r = client.post_form(f"/banking_rm/clients/{w.customers['old']}/holdings/new",
                         sale(elderly_confirmed="y"))
    assert r.status_code == 302
    with w.db.session() as s:
        assert s.scalar(select(BankHolding.elderly)) is True


def test_someone_elses_client_is_404(w, client):
    client.login("wm1")
    assert client.get(f"/banking_rm/clients/{w.customers['other']}/holdings/new").status_code == 404
    r = client.post_form(f"/banking_rm/clients/{w.customers['other']}/holdings/new", sale())
    assert r.status_code == 404
    hid = w.hold("other", "deposit", "10")
    assert client.post_form(f"/banking_rm/holdings/{hid}/close", {"closed_on": TODAY.isoformat()}).status_code == 404
    assert holdings_count(w) == 1


def test_teller_cannot_sell(w, client, make_user):
    make_user("teller", "br_teller", org_code="NJ1")
    client.login("teller")
    assert client.get(f"/banking_rm/clients/{w.customers['li']}/holdings/new").status_code == 403


def test_close_once_even_in_a_race(w, race):
    hid = w.hold("li", "deposit", "5000")

    def closer(s):
        return svc.close(s, s.get(BankHolding, hid), TODAY)

    results = race(closer, closer)
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and "already closed" in str(errors[0])
    with w.db.session() as s:
        assert s.get(BankHolding, hid).status == "closed"


def test_close_from_page(w, client):
    hid = w.hold("li", "deposit", "5000")
    client.login("wm1")
    r = client.post_form(f"/banking_rm/holdings/{hid}/close", {"closed_on": TODAY.isoformat()})
    assert r.status_code == 303
    r = client.post_form(f"/banking_rm/holdings/{hid}/close", {"closed_on": TODAY.isoformat()},
                         follow_redirects=True)
    assert "This holding is already closed." in r.get_data(as_text=True)


def test_cross_holding_distribution_and_targets(w, client):
    w.hold("li", "deposit", "1000")
    w.hold("li", "fund", "2000", risk="R2")
    w.hold("old", "deposit", "3000")
    w.hold("old", "deposit", "4000")
    w.hold("stale", "deposit", "1")
    w.hold("stale", "fund", "1")
    w.hold("stale", "insurance", "1")
    w.hold("stale", "credit_card", "1")
    w.hold("none", "wealth", "9", status="closed")
    client.login("head")
    with w.db.session() as s:
        dist = svc.cross_distribution(s, None)
    assert [(d["kinds"], d["customers"], d["propensity"]) for d in dist] == [
        (0, 2, None), (1, 1, Decimal("17")), (2, 1, Decimal("34")), (3, 1, Decimal("49"))]
    html = client.get("/banking_rm/holdings").get_data(as_text=True)
    assert "周老伯" in html and "7,000.00" in html  # the one-product customer, both deposits
    html = client.get("/banking_rm/holdings/non-holders?kind=fund").get_data(as_text=True)
    assert "周老伯" in html and "孙未评" in html and "李静" not in html and "钱过期" not in html


def test_lobby_census(w, client):
    client.login("lobby")
    r = client.post_form("/banking_rm/census", {"day": TODAY.isoformat(), "kind": "credit_card",
                                                "present": "20", "holders": "25"})
    assert "More raised hands than customers present is not possible." in r.get_data(as_text=True)
    r = client.post_form("/banking_rm/census", {"day": TODAY.isoformat(), "kind": "credit_card",
                                                "present": "20", "holders": "6"})
    assert r.status_code == 302
    html = client.get("/banking_rm/census").get_data(as_text=True)
    assert "14 (70 %)" in html
    with w.db.session() as s:
        assert s.scalar(select(func.count(BankCensus.id))) == 1


def test_fabe_cards_written_by_managers_read_by_everyone(w, client, make_user):
    card = {"kind": "wealth", "title": "稳盈 90 天", "feature": "90 天封闭期", "advantage": "收益稳定",
            "benefit": "闲钱三个月有安排", "evidence": "近 12 期均达业绩基准"}
    client.login("lobby")
    assert client.get("/banking_rm/cards").status_code == 200
    assert client.post_form("/banking_rm/cards/new", card).status_code == 403
    client.login("wm1")
    r = client.post_form("/banking_rm/cards/new", dict(card, evidence=""))
    assert r.status_code == 200 and "This field is required." in r.get_data(as_text=True)
    with w.db.session() as s:
        from plugins.banking_rm.models.retail import BankProductCard
        assert s.scalar(select(func.count(BankProductCard.id))) == 0
    assert client.post_form("/banking_rm/cards/new", card).status_code == 302
    html = client.get(f"/banking_rm/clients/{w.customers['li']}/holdings/new?kind=wealth").get_data(as_text=True)
    assert "近 12 期均达业绩基准" in html  # shown when selling
    client.login("lobby")
    assert "闲钱三个月有安排" in client.get("/banking_rm/cards").get_data(as_text=True)
