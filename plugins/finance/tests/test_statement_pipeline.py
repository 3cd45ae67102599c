"""One statement pipeline (issue 17.5): whoever issues a statement — the
statement page, ``qudao finance statements`` or the month-end batch job —
its figures are computed once, the customer is filtered through the user's
access scope once, and the PDF shows the very figures stored on the row."""
from __future__ import annotations

import re
import shutil
import subprocess
import time
import zipfile
from decimal import Decimal
from io import BytesIO

import pytest
from sqlalchemy import select

from core import access
from plugins.customers.api import Customer
from plugins.finance.models import Statement
from plugins.finance.services import statements as st_svc

from .test_pages import PERIOD, books, login  # noqa: F401 (books is a fixture)

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")


def _text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", "-", "-"], input=data,
                         capture_output=True, check=True, timeout=60).stdout.decode("utf-8")
    return re.sub(r"\s+", "", out)


@pytest.fixture
def spies(monkeypatch):
    """Counts the statement figures computed (per customer) and the
    row-access filters built for a customer or a statement."""
    calls = {"figures": [], "filters": []}
    figures, scope = st_svc.statement_data, access.scope_clauses

    def counted_figures(session, customer_id, period, **kw):
        calls["figures"].append(customer_id)
        return figures(session, customer_id, period, **kw)

    def counted_scope(session, model, user, action=access.VIEW):
        if model in (Customer, Statement):
            calls["filters"].append(model.__name__)
        return scope(session, model, user, action)

    monkeypatch.setattr(st_svc, "statement_data", counted_figures)
    monkeypatch.setattr(access, "scope_clauses", counted_scope)
    return calls


def _statement(db, customer_id) -> Statement:
    with db.session() as s:
        st = s.scalar(select(Statement).where(Statement.customer_id == customer_id,
                                              Statement.period == PERIOD))
        s.expunge(st)
        return st


def _pdf_of(db, st) -> bytes:
    from core import documents

    with db.session() as s:
        return documents.read_pdf(s, s.get(documents.IssuedDocument, st.document_id))


def _assert_statement_a(text: str, st) -> None:
    """Customer a's statement: 3 × 3,299.00 invoiced, 5,000.00 paid."""
    assert (st.opening, st.debit, st.credit, st.closing, st.movements) == (
        Decimal("0.00"), Decimal("9897.00"), Decimal("5000.00"), Decimal("4897.00"), 2)
    assert "客户对账单" in text and "杭州华联电器有限公司" in text
    assert st.number in text
    assert "期初余额0.00" in text
    assert "销售发票55寸电视9,897.009,897.00" in text
    assert "收款工行00015,000.004,897.00" in text
    assert "期末余额9,897.005,000.004,897.00" in text  # the totals stored on the row
    assert "期末余额大写：肆仟捌佰玖拾柒元整" in text


def test_the_page_computes_a_statement_once_and_its_pdf_shows_those_figures(books, client,
                                                                            spies):
    login(client, "fin")
    resp = client.post_form("/finance/statements/issue", {"customer_id": books["a"],
                                                          "period": PERIOD, "locale": "zh_CN"})
    assert resp.status_code == 303 and "/finance/statements/" in resp.headers["Location"]
    assert spies["figures"] == [books["a"]]
    # the record picker reads the posted code in the user's scope, then the
    # issue checks the customer once more inside its own transaction
    assert spies["filters"] == ["Customer", "Customer"]
    db = client.application.extensions["qudao"].db
    st = _statement(db, books["a"])
    pdf = client.get(f"/finance/statements/{st.id}/pdf").data
    assert pdf == _pdf_of(db, st)
    _assert_statement_a(_text(pdf), st)


def test_the_cli_computes_each_statement_once(books, app, tmp_path, spies):
    out = tmp_path / "st.zip"
    result = app.test_cli_runner().invoke(args=["finance", "statements", "--month", PERIOD,
                                                "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(spies["figures"]) == sorted([books["a"], books["b"]])
    assert sorted(spies["filters"]) == ["Customer", "Customer"]
    db = app.extensions["qudao"].db
    st = _statement(db, books["a"])
    z = zipfile.ZipFile(out)
    with db.session() as s:
        name = f"{s.get(Customer, books['a']).code}-{PERIOD}.pdf"
    assert z.read(name) == _pdf_of(db, st)
    _assert_statement_a(_text(z.read(name)), st)


def test_the_month_end_batch_job_computes_each_statement_once(books, app, client, world,
                                                              spies):
    from core.jobs import Job

    login(client, "fin")
    resp = client.post_form("/finance/statements/batch", {"org_unit_id": world.office_id,
                                                          "period": PERIOD, "locale": "zh_CN"})
    assert resp.status_code == 303
    job_id = int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    db = app.extensions["qudao"].db
    for _ in range(600):  # wait for the worker thread, not a timing assertion
        with db.session() as s:
            status = s.get(Job, job_id).status
        if status in ("done", "failed"):
            break
        time.sleep(0.1)
    assert status == "done"
    assert sorted(spies["figures"]) == sorted([books["a"], books["b"]])
    assert sorted(spies["filters"]) == ["Customer", "Customer"]
    st = _statement(db, books["a"])
    names = zipfile.ZipFile(BytesIO(client.get(f"/jobs/{job_id}/result").data)).namelist()
    assert len(names) == 2
    _assert_statement_a(_text(_pdf_of(db, st)), st)
