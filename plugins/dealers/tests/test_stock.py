"""The four volumes (seed 001 销量新概念) on a hand-computed example, weeks of
cover, the quick grid's derived sell-out, and the stock-pressing advice at
the peak / off-season boundary."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from core import settings
from plugins.dealers.services import orders as order_svc
from plugins.dealers.services import pressing, stock
from core import clock


def _ship(w, s, key, product, qty, day):
    o = order_svc.create_order(s, w.customer(s, key), w.user(s, "manager"), order_date=day)
    order_svc.add_line(s, o, w.product(s, product), qty)
    order_svc.confirm_order(s, o, w.user(s, "manager"), override_reason="测试：先发货", on=day)
    return o


def _report(w, s, key, day, rows):
    return stock.record_report(s, w.customer(s, key), w.user(s, "sales1"), report_date=day,
                               source="visit", rows=[{"product": w.product(s, p), "sold": sold,
                                                      "stock": st} for p, sold, st in rows])


def _by_key(rows, w, key, product):
    return next(r for r in rows if r.customer_id == w.dealers[key] and r.product_id == w.products[product])


def test_four_volumes_hand_computed(world):
    with world.db.session() as s:
        settings.set(s, "dealers.slow_moving_days", 20)
        _ship(world, s, "a", "tv55", 10, date(2024, 12, 20))
        _report(world, s, "a", date(2025, 1, 31), [("tv55", 4, 6)])
        _ship(world, s, "a", "tv55", 8, date(2025, 3, 5))
        _report(world, s, "a", date(2025, 3, 10), [("tv55", 3, 11)])
        _ship(world, s, "a", "tv55", 5, date(2025, 3, 25))
        _report(world, s, "a", date(2025, 3, 28), [("tv55", 6, 10)])
        _ship(world, s, "a", "tv55", 4, date(2025, 3, 30))
        _ship(world, s, "b", "tv65", 2, date(2025, 3, 12))
    with world.db.session() as s:
        everyone = [world.dealers["a"], world.dealers["b"]]
        march = stock.volumes(s, everyone, "2025-03")
        a = _by_key(march, world, "a", "tv55")
        # gross = 8 + 5 + 4 shipped in March; net = 3 + 6 reported sold in March;
        # stock = 10 counted on 28 March + 4 shipped after the count;
        # slow-moving (20 days) = 14 on hand − 9 shipped since 11 March.
        assert (a.gross, a.net, a.stock, a.slow) == (17, 9, 14, 5)
        assert a.sell_through_pct == Decimal("52.9")
        # 9 sold in the 8 weeks to 31 March → 1.125 a week; 14 ÷ 1.125 = 12.4 weeks.
        assert a.weekly_sellout == Decimal("1.13") and a.weeks_of_cover == Decimal("12.4")
        b = _by_key(march, world, "b", "tv65")
        assert (b.gross, b.net, b.stock, b.slow) == (2, 0, 2, 0) and b.weeks_of_cover is None
        feb = _by_key(stock.volumes(s, everyone, "2025-02"), world, "a", "tv55")
        assert (feb.gross, feb.net, feb.stock, feb.slow) == (0, 0, 6, 6)
        # The series for the chart sums the same figures per month.
        series = stock.monthly_series(s, everyone, ["2025-02", "2025-03"])
        assert series == [{"period": "2025-02", "sell_in": 0, "sell_out": 0},
                          {"period": "2025-03", "sell_in": 19, "sell_out": 9}]


def test_quick_grid_derives_sell_out_from_the_count(world):
    with world.db.session() as s:
        _ship(world, s, "a", "tv55", 10, date(2025, 5, 1))
        _report(world, s, "a", date(2025, 5, 10), [("tv55", None, 7)])   # 10 − 7 = 3 sold
        _ship(world, s, "a", "tv55", 6, date(2025, 5, 15))
        r = _report(world, s, "a", date(2025, 5, 31), [("tv55", "", 9), ("tv65", "", "")])
        assert [(ln.product.model, ln.sold_qty, ln.stock_qty) for ln in r.lines] == [("55E3", 4, 9)]
        first = stock.volumes(s, [world.dealers["a"]], "2025-05")[0]
        assert (first.net, first.stock) == (7, 9)


def _pressing_world(world, multi_brand=False):
    with world.db.session() as s:
        settings.set(s, "dealers.peak_months", "9")
        if multi_brand:
            from plugins.dealers.services import network

            network.save_profile(s, world.customer(s, "a"), multi_brand="on")
        _ship(world, s, "a", "tv55", 20, date(2025, 6, 1))
        _report(world, s, "a", date(2025, 7, 20), [("tv55", 8, 12)])
        _report(world, s, "a", date(2025, 8, 20), [("tv55", 8, 4)])


def test_pressing_advice_at_the_off_season_peak_boundary(world):
    _pressing_world(world)
    with world.db.session() as s:
        ids = [world.dealers["a"]]
        off = pressing.advise(s, ids, date(2025, 8, 31))[0]
        # 16 sold in 8 weeks = 2 a week; 4 on hand = 2 weeks of cover.
        assert (off.season, off.weekly, off.stock, off.cover) == ("off", Decimal(2), 4, Decimal("2.0"))
        assert off.suggested == 0 and off.headroom == 4       # ceiling 4 weeks × 2 − 4
        peak = pressing.advise(s, ids, date(2025, 9, 1))[0]
        assert peak.season == "peak" and peak.suggested == 8  # 6 weeks × 2 − 4


def test_multi_brand_dealers_are_pressed_harder_in_peak_season(world):
    _pressing_world(world, multi_brand=True)
    with world.db.session() as s:
        peak = pressing.advise(s, [world.dealers["a"]], date(2025, 9, 1))[0]
        assert peak.target_weeks == Decimal(8) and peak.suggested == 12


def test_off_season_order_above_the_ceiling_is_flagged(world):
    _pressing_world(world)
    with world.db.session() as s:
        seen = {}
        for day, qty in ((date(2025, 8, 31), 4), (date(2025, 8, 31), 5), (date(2025, 9, 1), 30)):
            o = order_svc.create_order(s, world.customer(s, "a"), world.user(s, "sales1"), order_date=day)
            order_svc.add_line(s, o, world.product(s, "tv55"), qty)
            seen[(day.month, qty)] = pressing.order_warnings(s, o)
        assert seen[(8, 4)] == [] and seen[(9, 30)] == []
        assert len(seen[(8, 5)]) == 1 and "55E3" in seen[(8, 5)][0] and "4.5" in seen[(8, 5)][0]


def test_a_mistyped_season_calendar_is_reported_not_a_crash(world, client):
    with world.db.session() as s:
        settings.set(s, "dealers.peak_months", "9,13")
        o = order_svc.create_order(s, world.customer(s, "a"), world.user(s, "sales1"))
        order_svc.add_line(s, o, world.product(s, "tv55"), 1)
        oid = o.id
    client.login("mgr")
    html = client.get("/dealers/pressing").get_data(as_text=True)
    assert 'class="flash error"' in html and "9,13" in html
    assert client.get("/").status_code == 200
    assert client.get("/dealers/widgets/cover", headers={"X-Qudao-Fragment": "1"}).status_code == 200
    assert "9,13" in client.get(f"/dealers/orders/{oid}").get_data(as_text=True)


def test_a_mistyped_date_in_a_report_filter_is_explained_not_a_bare_400(world, client):
    client.login("mgr")
    for url in ("/dealers/pressing?day=2026-13-45",
                f"/dealers/d/{world.dealers['a']}/profit?start=2026-13-45&end=2026-03-31"):
        resp = client.get(url)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200, url
        assert 'class="flash error"' in html and "2026-13-45 不是有效日期（格式：YYYY-MM-DD）。" in html
    # The dates that were understood still count: profit from 1 January to the end given.
    assert "2026-03-31" in html


def _cover_cells(html: str, model: str, column: int) -> str:
    """The weeks-of-cover cell of the row for ``model`` (0-based column)."""
    import re

    row = next(r for r in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S) if f"<td>{model}</td>" in r)
    return re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[column]


def test_volumes_and_pressing_pages_agree_on_weeks_of_cover(world, client, monkeypatch):
    """Issue 21, item 17: the same dealer, model and day showed 2.7 weeks on
    one page and 0.7 on the other — the volumes page took "this month" as
    of the month's last day, still to come."""
    from datetime import timedelta

    from plugins.dealers.services import common

    back = clock.today() - timedelta(days=40)
    day = date(back.year, back.month, 10)  # well before its month's end
    monkeypatch.setattr(common, "today", lambda: day)
    with world.db.session() as s:
        _ship(world, s, "a", "tv55", 20, day - timedelta(days=70))
        _report(world, s, "a", day - timedelta(days=50), [("tv55", 8, 12)])
        _report(world, s, "a", day - timedelta(days=1), [("tv55", 2, 10)])
    client.login("mgr")
    volumes = client.get(f"/dealers/volumes?customer_id={world.dealers['a']}").get_data(as_text=True)
    press = client.get(f"/dealers/pressing?customer_id={world.dealers['a']}").get_data(as_text=True)
    # 10 sold in the 8 weeks to the 10th → 1.25 a week; 10 on hand ÷ 1.25 = 8.0
    # weeks on both pages (as of the month's end the first report fell out of
    # the window: 10 ÷ 0.25 = 40.0).
    assert _cover_cells(volumes, "55E3", 8) == "8.0"
    assert _cover_cells(press, "55E3", 4) == "8.0"
    assert day.strftime("%Y") in volumes.split('id="as-of"')[1].split("</p>")[0]
    # a day still to come on the pressing page is read as today
    later = client.get(f"/dealers/pressing?customer_id={world.dealers['a']}&day={day + timedelta(days=15)}")
    assert _cover_cells(later.get_data(as_text=True), "55E3", 4) == "8.0"
