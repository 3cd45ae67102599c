"""Pieces: entering one (bad input refused, nothing saved), the daily gold
price, reserving (two at once: one winner), releasing and selling (an
invoice in the customer's ledger)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from plugins.finance import api as finance
from plugins.stores_demo.models import StoresDemoGoldPrice, StoresDemoPiece
from plugins.stores_demo.services import pieces as svc

from .pieces_world import PieceWorld
from core import clock


@pytest.fixture
def world(app, make_user, make_org):
    return PieceWorld.build(app, make_user, make_org)


FORM = {"sku": "N-100", "name": "钻石项链", "style": "necklace", "metal": "18K", "gross_weight": "6.500",
        "net_weight": "5.800", "stone": "钻石", "carat": "0.50", "colour": "F", "clarity": "VS1",
        "cut": "EX", "certificate_lab": "GIA", "certificate_no": "gia-2201", "pricing": "tag",
        "tag_price": "18800.00", "labour_fee": ""}


def _count(world) -> int:
    with world.db.session() as s:
        return s.scalar(select(func.count()).select_from(StoresDemoPiece))


def test_manager_creates_a_piece_and_sees_it_in_the_filtered_list(world, client):
    client.login("mgr")
    resp = client.post_form("/stores_demo/pieces/new", FORM)
    assert resp.status_code == 303
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "钻石项链" in page and "GIA-2201" in page and "18,800.00" in page
    listing = client.get("/stores_demo/pieces?metal=18K&state=in_stock&sort=-price").get_data(as_text=True)
    assert "N-100" in listing
    assert "N-100" not in client.get("/stores_demo/pieces?metal=Au999").get_data(as_text=True)


@pytest.mark.parametrize("field,value,message", [
    ("net_weight", "-1", "净重"),
    ("gross_weight", "99999", "毛重"),
    ("tag_price", "abc", "标价"),
    ("net_weight", "7.000", "净重不能大于毛重"),
])
def test_bad_weights_and_prices_are_refused_and_nothing_is_saved(world, client, field, value, message):
    client.login("mgr")
    resp = client.post_form("/stores_demo/pieces/new", dict(FORM, **{field: value}))
    assert resp.status_code == 200
    assert message in resp.get_data(as_text=True)
    assert _count(world) == 0


def test_duplicate_certificate_is_refused_with_a_clear_message(world, client):
    world.piece(sku="A-1", certificate_no="NGTC-7788")
    client.login("mgr")
    resp = client.post_form("/stores_demo/pieces/new", dict(FORM, certificate_no="ngtc-7788"))
    assert resp.status_code == 200
    assert "NGTC-7788" in resp.get_data(as_text=True) and "A-1" in resp.get_data(as_text=True)
    assert _count(world) == 1


def test_salesperson_may_not_create_pieces(world, client):
    client.login("dev1")
    assert client.post_form("/stores_demo/pieces/new", FORM).status_code == 403
    assert _count(world) == 0


def test_gold_price_one_per_day_and_metal(world, client):
    client.login("mgr")
    client.post_form("/stores_demo/gold-prices", {"day": clock.today().isoformat(), "metal": "Au999",
                                                 "price": "560.50"})
    resp = client.post_form("/stores_demo/gold-prices", {"day": clock.today().isoformat(), "metal": "Au999",
                                                        "price": "-3"}, follow_redirects=True)
    assert "必须大于零" in resp.get_data(as_text=True)
    with world.db.session() as s:
        rows = s.execute(select(StoresDemoGoldPrice.price_per_gram).where(
            StoresDemoGoldPrice.metal == "Au999")).scalars().all()
    assert rows == [Decimal("560.50")]
    assert "560.50" in client.get("/stores_demo/gold-prices").get_data(as_text=True)


def test_price_by_weight_uses_the_days_gold_price(world):
    pid = world.piece(sku="B-1", pricing="weight", tag_price="", net_weight="10.000",
                      gross_weight="10.000", labour_fee="300")
    with world.db.session() as s:
        assert svc.price_of(s, s.get(StoresDemoPiece, pid)) == Decimal("5800.00")  # 10 g × 550 + 300


def test_two_reservations_at_once_exactly_one_wins(world, race):
    pid = world.piece()
    a, b = world.accounts["a"], world.accounts["b"]

    def reserve_for(cid, key):
        def work(s):
            return svc.reserve(s, pid, cid, world.user(s, key)).customer_id
        return work

    results = race(reserve_for(a, "dev1"), reserve_for(b, "dev2"))
    winners = [r for r in results if isinstance(r, int)]
    assert len(winners) == 1
    loser = next(r for r in results if not isinstance(r, int))
    assert "R-001" in str(loser)
    with world.db.session() as s:
        p = s.get(StoresDemoPiece, pid)
        assert p.state == "reserved" and p.customer_id == winners[0]


def test_reserve_release_and_sell_post_an_invoice_to_the_customers_ledger(world, client):
    pid = world.piece()
    a = world.accounts["a"]
    client.login("dev1")
    assert client.post_form(f"/stores_demo/pieces/{pid}/reserve", {"customer_id": a}).status_code == 303
    resp = client.post_form(f"/stores_demo/pieces/{pid}/reserve", {"customer_id": a}, follow_redirects=True)
    assert "已被他人预留或售出" in resp.get_data(as_text=True)
    client.post_form(f"/stores_demo/pieces/{pid}/release", {})
    client.post_form(f"/stores_demo/pieces/{pid}/reserve", {"customer_id": a})
    client.post_form(f"/stores_demo/pieces/{pid}/sell", {"customer_id": a, "price": ""})
    with world.db.session() as s:
        p = s.get(StoresDemoPiece, pid)
        assert p.state == "sold" and p.sale_price == Decimal("3280.00") and p.invoice_number
        assert finance.customer_balance(s, a) == Decimal("3280.00")
        assert finance.invoice_info(s, p.invoice_number)["amount"] == Decimal("3280.00")
        from plugins.customers.api import purchase_amounts
        got = purchase_amounts(s, [a], date(2000, 1, 1), date(2100, 1, 1))
        assert got[a] == Decimal("3280.00")


def test_someone_elses_account_by_id_is_404_for_reserve(world, client):
    pid = world.piece()
    client.login("dev1")
    assert client.post_form(f"/stores_demo/pieces/{pid}/reserve",
                            {"customer_id": world.accounts["b"]}).status_code == 404
    assert client.get("/stores_demo/pieces/999999").status_code == 404
    with world.db.session() as s:
        assert s.get(StoresDemoPiece, pid).state == "in_stock"


def test_pages_answer_for_every_role(world, client):
    pid = world.piece(certificate_no="NGTC-1")
    for user in ("mgr", "dev1"):
        client.login(user)
        for url in ("/stores_demo/pieces", f"/stores_demo/pieces/{pid}", "/stores_demo/gold-prices",
                    "/stores_demo/certificates/NGTC-1"):
            assert client.get(url).status_code == 200, (user, url)
        assert client.get("/stores_demo/static/stores_demo/pieces.css").status_code == 200
        client.logout()


def test_demo_fills_the_pieces_pages(world, client):
    from plugins.customers.api import Customer
    from plugins.stores_demo.demo_pieces import load_pieces
    from plugins.stores_demo.models import StoresDemoCustomOrder, StoresDemoService

    with world.db.session() as s:
        accounts = s.query(Customer).order_by(Customer.id).all()
        load_pieces(s, {"users": {"store_mgr": world.user(s, "mgr"), "store_sales": world.user(s, "dev1")}},
                    accounts)
    with world.db.session() as s:
        # four sold; the one in for cleaning is "in repair" until it is returned
        assert s.query(StoresDemoPiece).filter_by(state="sold").count() == 3
        assert s.query(StoresDemoPiece).filter_by(state="in_repair").count() == 1
        assert {o.stage for o in s.query(StoresDemoCustomOrder)} == {
            "brief", "design_approved", "production", "qc", "ready", "delivered"}
        assert s.query(StoresDemoService).count() == 5
    client.login("mgr")
    for url in ("/stores_demo/pieces", "/stores_demo/custom-orders", "/stores_demo/services",
                "/stores_demo/gold-prices", "/stores_demo/certificates/NGTC-A2026-00102"):
        assert client.get(url).status_code == 200, url


def test_edit_a_piece_and_a_stale_form_is_refused(world, client):
    pid = world.piece(certificate_no="NGTC-9")
    client.login("mgr")
    page = client.get(f"/stores_demo/pieces/{pid}/edit").get_data(as_text=True)
    import re as _re
    version = _re.search(r'name="([^"]*version[^"]*)" value="([^"]*)"', page)
    assert version, "the edit form carries the record's version"
    data = {"sku": "R-001", "name": "足金戒指（新）", "metal": "Au999", "gross_weight": "5.20",
            "net_weight": "5.00", "pricing": "tag", "tag_price": "3380.00", "certificate_no": "NGTC-9",
            version.group(1): version.group(2)}
    assert client.post_form(f"/stores_demo/pieces/{pid}/edit", data).status_code == 303
    # the same (now stale) form again: a conflict, nothing saved twice
    stale = client.post_form(f"/stores_demo/pieces/{pid}/edit", dict(data, tag_price="9999.00"))
    assert stale.status_code == 409
    with world.db.session() as s:
        p = s.get(StoresDemoPiece, pid)
        assert p.name == "足金戒指（新）" and p.tag_price == Decimal("3380.00")
