"""VAT (issue 21 §15): rates per line, prices with or without tax, output
VAT on 222101, invoice types and the buyer's tax details, credit notes
(红字发票) and rebates reversing the tax."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core import settings
from core.services import ServiceError
from plugins.finance.models import Account, Entry, Invoice, Line
from plugins.finance.services import ledger, rebates, receivables, sources
from plugins.finance.services.chart import (
    ADVANCES,
    OTHER_PAYABLE,
    OUTPUT_VAT,
    REBATE_EXPENSE,
    RECEIVABLE,
    REVENUE_MAIN,
)
from plugins.finance.services.tax import split_amount
from core import clock

TODAY = clock.today()
D = Decimal
BUYER = {"name": "杭州华联电器有限公司", "tax_id": "91330100MA2H0XXX1K",
         "address_phone": "杭州市延安路1号 0571-88880000",
         "bank_account": "工商银行杭州分行 1202020209000012345"}


def _entry_lines(db, entry_id) -> list[tuple[str, Decimal, Decimal]]:
    return [(code, debit, credit) for code, debit, credit in db.execute(
        select(Account.code, Line.debit, Line.credit).join(Account, Account.id == Line.account_id)
        .where(Line.entry_id == entry_id).order_by(Line.position))]


def test_1130_inclusive_at_13_percent_posts_1000_net_and_130_tax(world, db):
    cid = world.customers["a"]
    inv = receivables.post_invoice(db, cid, [{"description": "55寸电视", "unit_price": "1130.00",
                                              "tax_rate": "13"}])
    assert (inv.amount, inv.net_amount, inv.tax_amount) == (D("1130.00"), D("1000.00"),
                                                             D("130.00"))
    assert _entry_lines(db, inv.entry_id) == [
        (RECEIVABLE, D("1130.00"), D("0.00")), (REVENUE_MAIN, D("0.00"), D("1000.00")),
        (OUTPUT_VAT, D("0.00"), D("130.00"))]
    assert ledger.account_balance(db, OUTPUT_VAT, cid) == D("-130.00")
    assert ledger.customer_balance(db, cid) == D("1130.00")


def test_each_rate_and_rounding_per_line_to_the_fen(world, db):
    cid = world.customers["a"]
    inv = receivables.post_invoice(db, cid, [
        {"description": "冰箱", "unit_price": "99.99", "quantity": 3, "tax_rate": "13"},
        {"description": "运输", "unit_price": "10.00", "tax_rate": "9"},
        {"description": "安装服务", "unit_price": "100.00", "tax_rate": "6"},
        {"description": "小规模代开", "unit_price": "100.00", "tax_rate": "3"},
        {"description": "出口", "unit_price": "500.00", "tax_rate": "0"},
        {"description": "农产品", "unit_price": "50.00", "tax_rate": "exempt"},
    ])
    got = [(ln.tax_rate, ln.amount, ln.net_amount, ln.tax_amount) for ln in inv.lines]
    assert got == [
        # 299.97 × 13 / 113 = 34.5098… → 34.51
        ("13", D("299.97"), D("265.46"), D("34.51")),
        # 10 × 9 / 109 = 0.8256… → 0.83
        ("9", D("10.00"), D("9.17"), D("0.83")),
        ("6", D("100.00"), D("94.34"), D("5.66")),
        ("3", D("100.00"), D("97.09"), D("2.91")),
        ("0", D("500.00"), D("500.00"), D("0.00")),
        ("exempt", D("50.00"), D("50.00"), D("0.00")),
    ]
    assert inv.amount == D("1059.97") and inv.tax_amount == D("43.91")
    # One 222101 line per rate that carries tax; the entry balances.
    lines = _entry_lines(db, inv.entry_id)
    assert [c for code, _d, c in lines if code == OUTPUT_VAT] == [D("34.51"), D("0.83"),
                                                                   D("5.66"), D("2.91")]
    assert sum(d for _c, d, _x in lines) == sum(c for _c, _d, c in lines) == D("1059.97")


def test_half_a_fen_rounds_up():
    # 0.50 × 0.09 = 0.045 → 0.05 (ROUND_HALF_UP), not 0.04 (banker's rounding).
    assert split_amount(D("0.50"), "9", inclusive=False).tax == D("0.05")
    # 2.50 × 0.03 = 0.075 → 0.08; 0.50 × 0.13 = 0.065 → 0.07.
    assert split_amount(D("2.50"), "3", inclusive=False).tax == D("0.08")
    assert split_amount(D("0.50"), "13", inclusive=False).gross == D("0.57")
    assert split_amount(D("1.13"), "13", inclusive=True).tax == D("0.13")


def test_prices_without_tax_per_document_and_by_setting(world, db):
    cid = world.customers["a"]
    inv = receivables.post_invoice(db, cid, [{"description": "电视", "unit_price": "1000.00",
                                              "quantity": 2, "tax_rate": "13"}],
                                   prices_include_tax=False)
    assert (inv.net_amount, inv.tax_amount, inv.amount) == (D("2000.00"), D("260.00"),
                                                             D("2260.00"))
    assert not inv.prices_include_tax
    settings.set(db, "finance.prices_include_tax", False)
    settings.set(db, "finance.default_tax_rate", "9")
    inv = receivables.post_invoice(db, cid, [{"description": "运输", "unit_price": "100.00"}])
    assert (inv.lines[0].tax_rate, inv.amount, inv.tax_amount) == ("9", D("109.00"), D("9.00"))
    # …and a document may still say its prices include tax.
    inv = receivables.post_invoice(db, cid, [{"description": "运输", "unit_price": "109.00"}],
                                   prices_include_tax=True)
    assert (inv.amount, inv.tax_amount) == (D("109.00"), D("9.00"))


def test_unknown_rate_is_refused_and_nothing_posts(world, db):
    with pytest.raises(ServiceError, match="Unknown tax rate"):
        receivables.post_invoice(db, world.customers["a"], [
            {"description": "电视", "unit_price": "100.00", "tax_rate": "17"}])
    assert db.scalar(select(Invoice.id)) is None


def test_special_invoice_needs_every_buyer_detail(world, db):
    cid = world.customers["a"]
    line = [{"description": "电视", "unit_price": "1130.00"}]
    with pytest.raises(ServiceError, match="special VAT invoice needs the buyer's"):
        receivables.post_invoice(db, cid, line, invoice_type="special",
                                 buyer={**BUYER, "bank_account": ""})
    with pytest.raises(ServiceError, match="taxpayer identification number"):
        receivables.post_invoice(db, cid, line, invoice_type="special",
                                 buyer={**BUYER, "tax_id": "123"})
    assert db.scalar(select(Invoice.id)) is None
    inv = receivables.post_invoice(db, cid, line, invoice_type="special",
                                   buyer={**BUYER, "tax_id": "91330100ma2h0xxx1k"})
    assert inv.buyer_tax_id == "91330100MA2H0XXX1K" and inv.invoice_type == "special"
    # The next tax invoice of the customer takes the details last invoiced.
    nxt = receivables.post_invoice(db, cid, line, invoice_type="special")
    assert (nxt.buyer_name, nxt.buyer_bank_account) == (BUYER["name"], BUYER["bank_account"])
    # A sales slip (销售单) is not a tax invoice and needs none of it.
    slip = receivables.post_invoice(db, world.customers["b"], line, invoice_type="slip")
    assert slip.buyer_tax_id == "" and slip.tax_amount == D("130.00")


@pytest.mark.parametrize("kind,debit_account", [
    ("return", REVENUE_MAIN), ("price_adjust", REVENUE_MAIN), ("offset", REVENUE_MAIN),
    ("price_drop", REBATE_EXPENSE),
])
def test_credit_note_reverses_the_tax_at_the_invoice_rate(world, db, kind, debit_account):
    cid = world.customers["a"]
    inv = receivables.post_invoice(db, cid, [{"description": "电视", "unit_price": "1130.00",
                                              "tax_rate": "13"}])
    cn = receivables.post_credit_note(db, cid, kind, "113.00", reason="红冲", invoice_id=inv.id)
    assert (cn.tax_rate, cn.net_amount, cn.tax_amount) == ("13", D("100.00"), D("13.00"))
    assert _entry_lines(db, cn.entry_id) == [
        (debit_account, D("100.00"), D("0.00")), (OUTPUT_VAT, D("13.00"), D("0.00")),
        (ADVANCES, D("0.00"), D("113.00"))]
    assert ledger.account_balance(db, OUTPUT_VAT) == D("-117.00")
    assert ledger.customer_balance(db, cid) == D("1017.00")
    # Reversing the credit note (红冲 of the 红字发票) puts the tax back.
    receivables.reverse_credit_note(db, cn, reason="开错")
    assert ledger.account_balance(db, OUTPUT_VAT) == D("-130.00")


def test_a_full_return_and_an_invoice_reversal_leave_no_tax(world, db):
    cid = world.customers["a"]
    inv = receivables.post_invoice(db, cid, [{"description": "电视", "unit_price": "1130.00"}])
    receivables.post_credit_note(db, cid, "return", "1130.00", reason="退货", invoice_id=inv.id)
    assert ledger.account_balance(db, OUTPUT_VAT) == D("0.00")
    assert ledger.account_balance(db, REVENUE_MAIN) == D("0.00")
    other = receivables.post_invoice(db, cid, [{"description": "电视", "unit_price": "565.00"}])
    assert ledger.account_balance(db, OUTPUT_VAT) == D("-65.00")
    receivables.reverse_invoice(db, other, reason="开错")
    assert ledger.account_balance(db, OUTPUT_VAT) == D("0.00")


def test_credit_note_against_an_exempt_invoice_carries_no_tax(world, db):
    cid = world.customers["a"]
    inv = receivables.post_invoice(db, cid, [{"description": "农产品", "unit_price": "200.00",
                                              "tax_rate": "exempt"}])
    cn = receivables.post_credit_note(db, cid, "return", "50.00", reason="退货", invoice_id=inv.id)
    assert (cn.tax_rate, cn.tax_amount) == ("exempt", D("0.00"))
    assert ledger.account_balance(db, OUTPUT_VAT) == D("0.00")


def test_rebate_redeemed_by_credit_note_reverses_output_vat(world, db):
    cid = world.customers["a"]
    receivables.post_invoice(db, cid, [{"description": "电视", "unit_price": "5650.00"}])
    claim = rebates.create_claim(
        db, cid, "sales_subsidy", period_start=TODAY.replace(day=1) - timedelta(days=31),
        period_end=TODAY.replace(day=1) - timedelta(days=1),
        lines=[{"product": "55寸电视", "quantity": "10", "unit_amount": "56.50"}],
        user=world.user(db, "sales1"))
    rebates.add_evidence(db, claim, io.BytesIO(b"%PDF-1.4\n"), "e.pdf", world.user(db, "sales1"))
    rebates.submit_claim(db, claim, world.user(db, "sales1"))
    rebates.approve_claim(db, claim, user=world.user(db, "manager"))
    rebates.redeem_claim(db, claim, method="credit_note", user=world.user(db, "finance"))
    # 565.00 rebate at 13 %: 500.00 is the rebate's cost, 65.00 comes off output VAT.
    assert ledger.account_balance(db, OTHER_PAYABLE, cid) == D("0.00")
    assert ledger.account_balance(db, REBATE_EXPENSE) == D("500.00")
    assert ledger.account_balance(db, OUTPUT_VAT) == D("-585.00")
    assert ledger.customer_balance(db, cid) == D("5085.00")


def test_verify_finds_an_invoice_whose_tax_disagrees_with_its_lines(world, db):
    inv = receivables.post_invoice(db, world.customers["a"], [
        {"description": "电视", "unit_price": "1130.00"}])
    assert sources.check_tax(db) == []
    inv.tax_amount = D("120.00")
    db.flush()
    problems = sources.check_tax(db)
    assert len(problems) == 1 and inv.number in problems[0]


# -- the pages ---------------------------------------------------------------
@pytest.fixture
def fin(client, world):
    client.login("fin")
    return client


def _invoice_form(world, **extra):
    return {"customer_id": world.customers["a"], "date": TODAY.isoformat(),
            "desc_0": "55寸电视", "qty_0": "1", "price_0": "1130.00", "rate_0": "13", **extra}


def test_invoice_form_posts_tax_and_shows_it(fin, world, app):
    resp = fin.post_form("/finance/invoices/new", _invoice_form(
        world, invoice_type="special", prices_include_tax="1",
        **{f"buyer_{k}": v for k, v in BUYER.items()}))
    assert resp.status_code in (302, 303)
    with app.extensions["qudao"].db.session() as s:
        inv = s.scalar(select(Invoice))
        assert (inv.invoice_type, inv.net_amount, inv.tax_amount) == ("special", D("1000.00"),
                                                                       D("130.00"))
        inv_id = inv.id
    html = fin.get(f"/finance/invoices/{inv_id}").get_data(True)
    assert "增值税专用发票" in html and "价税合计" in html and "1,000.00" in html
    assert "130.00" in html and "13%" in html and BUYER["tax_id"] in html
    # The bank account is personal data: masked for a clerk without the right to reveal it.
    assert "**** **** **** 2345" in html and BUYER["bank_account"] not in html


def test_invoice_form_refuses_a_special_invoice_without_buyer_details(fin, world, app):
    with app.extensions["qudao"].db.session() as s:
        settings.set(s, "finance.default_invoice_type", "special")
    resp = fin.post_form("/finance/invoices/new", _invoice_form(world))
    assert resp.status_code == 422
    html = resp.get_data(True)
    assert 'id="buyer_tax_id-error"' in html and "专用发票须填写购买方的" in html
    with app.extensions["qudao"].db.session() as s:
        assert s.scalar(select(Invoice.id)) is None and s.scalar(select(Entry.id)) is None


def test_invoice_form_prices_without_tax_and_an_unknown_rate(fin, world, app):
    resp = fin.post_form("/finance/invoices/new", _invoice_form(world, rate_0="17"))
    assert resp.status_code == 422 and 'id="rate_0-error"' in resp.get_data(True)
    resp = fin.post_form("/finance/invoices/new", _invoice_form(
        world, prices_include_tax="0", price_0="1000.00", rate_0="6"))
    assert resp.status_code in (302, 303)
    with app.extensions["qudao"].db.session() as s:
        inv = s.scalar(select(Invoice))
        assert (inv.amount, inv.tax_amount, inv.invoice_type) == (D("1060.00"), D("60.00"), "slip")


def test_credit_note_form_takes_a_rate_and_is_named_as_the_desk_does(fin, world, app):
    with app.extensions["qudao"].db.session() as s:
        receivables.post_invoice(s, world.customers["a"], [
            {"description": "电视", "unit_price": "1130.00"}])
    html = fin.get("/finance/credit-notes/new").get_data(True)
    assert "新开红字发票" in html
    resp = fin.post_form("/finance/credit-notes/new", {
        "customer_id": world.customers["a"], "kind": "offset", "amount": "106.00",
        "tax_rate": "6", "date": TODAY.isoformat(), "reason": "冲差"})
    assert resp.status_code in (302, 303)
    with app.extensions["qudao"].db.session() as s:
        assert ledger.account_balance(s, OUTPUT_VAT) == D("-124.00")


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
def test_sales_slip_pdf_shows_the_tax(fin, world, app):
    with app.extensions["qudao"].db.session() as s:
        inv_id = receivables.post_invoice(s, world.customers["a"], [
            {"description": "55寸电视", "unit_price": "1130.00", "tax_rate": "13"}]).id
    resp = fin.post_form(f"/documents/issue/finance.invoice/{inv_id}", {"locale": "zh_CN"})
    assert resp.status_code == 303
    text = re.sub(r"\s+", "", subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=fin.get(resp.headers["Location"]).data,
        capture_output=True, check=True, timeout=60).stdout.decode("utf-8"))
    assert "销售单" in text and "本销售单不是增值税发票" in text
    assert "1,000.00" in text and "130.00" in text and "13%" in text
    assert "价税合计" in text and "壹仟壹佰叁拾元整" in text


def test_statement_shows_the_output_vat_of_the_month(world, db):
    from plugins.finance.services import statements

    cid = world.customers["a"]
    last = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)
    inv = receivables.post_invoice(db, cid, [{"description": "电视", "unit_price": "2260.00"}],
                                   when=last + timedelta(days=2))
    receivables.post_credit_note(db, cid, "return", "226.00", reason="退货", invoice_id=inv.id,
                                 when=last + timedelta(days=3))
    receivables.post_invoice(db, world.customers["b"], [{"description": "冰箱",
                                                         "unit_price": "1130.00"}],
                             when=last + timedelta(days=2))
    data = statements.statement_data(db, cid, statements.period_of(last))
    assert data["vat"] == D("234.00")          # 260.00 − 26.00, customer a only
    assert data["closing"] == D("2034.00")


def test_new_invoice_form_offers_the_buyer_details_of_visible_customers_only(fin, world, app):
    with app.extensions["qudao"].db.session() as s:
        receivables.post_invoice(s, world.customers["a"], [
            {"description": "电视", "unit_price": "1130.00"}], invoice_type="special", buyer=BUYER)
    html = fin.get(f"/finance/invoices/new?customer_id={world.customers['a']}").get_data(True)
    assert f'placeholder="{BUYER["tax_id"]}"' in html and BUYER["bank_account"] not in html
    # Customer c belongs to the other office: not found.
    assert fin.get(f"/finance/invoices/new?customer_id={world.customers['c']}").status_code == 404
