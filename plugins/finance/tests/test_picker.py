"""The record picker (issue 21 item 9, issue 22 item 5) on finance's forms:
with 6,000 customers, customer 5,212 is found by code and by name and can
be invoiced; the manual journal page stays small; a salesperson's search
never shows another's customer and posting one is refused; the search is a
GET-only, signed-in, 404-for-unknown JSON endpoint."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, insert, select

from plugins.customers.api import Customer
from plugins.customers.services import searchindex
from plugins.finance.models import Invoice, RebateClaim
from core import clock

N = 6000
TARGET = 5212
PREFIX = "K2026-"  # the world's own customers are C2026-…
TARGET_CODE = f"{PREFIX}{TARGET:05}"
TARGET_NAME = "绍兴柯桥宏远家电有限公司"
PICK = "/pick/customers.customer"


def _many(world, owner_key="sales1"):
    """6,000 customers of office OFF1, inserted in one statement (the search
    index caught up as after an import)."""
    owner = world.users[owner_key]
    rows = [dict(code=f"{PREFIX}{n:05}", name=TARGET_NAME if n == TARGET else f"测试商行{n}号",
                 kind="general", status="active", tags="", province="", city="", county="",
                 town="", address="", phone="", legal_person="", org_unit_id=world.office_id,
                 owner_id=owner.id) for n in range(1, N + 1)]
    with world.db.engine.begin() as conn:
        conn.execute(insert(Customer.__table__), rows)
        searchindex.catch_up(conn, bulk=True)
    with world.db.session() as s:
        return s.scalar(select(Customer.id).where(Customer.code == TARGET_CODE))


def _values(client, q, **kw):
    resp = client.get(PICK, query_string={"q": q, **kw})
    assert resp.status_code == 200, resp.status_code
    assert resp.headers["Content-Type"].startswith("application/json")
    return [r["value"] for r in resp.get_json()["results"]]


def test_customer_5212_of_6000_is_found_by_code_and_name_and_invoiced(world, client):
    target_id = _many(world)
    client.login("fin")
    for q in (TARGET_CODE, "05212", "k2026-05212"):
        assert _values(client, q)[0] == TARGET_CODE, q
    assert _values(client, "宏远家电") == [TARGET_CODE]
    assert _values(client, "柯桥") == [TARGET_CODE]
    one = client.get(PICK, query_string={"q": "宏远"}).get_json()["results"][0]
    assert one["text"] == f"{TARGET_CODE} {TARGET_NAME}"
    # An empty search lists the first customers by code, at most 20.
    first = _values(client, "")
    assert len(first) == 20 and first == sorted(first) and f"{PREFIX}00001" in first

    # The invoice form posts the code the picker holds (or that was typed).
    resp = client.post_form("/finance/invoices/new", {
        "customer_id": TARGET_CODE, "desc_0": "冰箱", "price_0": "3200.00", "qty_0": "1"})
    assert resp.status_code == 303, resp.get_data(as_text=True)[:500]
    with world.db.session() as s:
        inv = s.execute(select(Invoice).where(Invoice.customer_id == target_id)).scalar_one()
        assert inv.amount == 3200
    # Without JavaScript a pasted label is accepted too.
    resp = client.post_form("/finance/invoices/new", {
        "customer_id": f"{TARGET_CODE} {TARGET_NAME}", "desc_0": "洗衣机", "price_0": "10"})
    assert resp.status_code == 303
    with world.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Invoice)
                        .where(Invoice.customer_id == target_id)) == 2
    # The form comes back with the customer chosen (its code and label).
    html = client.get(f"/finance/invoices/new?customer_id={target_id}").get_data(as_text=True)
    assert f'value="{TARGET_CODE}"' in html and f'data-picker-text="{TARGET_CODE} {TARGET_NAME}"' in html
    assert "vendor/tom-select/tom-select.complete.min.js" in html


def test_manual_journal_page_stays_small_with_6000_customers(world, client):
    _many(world)
    client.login("fin")
    resp = client.get("/finance/ledger/new")
    assert resp.status_code == 200
    body = resp.get_data()
    assert len(body) < 100_000, len(body)
    html = body.decode()
    assert "测试商行" not in html  # no customer list written into the page
    assert html.count('data-picker-url="/pick/customers.customer?action=view"') >= 6
    # Pages without a picker do not load Tom Select.
    assert "tom-select" not in client.get("/finance/ledger").get_data(as_text=True)


def test_journal_line_takes_a_customer_code(world, client):
    target_id = _many(world)
    client.login("fin")
    resp = client.post_form("/finance/ledger/new", {
        "date": clock.today().isoformat(), "memo": "调整", "account_0": "1122", "customer_0": TARGET_CODE, "debit_0": "50",
        "account_1": "6001", "credit_1": "50"})
    assert resp.status_code == 303, resp.get_data(as_text=True)[:1500]
    from plugins.finance.models import LedgerLine

    with world.db.session() as s:
        assert s.scalar(select(func.count()).select_from(LedgerLine)
                        .where(LedgerLine.customer_id == target_id)) == 1


def test_salesperson_search_and_post_stay_in_scope(world, client):
    a, b = world.customers["a"], world.customers["b"]
    with world.db.session() as s:
        code_a, code_b = s.get(Customer, a).code, s.get(Customer, b).code
    client.login("sales2")
    assert _values(client, "华联") == []  # customer a is sales1's
    assert _values(client, code_a) == []
    assert _values(client, "西湖") == [code_b]
    assert code_a not in _values(client, "")
    client.login("sales1")
    assert _values(client, "华联") == [code_a]

    client.login("sales2")
    for raw in (code_a, str(a)):  # by code and by id
        resp = client.post_form("/finance/rebates/new", {
            "customer_id": raw, "kind": "sales_subsidy", "period_start": "2026-01-01",
            "period_end": "2026-01-31", "product_0": "电视", "qty_0": "1",
            "unit_0": "10"})
        assert resp.status_code == 404, raw
        html = resp.get_data(as_text=True)
        assert f"在您可选的客户中没有“{raw}”。" in html, html[:2000]
        assert "Traceback" not in html
    with world.db.session() as s:
        assert s.scalar(select(func.count()).select_from(RebateClaim)) == 0
    # A blank required choice: 422, in words.
    resp = client.post_form("/finance/rebates/new", {"customer_id": "", "kind": "sales_subsidy"})
    assert resp.status_code == 422
    assert "请选择客户。" in resp.get_data(as_text=True)


def test_search_endpoint_rules(world, client, app):
    # Signed out: sent to sign in, nothing listed.
    resp = client.get(PICK, query_string={"q": "华联"})
    assert resp.status_code in (302, 303) and "/login" in resp.headers["Location"]
    client.login("fin")
    # It changes nothing: GET only (a POST, even with a token, is refused).
    assert client.post_form(PICK, {"q": "华联"}).status_code == 405
    # Unknown kinds, and kinds of a plugin that is not enabled: 404.
    assert client.get("/pick/nothing.here?q=x").status_code == 404
    assert client.get("/pick/dealers.dealer?q=x").status_code == 404
    # A nonsense action falls back to view; a long query is cut, never an error.
    assert client.get(PICK, query_string={"q": "华" * 500, "action": "drop"}).status_code == 200
    assert client.get(PICK, query_string={"q": "%_\\"}).get_json() == {"results": []}
    # Finance forms still refuse a POST without the CSRF token.
    resp = client.post("/finance/invoices/new", data={"customer_id": f"{PREFIX}00001"})
    assert resp.status_code == 400
