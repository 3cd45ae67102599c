"""Custom orders (定制): the gold price locked at order, the deposit rules,
stages without skipping, the deposit and balance in the customer's ledger,
the contract PDF with real Chinese text and amounts in capitals, and 404
for someone else's order (page and PDF)."""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest

from plugins.finance import api as finance
from plugins.stores_demo.models import StoresDemoCustomOrder
from plugins.stores_demo.services import custom_orders as svc

from .pieces_world import PieceWorld
from core import clock

# 8 g × 550.00 (Au999, locked) + 1200 labour + 3000 stones = 8600.00
ORDER = {"brief": "结婚十周年对戒，内刻姓名缩写", "style": "ring", "metal": "Au999",
         "estimated_weight": "8.000", "labour_fee": "1200", "stones": "钻石 0.30ct", "stones_price": "3000",
         "due_date": (clock.today() + timedelta(days=30)).isoformat()}


@pytest.fixture
def world(app, make_user, make_org):
    return PieceWorld.build(app, make_user, make_org)


def _order(world, key="a", user="dev1", today=None) -> int:
    with world.db.session() as s:
        if today is not None:
            from plugins.stores_demo.services.pieces import set_gold_price
            set_gold_price(s, day_raw=today, metal_raw="Au999", price_raw="540.00")
        o = svc.create_order(s, world.accounts[key], ORDER, world.user(s, user), today=today)
        return o.id


def _pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                         check=True, timeout=60).stdout.decode("utf-8")
    return re.sub(r"\s+", "", out)


def test_taking_an_order_locks_the_days_gold_price(world, client):
    client.login("dev1")
    resp = client.post_form("/stores_demo/custom-orders/new", dict(ORDER, customer_id=world.accounts["a"]))
    assert resp.status_code == 303
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "8,600.00" in page and "550.00" in page
    with world.db.session() as s:
        o = s.query(StoresDemoCustomOrder).one()
        assert o.gold_price == Decimal("550.00") and o.estimated_price == Decimal("8600.00")
        assert o.lock_expires == clock.today() + timedelta(days=7)


def test_deposit_larger_than_the_price_or_below_the_share_is_refused(world, client):
    oid = _order(world)
    client.login("dev1")
    resp = client.post_form(f"/stores_demo/custom-orders/{oid}/deposit", {"amount": "9000"},
                            follow_redirects=True)
    assert "订金 9000.00 超过了总价 8600.00" in resp.get_data(as_text=True)
    resp = client.post_form(f"/stores_demo/custom-orders/{oid}/deposit", {"amount": "100"},
                            follow_redirects=True)
    assert "订金至少为 2580.00" in resp.get_data(as_text=True)  # 30 % of 8600
    with world.db.session() as s:
        assert s.get(StoresDemoCustomOrder, oid).deposit is None
        assert finance.customer_balance(s, world.accounts["a"]) == Decimal("0")


def test_expired_gold_lock_is_refused(world):
    oid = _order(world, today=clock.today() - timedelta(days=10))
    with world.db.session() as s:
        o = s.get(StoresDemoCustomOrder, oid)
        with pytest.raises(Exception) as e:
            svc.take_deposit(s, o, "3000", world.user(s, "dev1"))
        assert "expired" in str(e.value) or "到期" in str(e.value)
        s.rollback()
        assert s.get(StoresDemoCustomOrder, oid).deposit_paid_on is None


def test_expired_lock_message_on_the_page(world, client):
    oid = _order(world, today=clock.today() - timedelta(days=10))
    client.login("dev1")
    resp = client.post_form(f"/stores_demo/custom-orders/{oid}/deposit", {"amount": "3000"},
                            follow_redirects=True)
    assert "金价锁定已于" in resp.get_data(as_text=True)


def test_deposit_and_balance_in_the_customers_ledger(world, client):
    a = world.accounts["a"]
    oid = _order(world)
    client.login("dev1")
    client.post_form(f"/stores_demo/custom-orders/{oid}/deposit", {"amount": "3000.00"})
    with world.db.session() as s:
        assert finance.customer_balance(s, a) == Decimal("-3000.00")  # prepaid
    # no skipping: from brief straight to QC is refused
    resp = client.post_form(f"/stores_demo/custom-orders/{oid}/stage", {"stage": "qc"}, follow_redirects=True)
    assert "不能跳过阶段" in resp.get_data(as_text=True)
    for stage in ("design_approved", "production", "qc", "ready"):
        assert client.post_form(f"/stores_demo/custom-orders/{oid}/stage", {"stage": stage}).status_code == 303
    # actual 8.2 g × 550 + 1200 + 3000 = 8710.00; balance 5710.00
    client.post_form(f"/stores_demo/custom-orders/{oid}/deliver", {"actual_weight": "8.200"})
    with world.db.session() as s:
        o = s.get(StoresDemoCustomOrder, oid)
        assert o.stage == "delivered" and o.final_price == Decimal("8710.00")
        info = finance.invoice_info(s, o.invoice_number)
        assert info["amount"] == Decimal("8710.00") and info["open"] == Decimal("5710.00")
        assert finance.customer_balance(s, a) == Decimal("5710.00")
        from plugins.customers.api import purchase_amounts
        assert purchase_amounts(s, [a], date(2000, 1, 1), date(2100, 1, 1))[a] == Decimal("8710.00")
        # the customer's statement lists the deposit and the invoice
        from plugins.finance.services.statements import movements
        moves = movements(s, a, clock.today() - timedelta(days=1), clock.today(), Decimal("0"))
        assert [(m["debit"], m["credit"]) for m in moves] == [
            (Decimal("0"), Decimal("3000.00")), (Decimal("8710.00"), Decimal("0"))]
        assert moves[-1]["balance"] == Decimal("5710.00")
    page = client.get(f"/stores_demo/custom-orders/{oid}").get_data(as_text=True)
    assert "5,710.00" in page


def test_someone_elses_order_is_404_on_pages_actions_and_pdf(world, client):
    oid = _order(world, key="b", user="dev2")
    client.login("dev1")
    assert client.get(f"/stores_demo/custom-orders/{oid}").status_code == 404
    assert client.post_form(f"/stores_demo/custom-orders/{oid}/deposit", {"amount": "3000"}).status_code == 404
    assert client.post_form(f"/stores_demo/custom-orders/{oid}/stage", {"stage": "design_approved"}).status_code == 404
    resp = client.post_form(f"/documents/issue/stores_demo.custom_contract/{oid}", {"locale": "zh_CN"})
    assert resp.status_code == 404
    assert "李先生" not in client.get("/stores_demo/custom-orders").get_data(as_text=True)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
def test_contract_pdf_has_chinese_terms_capitals_and_signature_boxes(world, client):
    oid = _order(world)
    with world.db.session() as s:
        svc.take_deposit(s, s.get(StoresDemoCustomOrder, oid), "3000", world.user(s, "dev1"))
    client.login("dev1")
    resp = client.post_form(f"/documents/issue/stores_demo.custom_contract/{oid}", {"locale": "zh_CN"})
    assert resp.status_code == 303
    pdf = client.get(resp.headers["Location"]).data
    assert pdf.startswith(b"%PDF-")
    text = _pdf_text(pdf)
    for expected in ("定制合同", "结婚十周年对戒", "王女士", "8,600.00", "捌仟陆佰元整", "叁仟元整",
                     "金价锁定", "客户：签字", "门店：盖章", "此处盖章", "138****5678"):
        assert expected in text, expected


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def test_design_sketch_is_attached_and_only_the_orders_readers_download_it(world, client):
    import io
    import re as _re

    oid = _order(world)
    client.login("dev1")
    resp = client.post(f"/stores_demo/custom-orders/{oid}/sketch",
                       data={"csrf_token": client.fetch_csrf(), "file": (io.BytesIO(PNG), "草图.png")},
                       content_type="multipart/form-data")
    assert resp.status_code == 303
    page = client.get(f"/stores_demo/custom-orders/{oid}").get_data(as_text=True)
    assert "草图.png" in page
    link = _re.search(r'href="(/attachments/\d+)"', page).group(1)
    assert client.get(link).status_code == 200
    client.logout()
    client.login("dev2")
    assert client.get(link).status_code == 404


# -- cancelling before production refunds the deposit ---------------------------
def _paid_order(world, deposit="3000.00") -> int:
    oid = _order(world)
    with world.db.session() as s:
        svc.take_deposit(s, s.get(StoresDemoCustomOrder, oid), deposit, world.user(s, "dev1"))
    return oid


def _statement(s, customer_id):
    from plugins.finance.services.statements import period_of, statement_data

    return statement_data(s, customer_id, period_of(clock.today()))


def test_cancelling_before_production_refunds_the_whole_deposit(world, client):
    a = world.accounts["a"]
    oid = _paid_order(world)
    with world.db.session() as s:
        assert finance.customer_balance(s, a) == Decimal("-3000.00")
        svc.advance(s, s.get(StoresDemoCustomOrder, oid), "design_approved", world.user(s, "dev1"))
    client.login("dev1")
    page = client.get(f"/stores_demo/custom-orders/{oid}").get_data(as_text=True)
    assert "退还订金 3,000.00" in page or "3,000.00" in page
    assert client.post_form(f"/stores_demo/custom-orders/{oid}/cancel", {}).status_code == 303
    with world.db.session() as s:
        o = s.get(StoresDemoCustomOrder, oid)
        assert o.stage == "cancelled" and o.refund == Decimal("3000.00") and o.cancelled_on == clock.today()
        assert finance.customer_balance(s, a) == Decimal("0.00")
        data = _statement(s, a)
        assert [(m["debit"], m["credit"]) for m in data["movements"]] == [
            (Decimal("0"), Decimal("3000.00")), (Decimal("3000.00"), Decimal("0"))]
        assert "定制取消" in data["movements"][1]["memo"]
        assert data["closing"] == Decimal("0.00")
        from plugins.finance.services.ledger import account_balance

        assert account_balance(s, "1002") == Decimal("0.00")  # the money went back
    # a second cancel: refused with a message, nothing refunded again
    page = client.post_form(f"/stores_demo/custom-orders/{oid}/cancel", {},
                            follow_redirects=True).get_data(as_text=True)
    assert "已取消" in page
    with world.db.session() as s:
        assert finance.customer_balance(s, a) == Decimal("0.00")


def test_a_share_of_the_deposit_kept_by_the_setting(world):
    from core import settings

    a = world.accounts["a"]
    oid = _paid_order(world)
    with world.db.session() as s:
        settings.set(s, "stores_demo.deposit_refund_pct", "80")
        s.commit()
        o = svc.cancel(s, s.get(StoresDemoCustomOrder, oid), world.user(s, "dev1"))
        assert o.refund == Decimal("2400.00")
        s.commit()
        from plugins.finance.services.ledger import account_balance

        assert account_balance(s, "1002") == Decimal("600.00")   # kept: the cancellation fee
        # earned as revenue: 600.00 including 13 % VAT (the default rate)
        assert account_balance(s, "6001") == Decimal("-530.97")
        assert account_balance(s, "222101") == Decimal("-69.03")
        assert finance.customer_balance(s, a) == Decimal("0.00")
        assert finance.invoice_info(s, o.refund_reference.split()[-1])["open"] == Decimal("0.00")


def test_no_refund_once_in_production(world, client):
    a = world.accounts["a"]
    oid = _paid_order(world)
    with world.db.session() as s:
        for st in ("design_approved", "production"):
            svc.advance(s, s.get(StoresDemoCustomOrder, oid), st, world.user(s, "dev1"))
    client.login("dev1")
    page = client.get(f"/stores_demo/custom-orders/{oid}").get_data(as_text=True)
    assert f"/stores_demo/custom-orders/{oid}/cancel" not in page
    page = client.post_form(f"/stores_demo/custom-orders/{oid}/cancel", {},
                            follow_redirects=True).get_data(as_text=True)
    assert "已进入生产" in page
    with world.db.session() as s:
        assert s.get(StoresDemoCustomOrder, oid).stage == "production"
        assert finance.customer_balance(s, a) == Decimal("-3000.00")


def test_two_cancellations_at_once_refund_once(world, race):
    a = world.accounts["a"]
    oid = _paid_order(world)

    def cancel(s):
        return svc.cancel(s, s.get(StoresDemoCustomOrder, oid), None).refund

    results = race(cancel, cancel)
    assert sorted(str(type(r).__name__) for r in results) == ["Decimal", "ServiceError"]
    with world.db.session() as s:
        assert finance.customer_balance(s, a) == Decimal("0.00")
        from plugins.finance.services.ledger import account_balance

        assert account_balance(s, "1002") == Decimal("0.00")


def test_someone_elses_order_cannot_be_cancelled(world, client):
    oid = _order(world, key="b", user="dev2")
    client.login("dev1")
    assert client.post_form(f"/stores_demo/custom-orders/{oid}/cancel", {}).status_code == 404
    with world.db.session() as s:
        assert s.get(StoresDemoCustomOrder, oid).stage == "brief"
