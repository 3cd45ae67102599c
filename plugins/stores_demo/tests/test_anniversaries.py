"""Birthdays and wedding anniversaries: the window across the year end, 29
February in common and leap years, pieces that fit, one-click reserve (two
clicks at once: one winner), someone else's account answers 404."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.services import ServiceError
from plugins.stores_demo.models import StoresDemoPiece
from plugins.stores_demo.services import anniversaries as svc

from .followup_world import shop  # noqa: F401  (fixture)
from core import clock


def _date(shop, account, month, day, kind="birthday", year=None):
    with shop.db.session() as s:
        return svc.add_date(s, shop.accounts[account], kind=kind, month=month, day=day, year=year).id


def _piece(shop, sku, price, style="ring", stone="diamond", size="12", metal="Pt950"):
    with shop.db.session() as s:
        p = StoresDemoPiece(sku=sku, name=f"{sku} 钻戒", style=style, metal=metal, stone=stone,
                            size=size, tag_price=Decimal(price), pricing="tag")
        s.add(p)
        s.flush()
        return p.id


def _list(shop, who, today, days):
    with shop.db.session() as s:
        return [(r.customer_name, r.on) for r in svc.reminders(s, shop.user(s, who), today=today, days=days)]


def test_window_across_the_year_end(shop):
    _date(shop, "li", 12, 25)
    _date(shop, "wang", 1, 5, kind="wedding", year=2010)
    _date(shop, "li", 12, 10)     # passed this year, next one is beyond the window
    _date(shop, "wang", 2, 1)     # beyond the window
    got = _list(shop, "mgr", date(2026, 12, 20), 30)
    assert got == [("李女士", date(2026, 12, 25)), ("王先生", date(2027, 1, 5))]
    with shop.db.session() as s:
        r = svc.reminders(s, shop.user(s, "mgr"), today=date(2026, 12, 20), days=30)[1]
        assert (r.kind, r.years, r.in_days) == ("wedding", 17, 16)


def test_29_february_in_common_and_leap_years(shop):
    _date(shop, "li", 2, 29, year=1988)
    assert _list(shop, "mgr", date(2027, 2, 20), 10) == [("李女士", date(2027, 2, 28))]
    assert _list(shop, "mgr", date(2027, 2, 18), 10) == [("李女士", date(2027, 2, 28))]  # window ends on the 28th
    assert _list(shop, "mgr", date(2027, 3, 1), 30) == []
    assert _list(shop, "mgr", date(2028, 2, 20), 10) == [("李女士", date(2028, 2, 29))]
    assert _list(shop, "mgr", date(2027, 12, 20), 90) == [("李女士", date(2028, 2, 29))]


def test_only_accounts_i_may_see(shop):
    _date(shop, "li", 6, 1)
    _date(shop, "zhao", 6, 2)
    _date(shop, "bj", 6, 3)
    assert [n for n, _ in _list(shop, "sales1", date(2026, 5, 30), 10)] == ["李女士"]
    assert [n for n, _ in _list(shop, "mgr", date(2026, 5, 30), 10)] == ["李女士", "赵女士"]


def test_pieces_that_fit_and_one_click_reserve(client, shop):
    today = clock.today()
    soon = today + timedelta(days=5)
    _date(shop, "li", soon.month, soon.day, kind="wedding")
    with shop.db.session() as s:
        svc.set_fit(s, shop.accounts["li"], budget_band="b3", ring_size="12", style="ring")
    fits = _piece(shop, "R-0001", "28800.00")
    _piece(shop, "R-0002", "128000.00")                 # over the budget
    _piece(shop, "R-0003", "25000.00", size="15")       # wrong ring size
    _piece(shop, "N-0001", "30000.00", style="necklace")  # not her taste
    client.login("dev1")
    html = client.get("/stores_demo/anniversaries").get_data(as_text=True)
    assert "李女士" in html and "R-0001" in html and "¥28,800.00" in html
    assert "R-0002" not in html and "R-0003" not in html and "N-0001" not in html
    r = client.post_form("/stores_demo/anniversaries/reserve",
                         {"piece_id": fits, "customer_id": shop.accounts["li"]}, follow_redirects=True)
    assert r.status_code == 200
    with shop.db.session() as s:
        p = s.get(StoresDemoPiece, fits)
        assert (p.state, p.customer_id, p.reserved_by) == ("reserved", shop.accounts["li"], shop.users["sales1"].id)
    again = client.post_form("/stores_demo/anniversaries/reserve",
                             {"piece_id": fits, "customer_id": shop.accounts["li"]}, follow_redirects=True)
    assert "R-0001" in again.get_data(as_text=True)  # the refusal names the piece


def test_reserve_for_someone_elses_account_is_404(client, shop):
    pid = _piece(shop, "R-0009", "28800.00")
    client.login("dev1")
    assert client.post_form("/stores_demo/anniversaries/reserve",
                            {"piece_id": pid, "customer_id": shop.accounts["zhao"]}).status_code == 404
    assert client.get(f"/stores_demo/accounts/{shop.accounts['bj']}/dates").status_code == 404
    assert client.post_form(f"/stores_demo/accounts/{shop.accounts['zhao']}/dates/new",
                            {"kind": "birthday", "month": 1, "day": 1}).status_code == 404
    with shop.db.session() as s:
        assert s.get(StoresDemoPiece, pid).state == "in_stock"


def test_one_click_reserve_race_one_winner(shop, race):
    pid = _piece(shop, "R-0100", "28800.00")

    def click(account, who):
        def work(s):
            return svc.reserve_for(s, pid, shop.accounts[account], shop.user(s, who)).sku
        return work

    results = race(click("li", "sales1"), click("zhao", "sales2"), click("wang", "sales1"))
    winners = [r for r in results if r == "R-0100"]
    assert len(winners) == 1
    assert all(isinstance(r, ServiceError) for r in results if r != "R-0100")


def test_bad_dates_refused(client, shop):
    with shop.db.session() as s:
        with pytest.raises(ServiceError):
            svc.add_date(s, shop.accounts["li"], kind="birthday", month=2, day=30)
        with pytest.raises(ServiceError):
            svc.add_date(s, shop.accounts["li"], kind="birthday", month=2, day=29, year=2023)
        with pytest.raises(ServiceError):
            svc.add_date(s, shop.accounts["li"], kind="nameday", month=1, day=1)
        with pytest.raises(ServiceError):
            svc.reminders(s, None, days=0)
    client.login("dev1")
    r = client.post_form(f"/stores_demo/accounts/{shop.accounts['li']}/dates/new",
                         {"kind": "birthday", "month": "13", "day": "1"})
    assert r.status_code == 200 and "13/1 不是有效日期。" in r.get_data(as_text=True)
    r = client.get("/stores_demo/anniversaries?days=9999")
    assert r.status_code == 200 and "请选择 1 到 366 天。" in r.get_data(as_text=True)


def test_remind_creates_one_anniversary_task_for_the_owner(client, shop):
    from sqlalchemy import select

    from plugins.stores_demo.models import StoresDemoTask

    soon = clock.today() + timedelta(days=10)
    did = _date(shop, "li", soon.month, soon.day, kind="wedding")
    other = _date(shop, "zhao", soon.month, soon.day)
    client.login("dev1")
    client.post_form(f"/stores_demo/anniversaries/{did}/task", {})
    r = client.post_form(f"/stores_demo/anniversaries/{did}/task", {}, follow_redirects=True)
    assert "该提醒已在任务中。" in r.get_data(as_text=True)
    assert client.post_form(f"/stores_demo/anniversaries/{other}/task", {}).status_code == 404
    with shop.db.session() as s:
        tasks = s.scalars(select(StoresDemoTask).where(StoresDemoTask.source == "anniversary")).all()
        assert [(t.customer_id, t.owner_id, t.due_on) for t in tasks] == [
            (shop.accounts["li"], shop.users["sales1"].id, soon - timedelta(days=3))]
