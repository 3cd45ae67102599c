"""Dealers' record pickers: a dealer is found by code or name in the user's
scope (never a customer that is no dealer, never another salesperson's
dealer); an order is opened by typing the dealer's code; an order line takes
a product model typed by hand."""
from __future__ import annotations

from sqlalchemy import func, select

from plugins.customers import api as customers
from plugins.dealers.models import DealerOrder


def _values(client, kind, q):
    resp = client.get(f"/pick/{kind}", query_string={"q": q})
    assert resp.status_code == 200
    return [r["value"] for r in resp.get_json()["results"]]


def test_dealer_and_product_pickers(world, client):
    with world.db.session() as s:
        code_a = s.get(customers.Customer, world.dealers["a"]).code
        code_b = s.get(customers.Customer, world.dealers["b"]).code
        plain = customers.create_customer(s, name="桐庐普通客户", kind="general",
                                          owner_id=world.users["sales1"].id,
                                          org_unit_id=world.office_id)
        s.flush()
        plain_code = plain.code
        s.commit()
    client.login("sales1")
    assert _values(client, "dealers.dealer", "桐庐") == [code_a]  # the plain customer is no dealer
    assert plain_code in _values(client, "customers.customer", "桐庐")
    assert _values(client, "dealers.dealer", "华联") == []  # sales2's dealer
    assert _values(client, "dealers.product", "65A") == ["65A5"]
    assert _values(client, "dealers.product", "MiniLED") == ["65A5"]

    # No JavaScript: the dealer's code typed into the order form.
    resp = client.post_form("/dealers/orders/new", {"customer_id": code_a,
                                                    "order_date": "2026-03-02"})
    assert resp.status_code == 303, resp.get_data(as_text=True)[:800]
    with world.db.session() as s:
        order = s.execute(select(DealerOrder)).scalar_one()
        assert order.customer_id == world.dealers["a"]
    resp = client.post_form(f"/dealers/orders/{order.id}/lines", {"product_id": "65A5", "quantity": "2"})
    assert resp.status_code in (302, 303)
    with world.db.session() as s:
        lines = s.get(DealerOrder, order.id).lines
        assert [(ln.product_id, ln.quantity) for ln in lines] == [(world.products["tv65"], 2)]

    # Another salesperson's dealer, typed by code: refused in words, nothing saved.
    resp = client.post_form("/dealers/orders/new", {"customer_id": code_b,
                                                    "order_date": "2026-03-02"})
    assert resp.status_code == 404
    assert f"在您可选的经销商中没有“{code_b}”。" in resp.get_data(as_text=True)
    # A product model that does not exist.
    resp = client.post_form(f"/dealers/orders/{order.id}/lines", {"product_id": "99Z9", "quantity": "1"})
    assert resp.status_code == 404
    assert "在您可选的产品型号中没有“99Z9”。" in resp.get_data(as_text=True)
    with world.db.session() as s:
        assert s.scalar(select(func.count()).select_from(DealerOrder)) == 1
