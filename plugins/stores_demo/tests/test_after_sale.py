"""After-sale services: the repair flow (intake → approval → ready →
returned, charged in finance), buy-back priced by the settings' rules with
our pieces recognised by their certificate number, the appraisal
certificate PDF, one history per certificate, and 404 for someone else's
service."""
from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal

import pytest

from plugins.finance import api as finance
from plugins.stores_demo.models import StoresDemoPiece, StoresDemoService
from plugins.stores_demo.services import after_sale as svc
from plugins.stores_demo.services import pieces as piece_svc

from .pieces_world import PieceWorld


@pytest.fixture
def world(app, make_user, make_org):
    return PieceWorld.build(app, make_user, make_org)


def _sold_piece(world) -> int:
    pid = world.piece(sku="G-88", certificate_no="NGTC-5001", net_weight="10.000", gross_weight="10.000",
                      tag_price="6000.00")
    with world.db.session() as s:
        piece_svc.sell(s, pid, world.accounts["a"], world.user(s, "dev1"))
    return pid


def test_repair_flow_and_charge_in_the_ledger(world, client):
    a = world.accounts["a"]
    client.login("dev1")
    resp = client.post_form("/stores_demo/services/new", {
        "kind": "repair", "customer_id": a, "description": "18K 钻戒 爪松", "condition_notes": "一爪松动，戒圈轻微划痕",
        "declared_value": "12000", "estimate": "280.00"})
    assert resp.status_code == 303
    url = resp.headers["Location"]
    sid = int(url.rstrip("/").split("/")[-1])
    # not ready before the customer approved the estimate
    page = client.post_form(f"/stores_demo/services/{sid}/ready", {}, follow_redirects=True).get_data(as_text=True)
    assert "须先经客户确认报价" in page
    for step in ("approve", "ready", "returned"):
        assert client.post_form(f"/stores_demo/services/{sid}/{step}", {}).status_code == 303
    with world.db.session() as s:
        r = s.get(StoresDemoService, sid)
        assert r.state == "returned" and r.invoice_number
        assert finance.customer_balance(s, a) == Decimal("280.00")


def test_negative_estimate_is_refused_and_nothing_saved(world, client):
    client.login("dev1")
    resp = client.post_form("/stores_demo/services/new", {
        "kind": "repair", "customer_id": world.accounts["a"], "description": "手镯", "estimate": "-5"})
    assert resp.status_code == 200 and "报价不能为负数" in resp.get_data(as_text=True)
    with world.db.session() as s:
        assert s.query(StoresDemoService).count() == 0


def test_buy_back_rates_from_settings_and_our_piece_by_certificate(world, client):
    pid = _sold_piece(world)
    client.login("dev1")
    # ours: 10 g × 550 × 95 % = 5225.00
    resp = client.post_form("/stores_demo/services/new", {
        "kind": "buy_back", "customer_id": world.accounts["a"], "description": "足金手链",
        "certificate_no": "ngtc-5001"})
    assert resp.status_code == 303
    sid = int(resp.headers["Location"].rstrip("/").split("/")[-1])
    # another piece: 10 g × 550 × 80 % = 4400.00
    client.post_form("/stores_demo/services/new", {
        "kind": "buy_back", "customer_id": world.accounts["a"], "description": "外店金链",
        "metal": "Au999", "net_weight": "10.000"})
    with world.db.session() as s:
        amounts = sorted(r.amount for r in s.query(StoresDemoService).all())
        assert amounts == [Decimal("4400.00"), Decimal("5225.00")]
        assert s.get(StoresDemoService, sid).ours
    client.post_form(f"/stores_demo/services/{sid}/finish", {})
    with world.db.session() as s:
        assert s.get(StoresDemoPiece, pid).state == "traded_in"
    history = client.get("/stores_demo/certificates/NGTC-5001").get_data(as_text=True)
    assert "已售" in history and "回购" in history and "5,225.00" in history and "6,000.00" in history


def test_someone_elses_service_is_404(world, client):
    with world.db.session() as s:
        r = svc.take_in(s, world.accounts["b"], {"kind": "cleaning", "description": "珍珠项链"},
                        world.user(s, "dev2"))
        sid = r.id
    client.login("dev1")
    assert client.get(f"/stores_demo/services/{sid}").status_code == 404
    assert client.post_form(f"/stores_demo/services/{sid}/approve", {}).status_code == 404
    assert client.post_form(f"/documents/issue/stores_demo.appraisal/{sid}", {"locale": "zh_CN"}).status_code == 404
    assert "珍珠项链" not in client.get("/stores_demo/services").get_data(as_text=True)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
def test_appraisal_certificate_pdf(world, client):
    _sold_piece(world)
    with world.db.session() as s:
        r = svc.take_in(s, world.accounts["a"], {"kind": "appraisal", "description": "足金手链",
                                                  "certificate_no": "NGTC-5001"}, world.user(s, "dev1"))
        svc.finish(s, r, "足金 Au999，与证书相符", world.user(s, "dev1"))
        sid = r.id
    client.login("dev1")
    resp = client.post_form(f"/documents/issue/stores_demo.appraisal/{sid}", {"locale": "zh_CN"})
    assert resp.status_code == 303
    pdf = client.get(resp.headers["Location"]).data
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf,
                                             capture_output=True, check=True).stdout.decode())
    for expected in ("鉴定证书/质保单", "NGTC-5001", "与证书相符", "本店售出商品", "鉴定师：签字"):
        assert expected in text, expected


def test_service_pages_answer(world, client):
    client.login("dev1")
    for url in ("/stores_demo/services", "/stores_demo/services/new", "/stores_demo/custom-orders",
                "/stores_demo/custom-orders/new"):
        assert client.get(url).status_code == 200, url


# -- buy-back and trade-in posted to finance -----------------------------------
def _statement_lines(s, customer_id):
    from core import clock
    from plugins.finance.services.statements import period_of, statement_data

    data = statement_data(s, customer_id, period_of(clock.today()))
    return data, [(m["memo"], m["debit"], m["credit"]) for m in data["movements"]]


def test_buy_back_pays_the_customer_in_their_ledger_and_statement(world, client):
    _sold_piece(world)  # invoiced 6,000.00 to account a
    a = world.accounts["a"]
    client.login("dev1")
    resp = client.post_form("/stores_demo/services/new", {
        "kind": "buy_back", "customer_id": a, "description": "足金手链", "certificate_no": "NGTC-5001"})
    sid = int(resp.headers["Location"].rstrip("/").split("/")[-1])
    page = client.get(f"/stores_demo/services/{sid}").get_data(as_text=True)
    assert "5,225.00" in page and "现金" in page
    assert client.post_form(f"/stores_demo/services/{sid}/finish", {"method": "cash"}).status_code == 303
    with world.db.session() as s:
        r = s.get(StoresDemoService, sid)
        assert r.state == "done" and r.finance_reference.count("GEN/") == 2
        # bought and paid: what the customer owes us (the sale) is unchanged
        assert finance.customer_balance(s, a) == Decimal("6000.00")
        data, lines = _statement_lines(s, a)
        assert (f"回购 {r.number} 足金手链 Au999 10.000g", Decimal("0"), Decimal("5225.00")) in lines
        assert (f"回购付款 {r.number}", Decimal("5225.00"), Decimal("0")) in lines
        assert data["closing"] == Decimal("6000.00")
        from plugins.finance.services.ledger import account_balance

        assert account_balance(s, "1001") == Decimal("-5225.00")  # cash paid out
        assert account_balance(s, "1405") == Decimal("5225.00")   # old gold in stock
    # closed twice: refused, nothing posted again
    page = client.post_form(f"/stores_demo/services/{sid}/finish", {"method": "cash"},
                            follow_redirects=True).get_data(as_text=True)
    assert "已结束" in page or "已关闭" in page or "closed" in page
    with world.db.session() as s:
        assert account_balance(s, "1001") == Decimal("-5225.00")


def test_trade_in_credits_the_customer_against_the_new_sale(world, client):
    a = world.accounts["a"]
    with world.db.session() as s:
        # another shop's piece: 8 g × 550 × the trade-in rate for other pieces
        r = svc.take_in(s, a, {"kind": "trade_in", "description": "外店金镯", "metal": "Au999",
                               "net_weight": "8.000"}, world.user(s, "dev1"))
        rate = Decimal(str(__import__("core.settings", fromlist=["get"]).get(s, "stores_demo.tradein_pct_other")))
        expected = (Decimal("8") * Decimal("550") * rate / 100).quantize(Decimal("0.01"))
        assert r.amount == expected
        svc.finish(s, r, None, world.user(s, "dev1"))
        sid, number = r.id, r.number
        assert r.finance_reference.startswith("CRN/")
        assert finance.customer_balance(s, a) == -expected  # a credit in the customer's favour
    # the new piece: its invoice is settled first by the trade-in credit
    pid = world.piece(sku="N-1", certificate_no="NGTC-7001", tag_price="9000.00")
    with world.db.session() as s:
        p = piece_svc.sell(s, pid, a, world.user(s, "dev1"))
        info = finance.invoice_info(s, p.invoice_number)
        assert info["open"] == Decimal("9000.00") - expected
        assert finance.customer_balance(s, a) == Decimal("9000.00") - expected
        _data, lines = _statement_lines(s, a)
        assert any(memo.startswith(f"以旧换新 {number}") and credit == expected for memo, _d, credit in lines)
    assert sid


def test_trade_in_without_the_days_gold_price_is_refused(world):
    from core.services import ServiceError

    with world.db.session() as s:
        with pytest.raises(ServiceError):
            svc.take_in(s, world.accounts["a"], {"kind": "trade_in", "description": "铂金链",
                                                 "metal": "Pt950", "net_weight": "5"}, world.user(s, "dev1"))


# -- a piece we know is "in repair" from intake to its return ------------------
def test_repair_sets_our_piece_in_repair_until_returned(world, client):
    pid = _sold_piece(world)
    client.login("dev1")
    resp = client.post_form("/stores_demo/services/new", {
        "kind": "repair", "customer_id": world.accounts["a"], "description": "足金手链 断扣",
        "certificate_no": "NGTC-5001", "estimate": "0"})
    sid = int(resp.headers["Location"].rstrip("/").split("/")[-1])
    with world.db.session() as s:
        assert s.get(StoresDemoPiece, pid).state == "in_repair"
    # a second intake of the same piece is refused and saves nothing
    page = client.post_form("/stores_demo/services/new", {
        "kind": "repair", "customer_id": world.accounts["a"], "description": "足金手链",
        "certificate_no": "NGTC-5001"}).get_data(as_text=True)
    assert "已在维修中" in page
    for step in ("approve", "ready"):
        client.post_form(f"/stores_demo/services/{sid}/{step}", {})
    with world.db.session() as s:
        assert s.get(StoresDemoPiece, pid).state == "in_repair"  # ready: still at the shop
        assert s.query(StoresDemoService).count() == 1
    client.post_form(f"/stores_demo/services/{sid}/returned", {})
    with world.db.session() as s:
        assert s.get(StoresDemoPiece, pid).state == "sold"


def test_two_intakes_of_one_piece_at_once_one_wins(world, race):
    pid = _sold_piece(world)

    def intake(s):
        return svc.take_in(s, world.accounts["a"], {"kind": "repair", "description": "足金手链",
                                                    "certificate_no": "NGTC-5001"},
                           world.user(s, "dev1")).number

    results = race(intake, intake)
    won = [r for r in results if isinstance(r, str)]
    lost = [r for r in results if not isinstance(r, str)]
    assert len(won) == 1 and len(lost) == 1
    with world.db.session() as s:
        assert s.get(StoresDemoPiece, pid).state == "in_repair"
        assert s.query(StoresDemoService).count() == 1
