"""The statement carries our side too (issue 21): a box for our company's
seal under its name, and — from the settings — where to pay: account name
(the company's by default), bank and account number, really in the PDF."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from sqlalchemy import select

from core import settings
from plugins.finance.models import Statement

from .test_pages import PERIOD, books, login  # noqa: F401 (books is a fixture)

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")


def _text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data,
                         capture_output=True, check=True, timeout=60).stdout.decode("utf-8")
    return re.sub(r"\s+", "", out)


def _issue(client, customer_id) -> str:
    resp = client.post_form("/finance/statements/issue", {"customer_id": customer_id,
                                                          "period": PERIOD, "locale": "zh_CN"})
    assert resp.status_code == 303
    db = client.application.extensions["qudao"].db
    with db.session() as s:
        st = s.scalar(select(Statement).where(Statement.customer_id == customer_id))
        number = st.number
    return number, _text(client.get(f"/finance/statements/{st.id}/pdf").data)


def test_the_statement_pdf_shows_our_seal_line_and_where_to_pay(books, client, app):
    with app.extensions["qudao"].db.session() as s:
        settings.set(s, "finance.bank_name", "中国工商银行杭州分行营业部")
        settings.set(s, "finance.bank_account", "1202 0202 0990 0012 345")
    login(client, "fin")
    number, text = _issue(client, books["a"])
    assert "请汇款至" in text
    assert "户名渠道示范有限公司" in text  # the company name when no account name is set
    assert "开户行中国工商银行杭州分行营业部" in text
    assert "账号1202020209900012345" in text
    assert f"付款时请注明对账单号{number}。" in text
    # The seal box under our name, kept with the confirmation and the signatures.
    closing = text[text.index("客户：签字"):]
    assert "渠道示范有限公司" in closing and "本公司盖章（财务专用章）" in closing
    # kept together: no page ends between the signatures and the preparer's line
    assert "财务：制单人" in closing
    assert re.search(r"第\d+页/共\d+页", closing[:closing.index("财务：制单人")]) is None


def test_without_bank_details_the_statement_keeps_the_seal_line_only(books, client, app):
    with app.extensions["qudao"].db.session() as s:
        settings.set(s, "finance.bank_account_name", "杭州渠道电器销售有限公司")
    login(client, "fin")
    _number, text = _issue(client, books["b"])
    assert "请汇款至" not in text and "杭州渠道电器销售有限公司" not in text
    assert "本公司盖章（财务专用章）" in text
