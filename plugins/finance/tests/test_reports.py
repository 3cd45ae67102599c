"""The 科目余额表, 资产负债表 and 利润表 (issue 21, item 16) on a small ledger
built by hand: opening balances, a month of movements, one entry after it.
Every figure below is worked out in the comments."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from plugins.customers.api import Customer
from plugins.finance.models import Account
from plugins.finance.models.ledger import LIABILITY
from plugins.finance.services import chart, ledger, reports
from plugins.finance.services.ledger import LineSpec as L
from core import clock

Y = clock.today().year - 1
START, END = date(Y, 3, 1), date(Y, 3, 31)
D = Decimal


@pytest.fixture
def books(world):
    """Customer a buys and pays, customer b prepays and buys; output VAT on
    222101, a sub-account of 2221 in the chart: the reports must place it by
    reading the chart, under 应交税费."""
    a, b = world.customers["a"], world.customers["b"]
    with world.db.session() as s:
        chart.ensure_setup(s)
        def post(s, journal, when, lines):
            return ledger.post_entry(s, journal, when, lines, unit_id=world.office_id)

        post(s, "GEN", date(Y - 1, 12, 20), [L("1002", debit="100000"), L("4001", credit="100000")])
        post(s, "GEN", date(Y, 1, 5), [L("1405", debit="20000"), L("2202", credit="20000")])
        post(s, "GEN", date(Y, 2, 10), [L("1122", debit="11300", customer_id=a),
                                        L("6001", credit="10000"), L("222101", credit="1300")])
        post(s, "GEN", date(Y, 2, 20), [L("1002", debit="5000"), L("2203", credit="5000", customer_id=b)])
        # March
        post(s, "GEN", date(Y, 3, 5), [L("1002", debit="6300"), L("1122", credit="6300", customer_id=a)])
        post(s, "GEN", date(Y, 3, 12), [L("1122", debit="2260", customer_id=b),
                                        L("6001", credit="2000"), L("222101", credit="260")])
        post(s, "GEN", date(Y, 3, 15), [L("2203", debit="2260", customer_id=b),
                                        L("1122", credit="2260", customer_id=b)])
        post(s, "GEN", date(Y, 3, 20), [L("660101", debit="300"), L("1002", credit="300")])
        post(s, "GEN", date(Y, 3, 28), [L("6401", debit="1200"), L("1405", credit="1200")])
        # after the period: in no March figure
        post(s, "GEN", date(Y, 4, 2), [L("1002", debit="999"), L("6001", credit="999")])
        # another office's sale: in the company's figures, not in the office clerk's
        ledger.post_entry(s, "GEN", date(Y, 3, 9), [L("1001", debit="777"), L("6051", credit="777")],
                          unit_id=world.other_office_id)
        codes = {c.id: c.code for c in s.query(Customer).filter(Customer.id.in_([a, b]))}
    return {"a": codes[a], "b": codes[b]}


def _office(world):
    """The lines counted for the office (the other office's sale left out)."""
    from core.access import subtree_ids

    return subtree_ids(world.office_id)


def _row(tb, code):
    r = next(r for r in tb.rows if r.code == code)
    return (r.opening_debit, r.opening_credit, r.debit, r.credit, r.closing_debit, r.closing_credit)


def test_period_trial_balance_hand_computed(world, books):
    with world.db.session() as s:
        tb = reports.period_trial_balance(s, START, END, _office(world))
    assert [r.code for r in tb.rows] == ["1002", "1122", "1405", "2202", "2203", "222101",
                                         "4001", "6001", "6401", "660101"]
    # 1002: 100,000 + 5,000 before March; +6,300 −300 in March → 111,000
    assert _row(tb, "1002") == (D("105000"), 0, D("6300"), D("300"), D("111000"), 0)
    # 1122: 11,300 from February; +2,260 −6,300 −2,260 → 5,000
    assert _row(tb, "1122") == (D("11300"), 0, D("2260"), D("8560"), D("5000"), 0)
    assert _row(tb, "2203") == (0, D("5000"), D("2260"), 0, 0, D("2740"))
    assert _row(tb, "222101") == (0, D("1300"), 0, D("260"), 0, D("1560"))
    assert _row(tb, "6001") == (0, D("10000"), 0, D("2000"), 0, D("12000"))  # April's 999 left out
    assert _row(tb, "4001") == (0, D("100000"), 0, 0, 0, D("100000"))
    t = tb.total
    assert (t.opening_debit, t.opening_credit) == (D("136300"), D("136300"))
    assert (t.debit, t.credit) == (D("12320"), D("12320"))
    assert (t.closing_debit, t.closing_credit) == (D("136300"), D("136300"))
    assert tb.subledger == ("1122", "2203")


def test_customer_subledgers_hand_computed(world, books):
    with world.db.session() as s:
        ar = reports.customer_subledger(s, START, END, "1122", _office(world))
        adv = reports.customer_subledger(s, START, END, "2203", _office(world))
    rows = {r.code: (r.opening_debit, r.debit, r.credit, r.closing_debit) for r in ar.rows}
    assert rows == {books["a"]: (D("11300"), 0, D("6300"), D("5000")),
                    books["b"]: (0, D("2260"), D("2260"), 0)}
    assert (ar.total.closing_debit, ar.total.credit) == (D("5000"), D("8560"))
    assert [(r.code, r.opening_credit, r.debit, r.closing_credit) for r in adv.rows] == [
        (books["b"], D("5000"), D("2260"), D("2740"))]


def _lines(st):
    return {key: values for _label, key, values, _b, _i in st.rows}


def test_balance_sheet_balances_with_the_current_profit(world, books):
    with world.db.session() as s:
        st = reports.balance_sheet(s, END, _office(world))
    v = {k: (x["closing"], x["opening"]) for k, x in _lines(st).items()}
    assert v["cash"] == (D("111000"), D("100000"))
    assert v["receivable"] == (D("5000"), 0) and v["inventory"] == (D("18800"), 0)
    assert v["assets"] == (D("134800"), D("100000"))
    assert v["payable"] == (D("20000"), 0) and v["advances"] == (D("2740"), 0)
    assert v["taxes"] == (D("1560"), 0)  # 222101 read from the chart, under 2221
    assert v["liabilities"] == (D("24300"), 0)
    # revenue 12,000 − cost 1,200 − travel 300 = 10,500 of current profit
    assert v["undistributed"] == (D("10500"), 0) and v["paid_in"] == (D("100000"), D("100000"))
    assert v["equity"] == (D("110500"), D("100000"))
    assert v["liabilities_equity"] == v["assets"] and st.balanced


def test_income_statement_hand_computed(world, books):
    with world.db.session() as s:
        st = reports.income_statement(s, START, END, _office(world))
    v = {k: (x["period"], x["ytd"]) for k, x in _lines(st).items()}
    assert v["revenue"] == (D("2000"), D("12000"))
    assert v["cost"] == (D("1200"), D("1200")) and v["selling"] == (D("300"), D("300"))
    assert v["operating_profit"] == (D("500"), D("10500"))
    assert v["total_profit"] == v["net_profit"] == (D("500"), D("10500"))


def test_report_pages_excel_and_access(world, books, client):
    # company-wide for the auditor: the other office's 777.00 is in
    client.login("aud")
    html = client.get(f"/finance/ledger/trial-balance?start={START}&end={END}").get_data(as_text=True)
    assert '<tr data-code="6051">' in html and "137,077.00" in html
    assert "135,577.00" in client.get(f"/finance/reports/balance-sheet?day={END}").get_data(as_text=True)
    assert "/documents/issue/" not in html  # read-only: no PDF button it could not use
    client.logout()
    client.login("fin")  # the office's finance clerk: the office's lines only
    html = client.get(f"/finance/ledger/trial-balance?start={START}&end={END}").get_data(as_text=True)
    assert "科目余额表" in html and "/documents/issue/finance.trial_balance/" in html
    assert 'data-code="6051"' not in html
    row = re.search(r'<tr data-code="1122">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', row) == [
        "11,300.00", "0.00", "2,260.00", "8,560.00", "5,000.00", "0.00"]
    total = re.search(r'<tr class="total" data-code="total">(.*?)</tr>', html, re.S).group(1)
    assert "136,300.00" in total and "12,320.00" in total
    sub = client.get(f"/finance/ledger/trial-balance/1122?start={START}&end={END}").get_data(as_text=True)
    assert books["a"] in sub and "6,300.00" in sub
    assert client.get("/finance/ledger/trial-balance/6001").status_code == 404
    bs = client.get(f"/finance/reports/balance-sheet?day={END}").get_data(as_text=True)
    assert "资产负债表" in bs and "134,800.00" in bs and "未分配利润" in bs
    inc = client.get(f"/finance/reports/income-statement?start={START}&end={END}").get_data(as_text=True)
    assert "利润表" in inc and "10,500.00" in inc
    # Excel through the core helper: numbers stay numbers, text is escaped
    resp = client.get(f"/finance/ledger/trial-balance.xlsx?start={START}&end={END}")
    wb = load_workbook(io.BytesIO(resp.data))
    rows = {r[0]: r for r in wb.worksheets[0].iter_rows(min_row=3, values_only=True)}
    assert rows["1122"][2:] == (11300, 0, 2260, 8560, 5000, 0)
    assert rows["222101"][1] == "应交税费-应交增值税（销项税额）"
    sub_rows = {r[0]: r for r in wb["1122 应收账款"].iter_rows(min_row=2, values_only=True)}
    assert sub_rows[books["a"]][-2] == 5000
    resp = client.get(f"/finance/reports/balance-sheet.xlsx?day={END}")
    sheet = load_workbook(io.BytesIO(resp.data)).worksheets[0]
    values = {str(r[0]).strip("　"): r[1] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert values["资产总计"] == values["负债和所有者权益（或股东权益）总计"] == 134800
    # who may not read finance reports: 403, and no menu entry
    client.logout()
    client.login("sales1")
    assert client.get("/finance/ledger/trial-balance").status_code == 403
    assert client.get("/finance/reports/balance-sheet").status_code == 403
    assert client.get("/finance/ledger/trial-balance.xlsx").status_code == 403
    assert "/finance/ledger/trial-balance" not in client.get("/finance/").get_data(as_text=True)


def test_a_formula_in_an_account_name_is_written_as_text(world, books, client):
    with world.db.session() as s:
        acc = s.query(Account).filter_by(code="6602").one()
        acc.name = '=HYPERLINK("http://x")'
        ledger.post_entry(s, "GEN", date(Y, 3, 3), [L("6602", debit="10"), L("1002", credit="10")])
    client.login("aud")
    resp = client.get(f"/finance/ledger/trial-balance.xlsx?start={START}&end={END}")
    rows = {r[0]: r for r in load_workbook(io.BytesIO(resp.data)).worksheets[0].iter_rows(values_only=True)}
    assert rows["6602"][1] == '\'=HYPERLINK("http://x")'


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
def test_report_pdfs_are_in_chinese_with_the_figures(world, books, client):
    client.login("fin")  # the office's finance clerk; the auditor reads on screen only
    for spec, rid, expected in (
            ("finance.trial_balance", f"{START}_{END}", ("科目余额表", "期初余额", "应收账款", "136,300.00")),
            ("finance.balance_sheet", f"{END}", ("资产负债表", "货币资金", "应交税费", "134,800.00")),
            ("finance.income_statement", f"{START}_{END}", ("利润表", "营业收入", "净利润", "10,500.00"))):
        resp = client.post_form(f"/documents/issue/{spec}/{rid}", {"locale": "zh_CN"})
        assert resp.status_code == 303, (spec, resp.status_code)
        pdf = client.get(resp.headers["Location"]).data
        text = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf,
                                                 capture_output=True, check=True, timeout=60).stdout.decode())
        for word in expected:
            assert word in text, (spec, word)
    client.logout()
    client.login("sales1")
    assert client.post_form(f"/documents/issue/finance.balance_sheet/{END}", {}).status_code in (403, 404)
