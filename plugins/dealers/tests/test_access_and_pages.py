"""Access by URL: a salesperson gets 404 for every record of another
salesperson's dealer (orders, stock, samples …); the auditor reads but never
writes; every page renders for the people who may see it."""
from __future__ import annotations

from datetime import date

import pytest

from plugins.dealers.models import DealerTerminal
from plugins.dealers.services import crossregion, network, promoters, promotions, rebates, samples, stock
from plugins.dealers.services import orders as order_svc
from core import clock


@pytest.fixture
def records(world):
    """One of everything for dealer a (owned by sales1)."""
    world.prepay("a", "3200")
    ids = {}
    with world.db.session() as s:
        c, u = world.customer(s, "a"), world.user(s, "sales1")
        o = order_svc.create_order(s, c, u)
        order_svc.add_line(s, o, world.product(s, "tv55"), 1)
        order_svc.confirm_order(s, o, u)
        order_svc.record_shipment(s, o, {o.lines[0].id: ["X-1"]})
        draft = order_svc.create_order(s, c, u)
        line = order_svc.add_line(s, draft, world.product(s, "tv55"), 1)
        r = stock.record_report(s, c, u, report_date=clock.today(), source="visit",
                                rows=[{"product": world.product(s, "tv55"), "sold": 0, "stock": 1}])
        t = s.get(DealerTerminal, world.terminals["a"])
        unit = samples.register_sample(s, t, world.product(s, "tv65"), serial_no="S-1",
                                       placed_on=clock.today())
        p = promotions.create_promotion(s, c, u, title="店庆", triggers=["anniversary"],
                                        start_date=clock.today(), end_date=clock.today())
        for code, data in (("survey", {}), ("plan", {"when_where": "店内", "form": "特价", "benefit_points": "直降",
                                                        "staffing": "2 人", "budget": "100"}),
                           ("communication", {"agreement_signed": True, "dealer_contact": "老板"}),
                           ("release", {"channels": ["sms"]}), ("execution", {"items": ["outdoor"]})):
            promotions.record_step(s, p, code, u, notes="记录", data=data)
        claim = rebates.create_claim(s, c, u, kind="sales_subsidy", period="2025-03")
        ru = samples.register_returned(s, c, world.product(s, "tv55"), kind="repair",
                                       received_on=clock.today())
        prom = network.save_promoter(s, t, None, name="小王")
        promoters.record_month(s, prom, period="2025-03", target_units=10, sold_units=5,
                               main_push_units=1)
        inc = crossregion.report_found_unit(s, world.user(s, "manager"), serial_no="X-1",
                                            county="富阳区")
        s.flush()
        ids.update(order=o.id, draft=draft.id, line=line.id, report=r.id, terminal=t.id, sample=unit.id,
                   promotion=p.id, claim=claim.id, returned=ru.id, promoter=prom.id, incident=inc.id,
                   customer=c.id)
    return ids


GET_PAGES = [
    "/dealers/d/{customer}", "/dealers/d/{customer}/profit", "/dealers/orders/{order}",
    "/dealers/stock-reports/{report}", "/dealers/terminals/{terminal}", "/dealers/samples/{sample}",
    "/dealers/promotions/{promotion}", "/dealers/rebates/{claim}", "/dealers/d/{customer}/stock",
    "/dealers/terminals/{terminal}/count", "/dealers/volumes?customer_id={customer}",
    "/dealers/pressing?customer_id={customer}",
]
POSTS = [
    ("/dealers/orders/{draft}/lines", {"product_id": "1", "quantity": "1"}),
    ("/dealers/orders/{draft}/lines/{line}/delete", {}),
    ("/dealers/orders/{draft}/confirm", {}),
    ("/dealers/orders/{draft}/cancel", {"reason": "x"}),
    ("/dealers/orders/{order}/invoice-delivered", {"delivered_on": clock.today().isoformat()}),
    ("/dealers/orders/{order}/shipment", {}),
    ("/dealers/d/{customer}/profile", {"multi_brand": "on"}),
    ("/dealers/d/{customer}/terminals", {"name": "偷偷开的店"}),
    ("/dealers/d/{customer}/stock", {"report_date": clock.today().isoformat()}),
    ("/dealers/terminals/{terminal}", {"name": "改名"}),
    ("/dealers/terminals/{terminal}/promoters", {"name": "x"}),
    ("/dealers/promoters/{promoter}/status", {"status": "left", "reason": "x"}),
    ("/dealers/samples/{sample}/transfer", {"to_terminal_id": "2", "reason": "x"}),
    ("/dealers/samples/{sample}/withdraw", {"reason": "x"}),
    ("/dealers/terminals/{terminal}/count", {"count_date": clock.today().isoformat()}),
    ("/dealers/returns/{returned}/state", {"state": "scrapped"}),
    ("/dealers/promotions/{promotion}/step", {"step": "survey", "notes": "x"}),
    ("/dealers/rebates/{claim}/lines", {"product_id": "1", "quantity": "1", "unit_amount": "10"}),
    ("/dealers/rebates/{claim}/submit", {}),
    ("/documents/issue/dealers.order_slip/{order}", {}),
    ("/documents/issue/dealers.agreement/{customer}", {}),
    ("/documents/issue/dealers.sample_count_sheet/{terminal}", {}),
    ("/documents/issue/dealers.promotion_summary/{promotion}", {}),
]


def test_a_salesperson_gets_404_for_another_salespersons_dealer(world, records, client):
    client.login("sales2")
    for url in GET_PAGES:
        assert client.get(url.format(**records)).status_code == 404, url
    for url, data in POSTS:
        assert client.post_form(url.format(**records), data).status_code == 404, url
    # Nothing of dealer a shows in sales2's lists either.
    for url in ("/dealers/orders", "/dealers/samples", "/dealers/list", "/dealers/promotions",
                "/dealers/rebates", "/dealers/returns", "/dealers/volumes", "/dealers/promoters?period=2025-03"):
        html = client.get(url).get_data(as_text=True)
        assert "桐庐永利" not in html and "S-1" not in html, url


def test_a_manager_of_another_office_sees_nothing(world, records, client):
    client.login("mgr2")
    for url in GET_PAGES:
        assert client.get(url.format(**records)).status_code == 404, url


def test_the_owner_and_the_manager_see_every_page(world, records, client):
    for who in ("sales1", "mgr"):
        client.login(who)
        for url in GET_PAGES:
            resp = client.get(url.format(**records))
            assert resp.status_code == 200, (who, url)
        client.logout()


def test_auditor_reads_but_cannot_write(world, records, client):
    client.login("aud")
    assert client.get("/dealers/orders/{order}".format(**records)).status_code == 200
    assert client.post_form("/dealers/orders/{draft}/confirm".format(**records)).status_code == 403


LIST_PAGES = ["/dealers/", "/dealers/list", "/dealers/orders", "/dealers/orders/new",
              "/dealers/orders/paper-trail", "/dealers/volumes", "/dealers/pressing",
              "/dealers/samples", "/dealers/samples/discrepancies", "/dealers/samples/uncounted",
              "/dealers/returns", "/dealers/promotions", "/dealers/promoters", "/dealers/surveys",
              "/dealers/coverage", "/dealers/cross-region", "/dealers/rebates", "/dealers/products",
              "/dealers/products/1", "/dealers/price-lists", "/dealers/price-lists/1", "/",
              "/dealers/widgets/sell", "/dealers/widgets/cover"]


def test_every_list_page_renders_in_chinese(world, records, client):
    client.login("mgr")
    for url in LIST_PAGES:
        resp = client.get(url)
        assert resp.status_code == 200, url
    assert "经销商" in client.get("/dealers/").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert 'data-fragment-url="/dealers/widgets/cover"' in home  # drawn after the page
    for name in ("sell", "cover"):
        body = client.get(f"/dealers/widgets/{name}", headers={"X-Qudao-Fragment": "1"})
        assert "<svg" in body.get_data(as_text=True), name


def test_customer_page_shows_the_dealer_panels(world, records, client):
    client.login("sales1")
    html = client.get(f"/customers/{records['customer']}").get_data(as_text=True)
    with world.db.session() as s:
        from plugins.dealers.models import DealerOrder

        number = s.get(DealerOrder, records["order"]).number
    assert "经销商指令单" in html and number in html and "S-1" not in html
    assert "在展" in html  # the sample panel counts units per terminal and state


def test_pdf_buttons_ask_for_the_chinese_catalogue(world, records, client):
    client.login("sales1")
    html = client.get("/dealers/orders/{order}".format(**records)).get_data(as_text=True)
    assert 'name="locale" value="zh_CN"' in html and "dealers.order_slip" in html


def test_the_auditor_is_shown_no_button_it_may_not_use(world, records, client):
    """Found by crawling the demo as the auditor and finance: 新建订单, 登记进销存
    and 样机盘点 were shown to them and answered 403."""
    client.login("aud")
    pages = [u.format(**records) for u in ("/dealers/d/{customer}", "/dealers/terminals/{terminal}",
                                           "/customers/{customer}")] + ["/dealers/samples/uncounted"]
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        assert client.get(url).status_code == 200, url
        for forbidden in ("/dealers/orders/new", "/stock\"", "/count\""):
            assert forbidden not in html, (url, forbidden)
    # the buttons are there for the owner, and work
    client.logout()
    client.login("sales1")
    html = client.get("/dealers/d/{customer}".format(**records)).get_data(as_text=True)
    assert "/dealers/orders/new?customer_id=" in html and "/stock\"" in html


def test_the_three_monthly_forms_are_tables_not_core_grids(world, records, client):
    """Issue 21, item 21: 登记进销存, 样机现场盘点 and the dealer survey carry the
    dealers' own ``table.grid`` class; core's CSS laid any ``.grid`` out with
    display:grid, which broke the rows apart.  Core's layout classes are now
    ``qd-``; the tables must carry none of them."""
    import re

    from tests.test_css_namespace import CSS, layout_classes

    core_layout = layout_classes(CSS.read_text(encoding="utf-8"))
    client.login("sales1")
    for url in ("/dealers/d/{customer}/stock", "/dealers/terminals/{terminal}/count", "/dealers/surveys"):
        html = client.get(url.format(**records)).get_data(as_text=True)
        tables = re.findall(r'<table class="([^"]*)"', html)
        assert any("grid" in t.split() for t in tables), url  # the dealers' own input table
        for t in tables:
            assert not set(t.split()) & core_layout, (url, t)
    assert "table.grid" in (CSS.parents[3] / "plugins/dealers/static/dealers/dealers.css").read_text(encoding="utf-8")
