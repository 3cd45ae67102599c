"""The other PDFs: sales slip, receipt, rebate settlement notice and the
aged receivables report — Chinese text in the file, and only for records
the user may see."""
from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from datetime import date, timedelta

import pytest

from plugins.finance.services import receivables
from plugins.finance.services import rebates
from core import clock

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
TODAY = clock.today()


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
        inv = receivables.post_invoice(s, a, [{"description": "55寸电视", "unit_price": "3299.00",
                                        "quantity": 2}])
        pay = receivables.record_payment(s, a, "1000.00", reference="工行回单 8812")
        claim = rebates.create_claim(s, a, "price_drop", period_start=TODAY - timedelta(days=30),
                                     period_end=TODAY, lines=[{"product": "55寸电视",
                                                               "quantity": 4,
                                                               "unit_amount": "150.00"}],
                                     user=world.user(s, "sales1"))
        rebates.add_evidence(s, claim, io.BytesIO(b"%PDF-1.4\n%\n"), "e.pdf")
        rebates.submit_claim(s, claim)
        rebates.approve_claim(s, claim, user=world.user(s, "manager"))
        b_inv = receivables.post_invoice(s, world.customers["b"], [{"description": "冰箱",
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


def _words(data: bytes) -> list[tuple[int, float, float, str]]:
    """(page, top, right edge, text) of every word, from ``pdftotext -bbox``."""
    out = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", "-", "-"], input=data,
                         capture_output=True, check=True, timeout=60).stdout.decode("utf-8")
    words, page = [], 0
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(r'yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*)</word>', line)
        if m:
            words.append((page, float(m[1]), float(m[2]), html.unescape(m[3])))
    return words


def test_a_long_statement_breaks_pages_where_planned_and_its_columns_line_up(world, db,
                                                                            tmp_path):
    from core import documents
    from core.documents.paging import page_starts
    from plugins.finance.documents import STATEMENT_PAGING
    from plugins.finance.services import statements

    cid = world.customers["a"]
    month = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)
    names = ["美的 1.5 匹变频空调 KFR-35GW/BP2DN1Y-PH400(B3)，含安装与辅材", "海尔冰箱",
             "<b>甲 & 乙</b> 样机"]
    for i in range(75):
        receivables.post_invoice(db, cid, [{"description": names[i % 3], "unit_price": f"{90 + i}.50"}],
                          when=month + timedelta(days=i % 28))
    period = statements.period_of(month)
    st = statements.issue(db, cid, period)
    moves = statements.statement_data(db, cid, period)["movements"]
    doc = documents.issue(db, "finance.statement", st.id, world.user(db, "finance"),
                          locale="zh_CN")
    pdf = documents.read_pdf(db, doc)

    words = _words(pdf)
    numbers = {m["number"]: i for i, m in enumerate(moves)}
    first_on_page: dict[int, int] = {}
    rows: dict[tuple[int, float], list] = {}
    for page, top, right, text in words:
        if text in numbers:
            first_on_page.setdefault(page, numbers[text])
        rows.setdefault((page, round(top)), []).append((right, text))
    starts = page_starts(moves, STATEMENT_PAGING)
    assert len(starts) >= 2
    assert sorted(first_on_page.values())[1:] == starts  # every page begins as planned
    # On each movement's first line the amount and the balance end in the
    # same place, whatever the description's length.
    edges = [sorted(r)[-2:] for r in rows.values() if any(t in numbers for _, t in r)]
    assert len(edges) == len(moves)
    for column in (0, 1):
        rights = [e[column][0] for e in edges]
        assert max(rights) - min(rights) < 0.5, column
    text = _text(pdf)
    assert "<b>甲&乙</b>样机" in text  # printed as typed, not as markup
    assert "KFR-35GW/BP2DN1Y-PH400(B3)，含安装与辅材" in text

    path = tmp_path / "statement.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout
    mono = [line for line in fonts.splitlines() if "+Qudao-Mono" in line]
    assert mono and all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in mono)


def test_a_long_aging_report_is_paged_landscape_and_numbered_on_each_page(world, db):
    """Sixty-two customers: laid out in parts (landscape), joined, and
    "第 n 页 / 共 N 页" laid over the bottom right of every landscape page."""
    import pikepdf

    from core import documents
    from core.documents.paging import page_starts
    from plugins.finance.documents import AGING_PAGING, aging_context

    owner = world.users["sales1"].id
    ids = [world.make_customer(f"账龄测试客户{i:02d}号商行", owner) for i in range(60)]
    for i, cid in enumerate(ids):
        receivables.post_invoice(db, cid, [{"description": "x", "unit_price": f"{100 + i}.00"}],
                          when=TODAY - timedelta(days=40), due_date=TODAY - timedelta(days=35))
    db.commit()
    rows = aging_context(db, TODAY.isoformat(), world.user(db, "finance"))["rows"]
    assert len(rows) >= 60
    starts = page_starts(rows, AGING_PAGING)
    doc = documents.issue(db, "finance.aging_report", TODAY.isoformat(),
                          world.user(db, "finance"), locale="zh_CN")
    pdf = documents.read_pdf(db, doc)
    with pikepdf.open(io.BytesIO(pdf)) as p:
        sizes = {tuple(round(float(v)) for v in page.mediabox) for page in p.pages}
        pages = len(p.pages)
    assert sizes == {(0, 0, 842, 595)}  # A4 landscape
    assert pages == len(starts) + 1
    numbers = [(page, right, text) for page, _top, right, text in _words(pdf)
               if text.startswith("第") or text == "页"]
    for n in range(1, pages + 1):
        assert any(page == n and right > 700 for page, right, _t in numbers), n
    text = _text(pdf)
    assert f"第{pages}页/共{pages}页" in text
    assert "账龄测试客户00号商行" in text and "账龄测试客户59号商行" in text
