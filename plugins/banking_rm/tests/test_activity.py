"""5-20-30: the phone log, the league table (exact counts, per person and
per role) and spot checks (a false activity leaves the league)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.services import ServiceError
from plugins.banking_rm.models import BankActivity
from plugins.banking_rm.services import activity as svc
from core import clock

TODAY = clock.today()


def _log(branch, key, kind, n=1, **kw):
    with branch.db.session() as s:
        u = branch.user(s, key)
        for _ in range(n):
            svc.log_activity(s, u, kind, **kw)


def test_phone_page_logs_in_one_tap_and_counts_against_targets(branch, client):
    client.login("wm1")
    page = client.get("/banking_rm/activity").get_data(as_text=True)
    assert "0 / 5" in page and "0 / 20" in page and "0 / 30" in page
    r = client.post_form("/banking_rm/activity", {"kind": "call"})
    assert r.status_code == 303
    r = client.post_form("/banking_rm/activity", {"kind": "message", "count": "12"},
                         follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "1 / 20" in page and "12 / 30" in page
    with branch.db.session() as s:
        assert s.scalar(select(func.count()).select_from(BankActivity)) == 13


def test_bad_input_is_refused_with_a_message(branch, client):
    client.login("teller")
    r = client.post_form("/banking_rm/activity", {"kind": "call", "count": "3"}, follow_redirects=True)
    assert "只有短信" in r.get_data(as_text=True) or "Only a message" in r.get_data(as_text=True)
    r = client.post_form("/banking_rm/activity", {"kind": "greet", "customer": "C-NONE"},
                         follow_redirects=True)
    assert r.status_code == 200
    with branch.db.session() as s:
        assert s.scalar(select(func.count()).select_from(BankActivity)) == 0


def test_phone_page_logs_for_the_branchs_customers_only_and_follows_a_move(branch, client):
    """The branch-customer lookup is kept per user (``kept_statement``): a
    colleague's customer by id or code is accepted, another branch's
    refused, and after the manager moves branch the next tap follows."""
    def logged(customer) -> int:
        with branch.db.session() as s:
            return s.scalar(select(func.count()).select_from(BankActivity)
                            .where(BankActivity.customer_id == customer))

    client.login("wm1")
    a, b, far = (branch.customers[k] for k in ("a", "b", "far"))
    assert client.post_form("/banking_rm/activity", {"kind": "call", "customer": b}).status_code == 303
    client.post_form("/banking_rm/activity", {"kind": "call", "customer": branch.code("b")})
    r = client.post_form("/banking_rm/activity", {"kind": "call", "customer": far}, follow_redirects=True)
    assert "Unknown customer." in r.get_data(as_text=True) or "未知客户。" in r.get_data(as_text=True)
    assert (logged(b), logged(far)) == (2, 0)
    with branch.db.session() as s:
        branch.user(s, "wm1").org_unit_id = branch.other_org_id
    client.post_form("/banking_rm/activity", {"kind": "call", "customer": b})
    client.post_form("/banking_rm/activity", {"kind": "call", "customer": far})
    client.post_form("/banking_rm/activity", {"kind": "call", "customer": a})  # still their own
    assert (logged(b), logged(far), logged(a)) == (2, 1, 1)


def test_front_line_sees_greetings_conversations_and_pitches(branch, client):
    client.login("lobby")
    r = client.post_form("/banking_rm/activity", {"kind": "greet"}, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "1 / 30" in page  # greetings target
    r = client.get("/banking_rm/activity")
    assert r.status_code == 200


def test_league_exact_counts_per_person_and_role(branch):
    _log(branch, "wm1", "meeting", 3)
    _log(branch, "wm1", "call", 20)
    _log(branch, "wm2", "call", 4)
    _log(branch, "teller", "greet", 15)
    _log(branch, "far", "call", 50)  # another branch: not in this league
    with branch.db.session() as s:
        head = branch.user(s, "head")
        lg = svc.league(s, head, "day", TODAY)
        people = {r.name: r for r in lg["people"]}
        assert people["wm1"].counts == {"meeting": 3, "call": 20}
        assert people["wm1"].total == 23
        # 3/5 meetings, 20/20 calls, 0/30 messages → (0.6 + 1 + 0) / 3
        assert people["wm1"].score == 53
        assert people["wm2"].total == 4
        assert people["teller"].counts == {"greet": 15}
        assert "far" not in people
        assert lg["people"][0].name == "wm1"
        roles = {r.name: r for r in lg["roles"]}
        assert roles["br_wealth"].counts == {"meeting": 3, "call": 24}
        assert roles["br_teller"].total == 15


def test_league_page_week_and_month(branch, client):
    _log(branch, "wm2", "message", 7)
    client.login("head")
    for period in ("day", "week", "month"):
        page = client.get(f"/banking_rm/league?period={period}").get_data(as_text=True)
        assert "wm2" in page and ">7<" in page
    assert client.get("/banking_rm/league?day=nonsense").status_code == 200


def test_false_spot_check_drops_the_activity_from_the_league(branch, client):
    _log(branch, "wm1", "meeting", 2)
    with branch.db.session() as s:
        first = s.scalar(select(BankActivity.id).order_by(BankActivity.id))
    client.login("head")
    page = client.get("/banking_rm/spot-checks").get_data(as_text=True)
    assert "wm1" in page
    r = client.post_form("/banking_rm/spot-checks", {"activity_id": first, "result": "false"},
                         follow_redirects=True)
    assert "说明" in r.get_data(as_text=True) or "Say what was found" in r.get_data(as_text=True)
    r = client.post_form("/banking_rm/spot-checks", {"activity_id": first, "result": "false",
                                                     "note": "客户说没见过理财经理"})
    assert r.status_code == 303
    with branch.db.session() as s:
        lg = svc.league(s, branch.user(s, "head"), "day", TODAY)
        wm1 = next(r for r in lg["people"] if r.name == "wm1")
        assert wm1.counts == {"meeting": 1}
        assert svc.check_scores(s, branch.user(s, "head"), TODAY, TODAY)[0]["score"] == 0
    # checked once only
    r = client.post_form("/banking_rm/spot-checks", {"activity_id": first, "result": "verified"},
                         follow_redirects=True)
    assert "已" in r.get_data(as_text=True) or "already" in r.get_data(as_text=True)


def test_spot_checks_are_the_heads_and_stay_in_the_branch(branch, client):
    _log(branch, "far", "call", 1)
    with branch.db.session() as s:
        far_act = s.scalar(select(BankActivity.id))
    client.login("wm1")
    assert client.get("/banking_rm/spot-checks").status_code == 403
    client.login("head")
    r = client.post_form("/banking_rm/spot-checks", {"activity_id": far_act, "result": "verified"})
    assert r.status_code == 404


def test_future_day_and_bulk_limits_refused(branch):
    with branch.db.session() as s:
        u = branch.user(s, "wm1")
        with pytest.raises(ServiceError):
            svc.log_activity(s, u, "call", day=TODAY + timedelta(days=1))
        with pytest.raises(ServiceError):
            svc.log_activity(s, u, "message", count=501)
        with pytest.raises(ServiceError):
            svc.log_activity(s, u, "dance")


def test_demo_fills_a_living_branch(branch, client):
    from core.models import OrgUnit
    from plugins.banking_rm import demo_activity
    from plugins.banking_rm.models import BankReferral, BankStageMove
    from plugins.customers.api import Customer

    with branch.db.session() as s:
        people = {k: branch.user(s, k) for k in ("head", "lobby", "teller", "wm1", "wm2")}
        clients = list(s.scalars(select(Customer).where(Customer.org_unit_id == branch.org_id)))
        demo_activity.load(s, {"bank_people": people, "bank": s.get(OrgUnit, branch.org_id)}, clients)
    with branch.db.session() as s:
        assert s.scalar(select(func.count()).select_from(BankActivity)) > 1000
        assert s.scalar(select(func.count()).select_from(BankReferral)) >= 1
        assert s.scalar(select(func.count()).select_from(BankStageMove)) >= 0
    client.login("head")
    assert "wm1" in client.get("/banking_rm/league?period=month").get_data(as_text=True)


def test_a_mistaken_tap_is_taken_back(branch, client):
    client.login("wm1")
    client.post_form("/banking_rm/activity", {"kind": "call"})
    client.post_form("/banking_rm/activity", {"kind": "message", "count": "5"})
    r = client.post_form("/banking_rm/activity/undo", follow_redirects=True)
    assert "1 / 20" in r.get_data(as_text=True) and "0 / 30" in r.get_data(as_text=True)
    client.post_form("/banking_rm/activity/undo")
    r = client.post_form("/banking_rm/activity/undo", follow_redirects=True)
    assert "Nothing logged" in r.get_data(as_text=True) or "没有" in r.get_data(as_text=True)
    with branch.db.session() as s:
        assert s.scalar(select(func.count()).select_from(BankActivity)) == 0


def test_home_page_widget_shows_my_day_and_week(branch, client):
    _log(branch, "wm1", "call", 3)
    client.login("wm1")
    page = client.get("/").get_data(as_text=True)
    assert "3 / 20" in page
