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
