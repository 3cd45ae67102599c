"""Absurd values never reach the ledger (issue 20): a date outside the
window, an amount or quantity above the ceiling, or an amount typed as
``1e6``, ``NaN``, ``-0``… is refused with a message, nothing is posted and
no numbering year is opened — through the pages, the opening import and
the services alike."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from core import settings
from core.models import Sequence
from core.services import ServiceError
from plugins.customers.api import Customer
from plugins.finance.models import Entry, Invoice, Payment
from plugins.finance.services import receivables
from plugins.finance.services import imports, ledger
from plugins.finance.services.ledger import LineSpec
from core import clock

TODAY = clock.today()
FAR = date(9999, 12, 31)
BAD_AMOUNTS = ["1e6", "1e309", "NaN", "Infinity", "-0", "1.001", "1.000"]
#: Those the services used to take (1e6, 1.000) or answer with a 500 (1e309).
SERVICE_ACCEPTED = ["1e6", "1e309", "1.000"]


def _nothing_posted(s):
    assert s.scalar(select(func.count(Entry.id))) == 0
    assert s.scalar(select(func.count(Payment.id))) == 0
    assert s.scalar(select(func.count(Invoice.id))) == 0
    # No numbering year was opened for the refused date.
    assert s.scalar(select(func.count()).select_from(Sequence).where(Sequence.year == 9999)) == 0


# -- services -------------------------------------------------------------
@pytest.mark.parametrize("when", [FAR, TODAY + timedelta(days=32), date(1900, 1, 1),
                                  TODAY - timedelta(days=366 * 11)])
def test_a_payment_dated_outside_the_window_is_refused(world, db, when):
    with pytest.raises(ServiceError, match="outside the dates the books accept"):
        receivables.record_payment(db, world.customers["a"], "100.00", when=when)
    db.rollback()
    _nothing_posted(db)


def test_the_posting_service_itself_refuses_a_far_date(world, db):
    """Whatever calls it (another plugin, a future API): post_entry checks."""
    with pytest.raises(ServiceError, match="outside the dates"):
        ledger.post_entry(db, "GEN", FAR, [LineSpec("1002", debit="5.00"),
                                           LineSpec("6001", credit="5.00")])
    db.rollback()
    _nothing_posted(db)
    e = ledger.post_entry(db, "GEN", TODAY, [LineSpec("1002", debit="5.00"),
                                             LineSpec("6001", credit="5.00")])
    assert e.number == f"GEN/{TODAY.year}/00001"


def test_an_invoice_line_of_a_billion_units_is_refused(world, db):
    a = world.customers["a"]
    with pytest.raises(ServiceError, match="quantity 1000000000 is above the limit of 1000000"):
        receivables.post_invoice(db, a, [{"description": "电视", "unit_price": "10.00",
                                   "quantity": "1000000000"}])
    with pytest.raises(ServiceError, match="not a quantity"):
        receivables.post_invoice(db, a, [{"description": "电视", "unit_price": "10.00",
                                   "quantity": "1e9"}])
    with pytest.raises(ServiceError, match="above the limit of 1000000000.00"):
        receivables.post_invoice(db, a, [{"description": "电视", "unit_price": "2000.00",
                                   "quantity": "600000"}])
    with pytest.raises(ServiceError, match="above the limit"):  # each line fits, the total not
        receivables.post_invoice(db, a, [{"description": "x", "unit_price": "600000000.00"},
                                  {"description": "y", "unit_price": "600000000.00"}])
    db.rollback()
    _nothing_posted(db)


@pytest.mark.parametrize("raw", SERVICE_ACCEPTED)
def test_amounts_that_are_not_plain_money_are_refused_by_the_services(world, db, raw):
    with pytest.raises(ServiceError):
        receivables.record_payment(db, world.customers["a"], raw)
    with pytest.raises(ServiceError):
        ledger.post_entry(db, "GEN", TODAY, [LineSpec("1002", debit=raw),
                                             LineSpec("6001", credit=raw)])
    db.rollback()
    _nothing_posted(db)


def test_the_ceilings_and_window_are_settings(world, db):
    a = world.customers["a"]
    settings.set(db, "finance.max_amount", "1000.00")
    settings.set(db, "finance.post_days_ahead", "60")
    with pytest.raises(ServiceError, match="1000.01 is above the limit of 1000.00"):
        receivables.record_payment(db, a, "1000.01")
    with pytest.raises(ServiceError, match="above the limit of 1000.00"):
        ledger.post_entry(db, "GEN", TODAY, [LineSpec("1002", debit="1000.01"),
                                             LineSpec("6001", credit="1000.01")])
    pay = receivables.record_payment(db, a, "1000.00", when=TODAY + timedelta(days=45))
    db.commit()
    assert pay.amount == Decimal("1000.00")
    # A reversal undoes what is in the books even when the ceiling moved since.
    settings.set(db, "finance.max_amount", "10.00")
    receivables.reverse_payment(db, pay, reason="录错", when=pay.date)
    db.commit()
    assert ledger.customer_balance(db, a) == 0


# -- opening balances import ------------------------------------------------
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


def test_the_opening_import_refuses_far_dates_and_huge_or_odd_amounts(world, db):
    code = db.scalar(select(Customer.code).where(Customer.id == world.customers["a"]))
    rows = [
        [code, "OK-1", TODAY.isoformat(), None, "100.00", ""],
        [code, "FAR-1", "9999-12-31", None, "100.00", ""],
        [code, "BIG-1", TODAY.isoformat(), None, "10000000000.00", ""],
        [code, "EXP-1", TODAY.isoformat(), None, "1e6", ""],
        [code, "NEG0", TODAY.isoformat(), None, "-0", ""],
    ]
    with pytest.raises(imports.ImportFailed) as e:
        imports.import_opening(db, _workbook(rows))
    errors = dict(e.value.errors)
    assert set(errors) == {3, 4, 5, 6}
    assert "9999-12-31 is outside the dates the books accept" in errors[3]
    assert "10000000000.00 is above the limit of 1000000000.00" in errors[4]
    assert "not a number" in errors[5] and "not a number" in errors[6]
    db.rollback()
    _nothing_posted(db)


# -- pages ------------------------------------------------------------------
@pytest.fixture
def fin(client, world):
    client.login("fin")
    return client


def _count(app, model) -> int:
    with app.extensions["qudao"].db.session() as s:
        _nothing_year_9999 = s.scalar(select(func.count()).select_from(Sequence)
                                      .where(Sequence.year == 9999))
        assert _nothing_year_9999 == 0
        return s.scalar(select(func.count(model.id)))


def test_payment_form_shows_a_far_date_next_to_the_field(fin, world, app):
    resp = fin.post_form("/finance/payments/new", {
        "customer_id": world.customers["a"], "amount": "100.00", "date": "9999-12-31",
        "method": "bank", "allocation": "none"})
    assert resp.status_code == 422
    html = resp.get_data(True)
    assert 'id="date-error"' in html
    assert "9999-12-31 不在账簿允许的日期范围内" in html
    assert 'value="100.00"' in html  # what was typed stays in the form
    assert _count(app, Payment) == 0 and _count(app, Entry) == 0


@pytest.mark.parametrize("raw", BAD_AMOUNTS)
def test_payment_form_refuses_odd_amounts_next_to_the_field(fin, world, app, raw):
    resp = fin.post_form("/finance/payments/new", {
        "customer_id": world.customers["a"], "amount": raw, "date": TODAY.isoformat(),
        "method": "bank", "allocation": "none"})
    assert resp.status_code == 422
    html = resp.get_data(True)
    assert 'id="amount-error"' in html
    assert _count(app, Payment) == 0 and _count(app, Entry) == 0


def test_invoice_form_refuses_a_billion_units(fin, world, app):
    resp = fin.post_form("/finance/invoices/new", {
        "customer_id": world.customers["a"], "date": TODAY.isoformat(),
        "desc_0": "55寸电视", "qty_0": "1000000000", "price_0": "10.00"})
    assert resp.status_code == 422
    html = resp.get_data(True)
    assert 'id="qty_0-error"' in html and "数量 1000000000 超过上限 1000000" in html
    assert _count(app, Invoice) == 0 and _count(app, Entry) == 0


def test_credit_note_form_refuses_an_amount_above_the_ceiling(fin, world, app):
    resp = fin.post_form("/finance/credit-notes/new", {
        "customer_id": world.customers["a"], "kind": "offset", "amount": "1000000000.01",
        "date": TODAY.isoformat(), "reason": "冲差"})
    assert resp.status_code == 422
    html = resp.get_data(True)
    assert 'id="amount-error"' in html and "超过上限 1000000000.00" in html
    assert _count(app, Entry) == 0


def test_general_entry_form_refuses_a_far_date(fin, world, app):
    resp = fin.post_form("/finance/ledger/new", {
        "date": "9999-12-31", "account_0": "1002", "debit_0": "5.00",
        "account_1": "6001", "credit_1": "5.00"})
    assert resp.status_code == 422
    assert 'id="date-error"' in resp.get_data(True)
    assert _count(app, Entry) == 0


def test_a_date_in_a_locked_period_is_named_as_such_next_to_the_field(fin, world, app):
    with app.extensions["qudao"].db.session() as s:
        ledger.set_lock_date(s, TODAY - timedelta(days=10))
    resp = fin.post_form("/finance/payments/new", {
        "customer_id": world.customers["a"], "amount": "100.00",
        "date": (TODAY - timedelta(days=20)).isoformat(), "method": "bank",
        "allocation": "none"})
    assert resp.status_code == 422
    html = resp.get_data(True)
    assert 'id="date-error"' in html and "账簿已关账至" in html
    assert _count(app, Payment) == 0


def test_a_rebate_claim_refuses_a_far_period_and_a_billion_units(world, db):
    from plugins.finance.models import RebateClaim
    from plugins.finance.services import rebates

    user = world.user(db, "sales1")
    with pytest.raises(ServiceError, match="outside the dates accepted"):
        rebates.create_claim(db, world.customers["a"], "sales_subsidy",
                             period_start=date(9999, 12, 1), period_end=FAR,
                             lines=[{"product": "TV", "quantity": 1, "unit_amount": "10.00"}],
                             user=user)
    with pytest.raises(ServiceError, match="above the limit"):
        rebates.create_claim(db, world.customers["a"], "sales_subsidy",
                             period_start=TODAY.replace(day=1), period_end=TODAY,
                             lines=[{"product": "TV", "quantity": "1000000000",
                                     "unit_amount": "10.00"}], user=user)
    db.rollback()
    assert db.scalar(select(func.count(RebateClaim.id))) == 0
    _nothing_posted(db)
