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


def _pages(data: bytes) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                         check=True, timeout=60).stdout.decode("utf-8")
    return [re.sub(r"\s+", "", page) for page in out.split("\f") if page.strip()]


def test_the_agreement_keeps_the_signature_block_with_the_last_clause(world, client):
    """Issue 21, item 19: the signature and seal block printed alone on page 2."""
    with world.db.session() as s:
        c = world.customer(s, "a")
        network.save_profile(s, c, agreement_no="JX-2026-002", agreement_start="2026-01-01",
                             agreement_end="2026-12-31", annual_target_amount="1200000",
                             annual_target_units="300", main_push_share_pct="40")
        cid = c.id
    client.login("sales1")
    pages = _pages(_issue(client, "dealers.agreement", cid))
    signed = [i for i, p in enumerate(pages) if "甲方（盖章）" in p]
    last_clause = [i for i, p in enumerate(pages) if "双方每月对账" in p]
    # the text runs past one page; the block follows the clause to the last one
    assert len(pages) >= 2 and signed == last_clause == [len(pages) - 1], (signed, last_clause)


def test_batch_pdfs_are_chosen_from_the_list_and_named_by_number(world, client):
    """Issue 21, item 20: batch PDFs were chosen by typing record ids and the
    ZIP named its files by id.  The order list has a checkbox per order and a
    select-all box; the ZIP's files carry the orders' numbers."""
    import io
    import time
    import zipfile

    from core.jobs.models import Job

    world.prepay("a", "20000")
    numbers = {}
    with world.db.session() as s:
        for _i in range(2):
            o = order_svc.create_order(s, world.customer(s, "a"), world.user(s, "sales1"))
            order_svc.add_line(s, o, world.product(s, "tv55"), 1)
            order_svc.confirm_order(s, o, world.user(s, "sales1"))
            s.flush()
            numbers[o.id] = o.number
    client.login("sales1")
    html = client.get(f"/dealers/orders?customer_id={world.dealers['a']}").get_data(as_text=True)
    assert 'data-check-all="record_id"' in html and 'action="/documents/batch"' in html
    for oid in numbers:
        assert f'name="record_id" value="{oid}"' in html
    resp = client.post_form("/documents/batch", {"spec": "dealers.order_slip", "locale": "zh_CN",
                                                 "record_id": [str(i) for i in numbers]})
    assert resp.status_code == 303, resp.status_code
    job_id = int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    deadline = time.monotonic() + 120
    while True:
        with world.db.session() as s:
            job = s.get(Job, job_id)
            finished, status = job.finished, job.status
        if finished or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert status == "done", status
    data = client.get(f"/jobs/{job_id}/result").get_data()
    names = sorted(zipfile.ZipFile(io.BytesIO(data)).namelist())
    expected = sorted(re.sub(r"[^\w.-]+", "-", n).strip("-.") + ".pdf" for n in numbers.values())
    assert names == expected and not any(f"-{oid}.pdf" in "".join(names) for oid in numbers)
    # the dealers list offers the agreements the same way
    html = client.get("/dealers/list").get_data(as_text=True)
    assert 'value="dealers.agreement"' in html and f'name="record_id" value="{world.dealers["a"]}"' in html


def test_an_english_agreement_names_the_dealer_kind_in_english(world, client):
    """Issue 21, item 22: English PDFs printed 传统客户 (the kind was turned
    into text in the reader's language before the PDF's was chosen)."""
    from flask_babel import force_locale

    from plugins.customers.api import kinds

    with world.db.session() as s:
        c = world.customer(s, "a")
        cid, label = c.id, dict(kinds(s))[c.kind]
    with client.application.test_request_context():
        with force_locale("en"):
            english = str(label)
        with force_locale("zh_CN"):
            chinese = str(label)
    assert english != chinese
    client.login("sales1")  # reads Chinese
    resp = client.post_form(f"/documents/issue/dealers.agreement/{cid}", {"locale": "en"})
    assert resp.status_code == 303
    text = _text(client.get(resp.headers["Location"]).data)
    assert english.replace(" ", "") in text and chinese not in text
