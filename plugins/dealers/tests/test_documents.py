"""PDFs: the order slip with signature and stamp boxes and the amount in
Chinese capitals, the dealer agreement, the sample count sheet and the
promotion summary — real Chinese text in the file."""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest

from plugins.dealers.models import DealerTerminal
from plugins.dealers.services import network, promotions, samples
from plugins.dealers.services import orders as order_svc
from core import clock

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")


def _text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                         check=True, timeout=60).stdout.decode("utf-8")
    return re.sub(r"\s+", "", out)


def _issue(client, spec: str, record_id: int) -> bytes:
    # As the page's PDF button sends it (see views.__init__._pdf_locale).
    resp = client.post_form(f"/documents/issue/{spec}/{record_id}", {"locale": "zh_CN"})
    assert resp.status_code == 303, resp.status_code
    pdf = client.get(resp.headers["Location"]).data
    assert pdf.startswith(b"%PDF-")
    return pdf


def test_order_slip_pdf_has_the_amount_in_capitals_and_the_signature_boxes(world, client):
    world.prepay("a", "12345.60")
    with world.db.session() as s:
        o = order_svc.create_order(s, world.customer(s, "a"), world.user(s, "sales1"))
        order_svc.add_line(s, o, world.product(s, "tv55"), 3, "2")        # 3136.00 × 3 = 9408.00
        order_svc.add_line(s, o, world.product(s, "tv65"), 1, "38.8")     # 4800 × 0.612 = 2937.60
        order_svc.approve_below_floor(s, o, world.user(s, "manager"), "旧款清仓")
        order_svc.confirm_order(s, o, world.user(s, "sales1"))
        oid, number = o.id, o.number
    client.login("sales1")
    text = _text(_issue(client, "dealers.order_slip", oid))
    for expected in ("销售指令单", number, "桐庐永利电器商行", "55E3", "12,345.60",
                     "壹万贰仟叁佰肆拾伍元陆角", "客户：签字", "客户：公司盖章", "此处盖章"):
        assert expected in text, expected


def test_agreement_count_sheet_and_promotion_summary_pdfs(world, client):
    with world.db.session() as s:
        c = world.customer(s, "a")
        network.save_profile(s, c, agreement_no="JX-2026-001", agreement_start="2026-01-01",
                             agreement_end="2026-12-31", annual_target_amount="1200000",
                             annual_target_units="300", main_push_share_pct="40")
        t = s.get(DealerTerminal, world.terminals["a"])
        samples.register_sample(s, t, world.product(s, "tv65"), serial_no="YJ-65-0001",
                                placed_on=clock.today())
        p = promotions.create_promotion(s, c, world.user(s, "sales1"), title="国庆黄金周",
                                        triggers=["holiday"], start_date="2025-10-01",
                                        end_date="2025-10-07")
        promotions.record_step(s, p, "survey", world.user(s, "sales1"), notes="海信以旧换新")
        cid, tid, pid = c.id, t.id, p.id
    client.login("sales1")
    text = _text(_issue(client, "dealers.agreement", cid))
    for expected in ("经销协议", "JX-2026-001", "桐庐永利电器商行", "1,200,000.00", "壹佰贰拾万元整",
                     "甲方（盖章）", "乙方（盖章）"):
        assert expected in text, expected
    text = _text(_issue(client, "dealers.sample_count_sheet", tid))
    for expected in ("样机盘点表", "YJ-65-0001", "65A5", "盘点人（业务员）"):
        assert expected in text, expected
    text = _text(_issue(client, "dealers.promotion_summary", pid))
    for expected in ("促销活动总结", "国庆黄金周", "市场调查", "海信以旧换新"):
        assert expected in text, expected
