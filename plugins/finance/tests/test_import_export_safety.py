"""Aged receivables export: customer names that look like formulas stay
text; the opening balances import: refused before parsing when it would
unpack too big, row limit, big files as an all-or-nothing background job."""
from __future__ import annotations

import io
import time
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from core import spreadsheets
from core.jobs import Job
from plugins.customers.api import Customer
from plugins.finance.models import Invoice, Payment
from plugins.finance.services import receivables
from plugins.finance.services import imports

from .test_cli_import_demo import _workbook
from core import clock

TODAY = clock.today()


def test_aging_export_keeps_formula_like_names_as_text_and_amounts_as_numbers(world, client,
                                                                              app):
    from core.models import User

    db = app.extensions["qudao"].db
    names = {"sales1": '=HYPERLINK("http://x","y")', "sales2": "-2+3"}
    with db.session() as s:
        for key in ("a", "b", "c"):
            receivables.post_invoice(s, world.customers[key], [{"description": "电视",
                                                         "unit_price": "100.00"}],
                              when=TODAY - timedelta(days=40))
        for username, name in names.items():
            s.execute(update(User).where(User.username == username).values(full_name=name))
    client.login("fin")
    resp = client.get(f"/finance/aging.xlsx?as_of={TODAY.isoformat()}&group=salesperson")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.data))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.value for c in cells if c.data_type == "f"]
    text = {c.value for c in cells if c.data_type == "s"}
    for name in names.values():
        assert "'" + name in text and name not in text
    amounts = [c for c in cells if isinstance(c.value, (int, float, Decimal))]
    assert amounts and all(c.data_type == "n" for c in amounts)
    assert sum(Decimal(str(c.value)) for c in amounts if c.row > 2) > 0


def _count(app):
    with app.extensions["qudao"].db.session() as s:
        return (s.scalar(select(func.count(Invoice.id)))
                + s.scalar(select(func.count(Payment.id))))


def _rows(app, world, n, start=0):
    with app.extensions["qudao"].db.session() as s:
        code = s.scalar(select(Customer.code).where(Customer.id == world.customers["a"]))
    day = (TODAY - timedelta(days=40)).isoformat()
    return [[code, f"XS-{i:04d}", day, None, 100 + i, "旧系统"] for i in range(start, start + n)]


def test_a_bomb_is_refused_before_parsing(world, client, app, monkeypatch):
    from tests.test_spreadsheets import bomb

    def refuse(*a, **kw):
        raise AssertionError("openpyxl.load_workbook was called")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    client.login("fin")
    resp = client.post_form("/finance/opening-balances", {"file": (io.BytesIO(bomb()), "o.xlsx")},
                            content_type="multipart/form-data")
    assert resp.status_code == 422
    assert "解压后将超过" in resp.get_data(True)
    assert _count(app) == 0


def test_too_many_rows_are_refused_and_the_limit_imports(world, client, app, monkeypatch):
    client.login("fin")
    assert "每个文件最多 20000 行、20 MB" in client.get("/finance/opening-balances").get_data(True)
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    resp = client.post_form("/finance/opening-balances",
                            {"file": (_workbook(_rows(app, world, 4)), "o.xlsx")},
                            content_type="multipart/form-data")
    assert resp.status_code == 422 and "文件超过 3 行" in resp.get_data(True)
    assert _count(app) == 0
    resp = client.post_form("/finance/opening-balances",
                            {"file": (_workbook(_rows(app, world, 3)), "o.xlsx")},
                            content_type="multipart/form-data")
    assert resp.status_code == 200, resp.get_data(True)
    assert _count(app) == 3


def _job(app, client, data):
    resp = client.post_form("/finance/opening-balances", {"file": (data, "o.xlsx")},
                            content_type="multipart/form-data")
    assert resp.status_code == 303, resp.get_data(True)
    job_id = int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    deadline = time.monotonic() + 60
    while True:
        with app.extensions["qudao"].db.session() as s:
            job = s.get(Job, job_id)
            s.expunge(job)
        if job.finished or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


@pytest.fixture
def small_background(monkeypatch):
    monkeypatch.setattr(spreadsheets, "IMPORT_BACKGROUND_ROWS", 2)


def test_a_big_file_is_posted_by_a_job_all_or_nothing(world, client, app, small_background):
    client.login("fin")
    bad = _rows(app, world, 4)
    bad[2][4] = "1.234"  # row 4: three decimals
    job = _job(app, client, _workbook(bad))
    assert job.status == "failed" and "第 4 行" in job.error
    assert _count(app) == 0
    job = _job(app, client, _workbook(_rows(app, world, 4)))
    assert job.status == "done", job.error
    assert job.progress == 100
    assert _count(app) == 4
