"""The other PDFs: sales slip, receipt, rebate settlement notice and the
aged receivables report — Chinese text in the file, and only for records
the user may see."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date, timedelta

import pytest

from plugins.finance.services import documents as docs
from plugins.finance.services import rebates

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
TODAY = date.today()


def _text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data,
                         capture_output=True, check=True, timeout=60).stdout.decode("utf-8")
    return re.sub(r"\s+", "", out)


def _issue(client, spec: str, record_id) -> bytes | int:
    resp = client.post_form(f"/documents/issue/{spec}/{record_id}", {"locale": "zh_CN"})
    if resp.status_code != 303:
        return resp.status_code
    return client.get(resp.headers["Location"]).data


@pytest.fixture
def records(world):
    with world.db.session() as s:
        a = world.customers["a"]
        inv = docs.post_invoice(s, a, [{"description": "55寸电视", "unit_price": "3299.00",
                                        "quantity": 2}])
        pay = docs.record_payment(s, a, "1000.00", reference="工行回单 8812")
        claim = rebates.create_claim(s, a, "price_drop", period_start=TODAY - timedelta(days=30),
                                     period_end=TODAY, lines=[{"product": "55寸电视",
                                                               "quantity": 4,
                                                               "unit_amount": "150.00"}],
                                     user=world.user(s, "sales1"))
        rebates.add_evidence(s, claim, io.BytesIO(b"%PDF-1.4\n%\n"), "e.pdf")
        rebates.submit_claim(s, claim)
        rebates.approve_claim(s, claim, user=world.user(s, "manager"))
        b_inv = docs.post_invoice(s, world.customers["b"], [{"description": "冰箱",
                                                             "unit_price": "100.00"}])
        return {"inv": inv.id, "inv_no": inv.number, "pay": pay.id, "pay_no": pay.number,
                "claim": claim.id, "claim_no": claim.number, "b_inv": b_inv.id}


def test_sales_slip_receipt_and_rebate_notice(records, client):
    client.login("sales1")
    slip = _text(_issue(client, "finance.invoice", records["inv"]))
    assert "销售单" in slip and records["inv_no"] in slip and "杭州华联电器有限公司" in slip
    assert "6,598.00" in slip and "陆仟伍佰玖拾捌元整" in slip
    receipt = _text(_issue(client, "finance.receipt", records["pay"]))
    assert "收款收据" in receipt and records["pay_no"] in receipt and "壹仟元整" in receipt
    notice = _text(_issue(client, "finance.rebate_notice", records["claim"]))
    assert "返利兑付通知单" in notice and "降价补差" in notice and "陆佰元整" in notice
    # Someone else's invoice: not found.
    assert _issue(client, "finance.invoice", records["b_inv"]) == 404


def test_aging_report_pdf_lists_only_visible_customers(records, client):
    client.login("sales2")
    text = _text(_issue(client, "finance.aging_report", TODAY.isoformat()))
    assert "应收账龄" in text and "西湖家电商行" in text and "杭州华联电器有限公司" not in text
