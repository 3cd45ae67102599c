"""The command line (verify, statements), the opening balances import, the
month-end batch job and the demo data."""
from __future__ import annotations

import time
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select, text

from core.services import ServiceError
from plugins.customers.api import Customer
from plugins.finance.models import Entry, Invoice, Payment, Statement
from plugins.finance.services import receivables
from plugins.finance.services import imports, ledger, limits
from plugins.finance.services import statements as st_svc
from core import clock

TODAY = clock.today()
LAST_MONTH = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)
PERIOD = st_svc.period_of(LAST_MONTH)
D = Decimal


def test_cli_verify_reports_the_first_broken_entry(world, app):
    db = app.extensions["qudao"].db
    with db.session() as s:
        for i in range(3):
            receivables.record_payment(s, world.customers["a"], f"{i + 1}.00")
        second = s.scalar(select(Entry.number).where(Entry.chain_seq == 2))
        second_id = s.scalar(select(Entry.id).where(Entry.chain_seq == 2))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["finance", "verify"])
    assert result.exit_code == 0 and "3 entries" in result.output
    with db.session() as s:
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            s.execute(text("DROP TRIGGER finance_line_no_update"))
        s.execute(text("UPDATE finance_line SET credit = 9 WHERE entry_id = :i AND credit > 0"),
                  {"i": second_id})
    result = runner.invoke(args=["finance", "verify"])
    assert result.exit_code == 1
    assert f"BROKEN at entry {second}" in result.output


def _history(app, world):
    with app.extensions["qudao"].db.session() as s:
        for key in ("a", "b", "c"):
            receivables.post_invoice(s, world.customers[key], [{"description": "电视", "unit_price": "880.00"}],
                              when=LAST_MONTH + timedelta(days=3))


def test_cli_statements_writes_a_zip_for_an_org_unit(world, app, tmp_path):
    _history(app, world)
    out = tmp_path / "st.zip"
    result = app.test_cli_runner().invoke(args=["finance", "statements", "--month", PERIOD,
                                                "--org-unit", "OFF1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    names = zipfile.ZipFile(out).namelist()
    assert len(names) == 2 and all(n.endswith(f"-{PERIOD}.pdf") for n in names)  # OFF2's c is out
    with app.extensions["qudao"].db.session() as s:
        assert s.scalar(select(func.count(Statement.id)).where(
            Statement.document_id.is_not(None))) == 2
    bad = app.test_cli_runner().invoke(args=["finance", "statements", "--month",
                                             TODAY.strftime("%Y-%m"), "-o", str(out)])
    assert bad.exit_code == 1 and ("ended" in bad.output or "结束" in bad.output)


def test_month_end_batch_runs_as_a_job_and_offers_a_zip(world, app, client):
    _history(app, world)
    client.login("fin")
    resp = client.post_form("/finance/statements/batch", {"org_unit_id": world.office_id,
                                                          "period": PERIOD, "locale": "zh_CN"})
    assert resp.status_code == 303 and "/jobs/" in resp.headers["Location"]
    job_id = int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    from core.jobs import Job

    db = app.extensions["qudao"].db
    for _ in range(600):  # wait for the worker thread, not a timing assertion
        with db.session() as s:
            status = s.get(Job, job_id).status
        if status in ("done", "failed"):
            break
        time.sleep(0.1)
    assert status == "done"
    data = client.get(f"/jobs/{job_id}/result").data
    assert len(zipfile.ZipFile(BytesIO(data)).namelist()) == 2


def test_batch_splits_into_chunks_that_any_worker_takes(world, app, client):
    """Six customers in chunks of two: the batch job works the first chunk
    itself and makes the other two chunk jobs, queues one of them for the
    second worker thread, and whoever is free takes the next; every chunk
    ends done and every statement is in the one ZIP."""
    from core.jobs import Job

    for i in range(4):
        world.customers[f"x{i}"] = world.make_customer(f"临平{i}号电器店", world.users["sales1"].id)
    _history(app, world)
    with app.extensions["qudao"].db.session() as s:
        for i in range(4):
            receivables.post_invoice(s, world.customers[f"x{i}"], [{"description": "冰箱",
                                                              "unit_price": "100.00"}],
                              when=LAST_MONTH + timedelta(days=5))
    client.login("fin")
    resp = client.post_form("/finance/statements/batch", {"org_unit_id": world.office_id,
                                                          "period": PERIOD})
    job_id = int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    db = app.extensions["qudao"].db
    for _ in range(1200):  # wait for the worker threads, not a timing assertion
        with db.session() as s:
            status = s.get(Job, job_id).status
        if status in ("done", "failed"):
            break
        time.sleep(0.1)
    assert status == "done"
    with db.session() as s:
        chunks = s.scalars(select(Job).where(Job.kind == "finance.statement_chunk")).all()
        assert len(chunks) == 2 and {c.status for c in chunks} == {"done"}
        assert all(c.params["customer_ids"] and c.params["parent"] == job_id for c in chunks)
        assert sorted(cid for c in chunks for cid in c.params["customer_ids"]) == sorted(
            cid for cid in world.customers.values() if cid != world.customers["c"])[2:]
    names = zipfile.ZipFile(BytesIO(client.get(f"/jobs/{job_id}/result").data)).namelist()
    assert len(names) == 6 and "errors.txt" not in names


def _workbook(rows) -> BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(["客户编码", "单据号", "日期", "到期日", "金额", "摘要"])
    for r in rows:
        ws.append(r)
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def test_opening_import_is_all_or_nothing_with_row_errors(world, app, db):
    codes = dict(db.execute(select(Customer.id, Customer.code)).all())
    a, b = codes[world.customers["a"]], codes[world.customers["b"]]
    day = (TODAY - timedelta(days=40)).isoformat()
    rows = [
        [a, "XS-001", day, (TODAY - timedelta(days=10)).isoformat(), 12345.67, "旧系统销售"],
        [b, "YS-002", day, None, -500, "预收"],
        ["C-NOPE", "X-3", day, None, 10, ""],
        [a, "XS-004", "昨天", None, "1.234", ""],
    ]
    with pytest.raises(imports.ImportFailed) as e:
        imports.import_opening(db, _workbook(rows))
    errors = dict(e.value.errors)
    assert set(errors) == {4, 5}
    assert "C-NOPE" in errors[4] and "date" in errors[5] and "two decimals" in errors[5]
    db.rollback()
    assert db.scalar(select(func.count(Invoice.id))) == 0
    result = imports.import_opening(db, _workbook(rows[:2]))
    db.commit()
    assert result == {"rows": 2, "invoices": 1, "credits": 1, "total": D("11845.67")}
    assert ledger.customer_balance(db, world.customers["a"]) == D("12345.67")
    assert ledger.customer_balance(db, world.customers["b"]) == D("-500.00")
    assert ledger.account_balance(db, "4104") == D("-11845.67")
    with pytest.raises(imports.ImportFailed) as e:
        imports.import_opening(db, _workbook(rows[:1]))
    assert "already imported" in e.value.errors[0][1]
    with pytest.raises(ServiceError, match="Excel"):
        imports.import_opening(db, BytesIO(b"not a workbook"))


def test_opening_import_page(world, client, app):
    with app.extensions["qudao"].db.session() as s:
        code = s.scalar(select(Customer.code).where(Customer.id == world.customers["a"]))
    client.login("fin")
    assert client.get("/finance/opening-balances/template.xlsx").status_code == 200
    resp = client.post_form("/finance/opening-balances", {
        "file": (_workbook([[code, "Z-1", "2001-01-01", None, "x", ""]]), "o.xlsx")},
        content_type="multipart/form-data")
    assert resp.status_code == 422
    html = resp.get_data(True)
    assert "金额不是最多两位小数的数字" in html  # the row report, in the user's language
    with app.extensions["qudao"].db.session() as s:
        assert s.scalar(select(func.count(Invoice.id))) == 0


def test_demo_data_is_consistent(app):
    from core import bootstrap

    db = app.extensions["qudao"].db
    with db.session() as s:
        bootstrap.load_demo(s)
    with db.session() as s:
        assert ledger.verify_chain(s).ok
        assert s.scalar(select(func.count(Invoice.id))) > 150
        assert s.scalar(select(func.count(Payment.id))) > 80
        assert s.scalar(select(func.count(Statement.id))) == 16 * 3
        debit, credit = s.execute(text("SELECT SUM(debit), SUM(credit) FROM finance_line")).one()
        assert D(str(debit)).quantize(D("0.01")) == D(str(credit)).quantize(D("0.01"))
        assert limits.lock_date(s) is not None
        from plugins.finance.models import RebateClaim

        states = set(s.scalars(select(RebateClaim.state)).all())
        assert states == {"draft", "submitted", "approved", "redeemed", "rejected"}
