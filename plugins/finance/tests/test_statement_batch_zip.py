"""The month-end ZIP holds every statement of the month (issue 21): an
answered statement goes in as its archived copy — made now, under its own
number, when it never had one — and the problem list names customers by
code and name, each problem once."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from core import clock
from core.services import ServiceError
from plugins.customers.api import Customer
from plugins.finance import batch
from plugins.finance.models import Statement
from plugins.finance.services import receivables
from plugins.finance.services import statements as st_svc

LAST_MONTH = (clock.today().replace(day=1) - timedelta(days=1)).replace(day=1)
PERIOD = st_svc.period_of(LAST_MONTH)


def _text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data,
                         capture_output=True, check=True, timeout=60).stdout.decode("utf-8")
    return re.sub(r"\s+", "", out)


@pytest.fixture
def month(world, app):
    """Invoices last month for a and b (office OFF1); a's statement was
    issued without an archived PDF and the customer confirmed it."""
    with app.extensions["qudao"].db.session() as s:
        for key in ("a", "b"):
            receivables.post_invoice(s, world.customers[key],
                                     [{"description": "电视", "unit_price": "880.00"}],
                                     when=LAST_MONTH + timedelta(days=3))
        st = st_svc.issue(s, world.customers["a"], PERIOD, user=world.user(s, "finance"))
        st_svc.record_answer(s, st, answer="confirmed", by_name="王老板",
                             user=world.user(s, "sales1"))
        codes = dict(s.execute(select(Customer.id, Customer.code)).all())
        return {"number": st.number, "code_a": codes[world.customers["a"]],
                "code_b": codes[world.customers["b"]]}


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
def test_the_zip_holds_the_answered_statement_and_names_the_refused_customer(
        world, app, tmp_path, month, monkeypatch):
    real = st_svc.issue_statement
    b = world.customers["b"]

    def issue_statement(scope, customer_id, *args, **kw):
        if customer_id == b:
            raise ServiceError("模拟的签章服务故障")
        return real(scope, customer_id, *args, **kw)

    monkeypatch.setattr(st_svc, "issue_statement", issue_statement)
    out = tmp_path / "st.zip"
    result = app.test_cli_runner().invoke(args=["finance", "statements", "--month", PERIOD,
                                                "--org-unit", "OFF1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    z = zipfile.ZipFile(out)
    assert sorted(z.namelist()) == sorted(["errors.txt", f"{month['code_a']}-{PERIOD}.pdf"])
    text = _text(z.read(f"{month['code_a']}-{PERIOD}.pdf"))
    assert month["number"] in text and "杭州华联电器有限公司" in text
    errors = z.read("errors.txt").decode("utf-8").splitlines()
    assert len(errors) == 1
    assert f"{month['code_b']} 西湖家电商行" in errors[0] and "模拟的签章服务故障" in errors[0]
    assert f" {b}:" not in errors[0] and f" {b}：" not in errors[0]
    with app.extensions["qudao"].db.session() as s:
        st = s.scalar(select(Statement).where(Statement.customer_id == world.customers["a"]))
        assert (st.number, st.answer, st.answered_by_name) == (month["number"], "confirmed",
                                                                "王老板")
        assert st.document_id is not None
    # Run again: the answered statement keeps that copy.
    again = tmp_path / "again.zip"
    monkeypatch.setattr(st_svc, "issue_statement", real)
    app.test_cli_runner().invoke(args=["finance", "statements", "--month", PERIOD,
                                       "--org-unit", "OFF1", "-o", str(again)])
    first = zipfile.ZipFile(out).read(f"{month['code_a']}-{PERIOD}.pdf")
    assert zipfile.ZipFile(again).read(f"{month['code_a']}-{PERIOD}.pdf") == first
    assert len(zipfile.ZipFile(again).namelist()) == 2  # a and b, no errors


def test_a_problem_reported_twice_is_listed_once(world, app, tmp_path):
    db = app.extensions["qudao"].db
    problems = ["客户 C1 甲：失败", "客户 C2 乙：失败", "客户 C1 甲：失败"]
    batch.write_zip(db.session, PERIOD, [], tmp_path / "z.zip", problems)
    assert problems == ["客户 C1 甲：失败", "客户 C2 乙：失败"]
    lines = zipfile.ZipFile(tmp_path / "z.zip").read("errors.txt").decode().splitlines()
    assert lines == problems
