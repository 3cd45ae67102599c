"""The home page stays cheap as data grows: a salesperson's home page runs
the same small number of queries with one dealer or many (every plugin
enabled, the verticals used by their own units); its figures are the list pages' row counts; the charts come after
the page from ``/dealers/widgets/<name>``, scoped to the viewer, and the
weeks of cover computed in one statement equal the volumes' definitions."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from core import settings
from plugins.customers.services import visits
from plugins.dealers.services import network, samples, stock
from plugins.dealers.services import orders as order_svc
from plugins.finance.services import budgets as budget_svc
from core import clock

TODAY = clock.today()


@pytest.fixture
def enabled_plugins():
    return None  # every installed plugin, as in production


def _ship(w, s, key, qty, day, product="tv55"):
    o = order_svc.create_order(s, w.customer(s, key), w.user(s, "manager"), order_date=day)
    order_svc.add_line(s, o, w.product(s, product), qty)
    order_svc.confirm_order(s, o, w.user(s, "manager"), override_reason="测试：先发货", on=day)
    return o


def _grow(w, n: int, start: int) -> None:
    """``n`` more dealers for sales1, each with one of every to-do and a
    visit and follow-up today."""
    for i in range(start, start + n):
        key = f"x{i}"
        w.dealers[key] = w.make_dealer(f"测试电器{i:03}", w.users["sales1"].id, "member",
                                       county="桐庐县", town="")
        with w.db.session() as s:
            c, u = w.customer(s, key), w.user(s, "sales1")
            t = network.save_terminal(s, c, None, name=f"测试电器{i:03}总店")
            s.flush()
            samples.register_sample(s, t, w.product(s, "tv65"), serial_no=f"S-{i}",
                                    placed_on=TODAY - timedelta(days=60))
            _ship(w, s, key, 3, TODAY - timedelta(days=40))
            order_svc.add_line(s, order_svc.create_order(s, c, u), w.product(s, "tv55"), 1)
            stock.record_report(s, c, u, report_date=TODAY - timedelta(days=7), source="visit",
                                rows=[{"product": w.product(s, "tv55"), "sold": 2, "stock": 1}])
            samples.register_returned(s, c, w.product(s, "tv55"), kind="repair",
                                      received_on=TODAY - timedelta(days=100))
            visits.plan(s, c, u, TODAY, "service", ["collect_payment"])
            visits.add_followup(s, c, u.id, f"回访 {i}", TODAY)


def _count_queries(app, client, url: str, headers=None) -> tuple[int, str]:
    engine = app.extensions["qudao"].db.engine
    seen = []

    def count(conn, cursor, statement, params, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        resp = client.get(url, headers=headers or {})
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert resp.status_code == 200
    return len(seen), resp.get_data(as_text=True)


def _figure(html: str, href: str, nth: int = 0) -> int:
    found = re.findall(re.escape(f'href="{href}"') + r'><span class="n[^"]*">(\d+)</span>', html)
    return int(found[nth])


def _verticals_elsewhere(world):
    """As in production (and the demo): the jewelry store and the bank branch
    use their plugins, the appliance office does not see them."""
    from core import services
    from core.models import OrgUnit

    with world.db.session() as s:
        root = s.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id))
        for name, code in (("stores_demo", "STORE-X"), ("banking_rm", "BANK-X")):
            unit = services.create_org_unit(s, code, code, "store", root)
            services.set_plugin_scope(s, name, [unit], reason="test")


def test_home_page_queries_do_not_grow_with_the_data(world, app, client):
    _verticals_elsewhere(world)
    with world.db.session() as s:
        budget_svc.set_budget(s, org_unit_id=world.office_id, owner_id=world.users["sales1"].id,
                              year=TODAY.year, month=TODAY.month, kind="sales", amount="100000")
    _grow(world, 1, 0)
    client.login("sales1")
    client.get("/")  # warm-up: first-request work is not the page's
    small, html = _count_queries(app, client, "/")
    assert _figure(html, "/dealers/list") == 2
    _grow(world, 6, 1)
    client.get("/")
    large, html = _count_queries(app, client, "/")
    assert _figure(html, "/dealers/list") == 8  # the page did see the new data
    assert "测试电器006" in html and "回访 6" in html  # today's route and follow-ups
    assert small == large
    assert large <= 15
    # The charts are drawn after the page, not in it.
    assert "<svg" not in html
    for url in ("/dealers/widgets/sell", "/dealers/widgets/cover", "/finance/widgets/receivables",
                "/finance/widgets/budget"):
        assert f'data-fragment-url="{url}"' in html and f'href="{url}"' in html, url


def test_to_do_figures_equal_the_list_pages(world, app, client):
    with world.db.session() as s:
        for _ in range(2):  # confirmed 40 days ago, never signed nor receipted
            _ship(world, s, "a", 1, TODAY - timedelta(days=40))
        _ship(world, s, "a", 1, TODAY - timedelta(days=2))  # not yet overdue
        _ship(world, s, "b", 1, TODAY - timedelta(days=40))  # sales2's
        for key, n in (("a", 3), ("b", 1)):
            for _ in range(n):
                order_svc.add_line(s, order_svc.create_order(s, world.customer(s, key), world.user(s, "manager")),
                                   world.product(s, "tv55"), 1)
        for days in (100, 40, 3):
            samples.register_returned(s, world.customer(s, "a"), world.product(s, "tv55"), kind="repair",
                                      received_on=TODAY - timedelta(days=days))
    client.login("sales1")
    home = client.get("/").get_data(as_text=True)
    drafts = client.get("/dealers/orders?state=draft").get_data(as_text=True)
    assert _figure(home, "/dealers/orders?state=draft") == len(re.findall(r'href="/dealers/orders/\d+"', drafts)) == 3
    trail = re.findall(r"<tbody>(.*?)</tbody>", client.get("/dealers/orders/paper-trail").get_data(as_text=True),
                       re.S)
    unsigned = len(re.findall(r'href="/dealers/orders/\d+"', trail[0]))
    no_receipt = len(re.findall(r'href="/dealers/orders/\d+"', trail[1]))
    assert _figure(home, "/dealers/orders/paper-trail", 0) == unsigned == 2
    assert _figure(home, "/dealers/orders/paper-trail", 1) == no_receipt
    returns = client.get("/dealers/returns").get_data(as_text=True)
    assert _figure(home, "/dealers/returns") == returns.count('<tr class="flag">') == 2
    # The manager sees both salespeople's dealers.
    client.login("mgr")
    home = client.get("/").get_data(as_text=True)
    assert _figure(home, "/dealers/orders?state=draft") == 4
    assert _figure(home, "/dealers/orders/paper-trail", 0) == 3
    # So does the auditor, whose scope has no condition at all.
    client.login("aud")
    home = client.get("/").get_data(as_text=True)
    drafts = client.get("/dealers/orders?state=draft").get_data(as_text=True)
    assert _figure(home, "/dealers/orders?state=draft") == len(re.findall(r'href="/dealers/orders/\d+"', drafts)) == 4
    assert _figure(home, "/dealers/orders/paper-trail", 0) == 3
    assert _figure(home, "/dealers/returns") == 2


def _reference_cover(s, ids, at):
    """Weeks of cover per dealer from the per-model figures the volumes page
    uses (stock on hand, weekly sell-out), totalled per dealer."""
    on_hand = stock.stock_on_hand(s, ids, at)
    weeks = int(settings.get(s, "dealers.sellout_window_weeks"))
    sold = stock.sold(s, ids, at - timedelta(days=7 * weeks), at)
    dealers = {c for c, _p in on_hand} | {c for c, _p in sold}
    return {c: stock.cover(sum(q for (d, _p), q in on_hand.items() if d == c),
                           Decimal(sum(q for (d, _p), q in sold.items() if d == c)) / weeks)
            for c in dealers}


def test_cover_in_one_statement_equals_the_volumes_definitions(world, app):
    at = date(2025, 3, 31)
    with world.db.session() as s:
        _ship(world, s, "a", 10, date(2024, 12, 20))
        stock.record_report(s, world.customer(s, "a"), world.user(s, "sales1"), report_date=date(2025, 1, 31),
                            source="visit", rows=[{"product": world.product(s, "tv55"), "sold": 4, "stock": 6}])
        _ship(world, s, "a", 8, date(2025, 3, 5))
        stock.record_report(s, world.customer(s, "a"), world.user(s, "sales1"), report_date=date(2025, 3, 28),
                            source="visit", rows=[{"product": world.product(s, "tv55"), "sold": 9, "stock": 10}])
        _ship(world, s, "a", 4, date(2025, 3, 30))
        _ship(world, s, "a", 5, date(2025, 3, 2), product="tv65")  # never counted
        _ship(world, s, "a", 7, date(2025, 4, 2))  # after the date
        _ship(world, s, "b", 2, date(2025, 3, 12), product="tv65")  # no sell-out: no figure
    with world.db.session() as s:
        ids = [world.dealers["a"], world.dealers["b"]]
        rows = {cid: v for cid, _name, v in stock.dealer_cover_rows(s, ids, at)}
        # a: 10 counted + 4 after + 5 never counted = 19 on hand; 9 sold in 8 weeks.
        assert rows == {world.dealers["a"]: Decimal("16.9"), world.dealers["b"]: None}
        assert rows == _reference_cover(s, ids, at)


def test_charts_come_after_the_page_scoped_and_cached(world, app, client):
    with world.db.session() as s:
        _ship(world, s, "a", 4, TODAY - timedelta(days=3))
        _ship(world, s, "b", 2, TODAY - timedelta(days=3))
    client.login("sales1")
    frag = {"X-Qudao-Fragment": "1"}
    n, body = _count_queries(app, client, "/dealers/widgets/cover", frag)
    assert "<svg" in body and "桐庐永利" in body and "萧山华联" not in body
    assert "<html" not in body and re.search(r"\d\d:\d\d:\d\d", body)  # "as of" time
    again, cached = _count_queries(app, client, "/dealers/widgets/cover", frag)
    assert cached == body and again < n  # served from the per-user cache
    # Without JavaScript the link opens the chart on a page of its own.
    page = client.get("/dealers/widgets/cover").get_data(as_text=True)
    assert "<html" in page and "<svg" in page
    # Another user never gets sales1's body, even while it is cached.
    client.login("sales2")
    body2 = client.get("/dealers/widgets/cover", headers=frag).get_data(as_text=True)
    assert "萧山华联" in body2 and "桐庐永利" not in body2
    assert client.get("/dealers/widgets/nope", headers=frag).status_code == 404
    with world.db.session() as s:  # the permission is checked before the cache
        from core import services
        from core.models import Role

        role = s.scalar(select(Role).where(Role.name == "salesperson"))
        services.set_role_permissions(s, role, role.permission_codes - {"dealers.view"})
    client.login("sales2")  # a role change signs its users out
    assert client.get("/dealers/widgets/cover", headers=frag).status_code == 403
    client.login("fin")
    body = client.get("/finance/widgets/receivables", headers=frag).get_data(as_text=True)
    assert "<dl" in body


@pytest.mark.parametrize("app_config", [{"WIDGET_CACHE_SECONDS": 0}])
def test_without_the_cache_a_chart_shows_new_data_at_once(world, app, client, app_config):
    client.login("sales1")
    frag = {"X-Qudao-Fragment": "1"}
    assert "桐庐永利" not in client.get("/dealers/widgets/cover", headers=frag).get_data(as_text=True)
    with world.db.session() as s:
        _ship(world, s, "a", 4, TODAY - timedelta(days=3))
    assert "桐庐永利" in client.get("/dealers/widgets/cover", headers=frag).get_data(as_text=True)


def test_to_do_statement_is_kept_and_follows_data_settings_and_users(world, app, client,
                                                                     monkeypatch):
    """Building the to-dos' statement costs more than running it, so a
    process keeps it per user and day: new orders show at once (the figures
    are counted on every page), and a changed setting or another user gets
    a statement of its own."""
    from plugins.dealers.services import dashboard

    built: list[int] = []
    real = dashboard.counts_statement
    monkeypatch.setattr(dashboard, "counts_statement",
                        lambda s, user, today: built.append(user.id) or real(s, user, today))
    with world.db.session() as s:
        _ship(world, s, "a", 1, TODAY - timedelta(days=3))  # unsigned for 3 days: not yet late
    client.login("sales1")
    home = client.get("/").get_data(as_text=True)
    drafts = _figure(home, "/dealers/orders?state=draft")
    assert _figure(home, "/dealers/orders/paper-trail", 0) == 0
    with world.db.session() as s:
        order_svc.add_line(s, order_svc.create_order(s, world.customer(s, "a"),
                                                     world.user(s, "manager")),
                           world.product(s, "tv55"), 1)
    home = client.get("/").get_data(as_text=True)
    assert _figure(home, "/dealers/orders?state=draft") == drafts + 1
    assert built == [world.users["sales1"].id]  # the same statement, run again
    with world.db.session() as s:
        settings.set(s, "dealers.signed_slip_overdue_days", "2")
    home = client.get("/").get_data(as_text=True)
    assert _figure(home, "/dealers/orders/paper-trail", 0) == 1
    assert len(built) == 2
    client.login("mgr")
    home = client.get("/").get_data(as_text=True)
    assert _figure(home, "/dealers/orders?state=draft") == drafts + 1
    assert built[-1] == world.users["manager"].id
