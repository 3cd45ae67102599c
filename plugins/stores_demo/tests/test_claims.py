"""Expense claims: no summary / no report, no reimbursement; the approved
claim posts exact amounts to finance; two approvers at once → one posting;
finance pays; bad amounts refused; the development report and its PDF."""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.services import ServiceError
from plugins.finance.models import Entry, Line
from plugins.stores_demo.models.development import StoresDemoClaim
from plugins.stores_demo.services import claims

from .dev_world import dev  # noqa: F401  (fixture)
from core import clock


def _lines(s, source: str) -> list[tuple[str, Decimal, Decimal]]:
    from plugins.finance.models import Account

    rows = s.execute(select(Account.code, Line.debit, Line.credit).join(Line.entry).join(Line.account)
                     .where(Entry.source == source).order_by(Line.position)).all()
    return [tuple(r) for r in rows]


def test_no_summary_no_reimbursement(dev, client):
    with dev.db.session() as s:
        v = dev.visit(s, upto="followed_up")
        cid = claims.file_claim(s, dev.user(s, "dev1"), visit=v, category="travel", amount="320.50",
                                description="高铁往返").id
        vid = v.id
    client.login("sd_mgr")
    page = client.post_form(f"/stores_demo/claims/{cid}/approve", follow_redirects=True).get_data(as_text=True)
    assert "无拜访总结不得报销" in page
    with dev.db.session() as s:
        assert s.get(StoresDemoClaim, cid).status == "submitted"
        assert _lines(s, f"stores_demo.claim:{cid}") == []
    client.login("sd_dev1")
    client.post_form(f"/stores_demo/visits/{vid}/summary", {"summary": "客户认可，约下周到店"})
    client.login("sd_mgr")
    client.post_form(f"/stores_demo/claims/{cid}/approve")
    with dev.db.session() as s:
        c = s.get(StoresDemoClaim, cid)
        assert c.status == "approved" and c.entry_number
        assert _lines(s, f"stores_demo.claim:{cid}") == [
            ("660101", Decimal("320.50"), Decimal("0.00")), ("2241", Decimal("0.00"), Decimal("320.50"))]


def test_no_report_no_reimbursement(dev):
    with dev.db.session() as s:
        r = dev.reception(s, upto="received")
        c = claims.file_claim(s, dev.user(s, "dev1"), reception=r, category="entertainment",
                              amount="280", description="茶点")
        with pytest.raises(ServiceError, match="无接待报告|No report"):
            claims.approve_claim(s, c, dev.user(s, "mgr"))
        from plugins.stores_demo.services import receptions

        receptions.report(s, r, dev.user(s, "dev1"), buying_experience="满意", outcome="成交")
        claims.approve_claim(s, c, dev.user(s, "mgr"))
        assert _lines(s, f"stores_demo.claim:{c.id}") == [
            ("660102", Decimal("280.00"), Decimal("0.00")), ("2241", Decimal("0.00"), Decimal("280.00"))]


@pytest.mark.parametrize("amount,message", [("0", "大于零"), ("-12", "大于零"),
                                            ("1e9", "过大"), ("abc", "不是有效金额"),
                                            ("NaN", "不是有效金额"), ("800.01", "超出批准款项")])
def test_bad_amounts_are_refused(dev, client, amount, message):
    with dev.db.session() as s:
        vid = dev.visit(s).id  # 800.00 approved
    client.login("sd_dev1")
    page = client.post_form("/stores_demo/claims/new", {
        "kind": "visit", "record_id": vid, "category": "travel", "amount": amount,
        "description": "出租车", "spent_on": clock.today().isoformat()}, follow_redirects=True)
    assert message in page.get_data(as_text=True)
    with dev.db.session() as s:
        assert s.scalar(select(func.count(StoresDemoClaim.id))) == 0


def test_two_approvers_at_once_post_once(dev, race):
    with dev.db.session() as s:
        v = dev.visit(s)
        cid = claims.file_claim(s, dev.user(s, "dev1"), visit=v, category="gift", amount="734.56",
                                description="小礼品与手提袋").id

    def approve_as(key):
        def work(s):
            claims.approve_claim(s, s.get(StoresDemoClaim, cid), dev.user(s, key))
            return "ok"
        return work

    results = race(approve_as("mgr"), approve_as("mgr_b"))
    assert results.count("ok") == 1, results
    with dev.db.session() as s:
        n = s.scalar(select(func.count(Entry.id)).where(Entry.source == f"stores_demo.claim:{cid}"))
        assert n == 1
        assert _lines(s, f"stores_demo.claim:{cid}")[0] == ("660103", Decimal("734.56"), Decimal("0.00"))


def test_finance_pays_an_approved_claim(dev, client):
    with dev.db.session() as s:
        v = dev.visit(s, owner="dev1")
        c = claims.file_claim(s, dev.user(s, "dev1"), visit=v, category="transport", amount="150",
                              description="公司车油费")
        cid = c.id
    client.login("sd_mgr")
    client.post_form(f"/stores_demo/claims/{cid}/approve")
    client.login("sd_fin")
    page = client.get("/stores_demo/claims?status=approved").get_data(as_text=True)
    assert "公司车油费" in page and f"/stores_demo/claims/{cid}/pay" in page
    client.post_form(f"/stores_demo/claims/{cid}/pay")
    with dev.db.session() as s:
        c = s.get(StoresDemoClaim, cid)
        assert c.status == "paid" and c.paid_by == dev.users["fin"].id
        assert _lines(s, f"stores_demo.claim_paid:{cid}") == [
            ("2241", Decimal("150.00"), Decimal("0.00")), ("1002", Decimal("0.00"), Decimal("150.00"))]
    # a developer may not pay
    client.login("sd_dev1")
    assert client.post_form(f"/stores_demo/claims/{cid}/pay").status_code == 403


def test_reject_keeps_the_reason_and_someone_elses_claim_is_hidden(dev, client):
    with dev.db.session() as s:
        v = dev.visit(s, account="b", owner="dev2")
        cid = claims.file_claim(s, dev.user(s, "dev2"), visit=v, category="travel", amount="66",
                                description="地铁").id
        vid = v.id
    client.login("sd_dev1")
    assert "地铁" not in client.get("/stores_demo/claims").get_data(as_text=True)
    assert client.post_form("/stores_demo/claims/new", {"kind": "visit", "record_id": vid,
                                                        "category": "travel", "amount": "10",
                                                        "description": "x"}).status_code == 404
    client.login("sd_mgr")
    client.post_form(f"/stores_demo/claims/{cid}/reject", {"reason": "无发票"})
    with dev.db.session() as s:
        c = s.get(StoresDemoClaim, cid)
        assert (c.status, c.reject_reason) == ("rejected", "无发票")


def _pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                         check=True, timeout=60).stdout.decode("utf-8")
    return re.sub(r"\s+", "", out)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
def test_development_report_page_and_pdf(dev, client):
    with dev.db.session() as s:
        v = dev.visit(s)
        c = claims.file_claim(s, dev.user(s, "dev1"), visit=v, category="travel", amount="456.70",
                              description="打车")
        claims.approve_claim(s, c, dev.user(s, "mgr"))
        from plugins.finance import api as finance

        finance.post_invoice(s, dev.accounts["a"], [{"description": "钻戒", "unit_price": "52000",
                                                     "quantity": 1}], user=dev.user(s, "mgr"))
    period = f"{clock.today():%Y-%m}"
    dev1, dev2 = dev.users["dev1"].id, dev.users["dev2"].id
    client.login("sd_mgr")
    page = client.get(f"/stores_demo/development-report?period={period}").get_data(as_text=True)
    assert "王丽华" in page and "52,000.00" in page and "456.70" in page
    client.login("sd_dev1")
    page = client.get(f"/stores_demo/development-report/{dev1}?period={period}").get_data(as_text=True)
    assert "结婚十周年，想要一克拉钻戒" in page
    resp = client.post_form(f"/documents/issue/stores_demo.development_report/{dev1}:{period}",
                            {"locale": "zh_CN"})
    assert resp.status_code == 303
    text = _pdf_text(client.get(resp.headers["Location"]).data)
    for expected in ("王丽华", "结婚十周年，想要一克拉钻戒", "52,000.00", "456.70"):
        assert expected in text, expected
    # someone else's report: page and PDF
    assert client.get(f"/stores_demo/development-report/{dev2}").status_code == 404
    assert client.post_form(f"/documents/issue/stores_demo.development_report/{dev2}:{period}",
                            {"locale": "zh_CN"}).status_code == 404
    # the auditor reads every developer's report: the list links to each one
    client.login("sd_aud")
    page = client.get(f"/stores_demo/development-report?period={period}").get_data(as_text=True)
    assert f"/stores_demo/development-report/{dev1}?period={period}" in page
    page = client.get(f"/stores_demo/development-report/{dev1}?period={period}").get_data(as_text=True)
    assert "结婚十周年，想要一克拉钻戒" in page
    client.login("sd_dev1")
    # bad month: a message, not a 500
    assert client.get("/stores_demo/development-report?period=2026-13").status_code == 200
