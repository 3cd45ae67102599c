"""Invoices, payments, allocations, credit notes and their reversals."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.services import ServiceError
from plugins.finance.models import CreditNote, Invoice
from plugins.finance.services import allocations, receivables
from plugins.finance.services import ledger
from plugins.finance.services.chart import ADVANCES, RECEIVABLE
from core import clock

TODAY = clock.today()
D = Decimal


def _inv(db, cid, amount="1000.00", **kw):
    return receivables.post_invoice(db, cid, [{"description": "55寸电视", "unit_price": amount}], **kw)


def test_invoice_posts_receivable_and_revenue(world, db):
    cid = world.customers["a"]
    inv = receivables.post_invoice(db, cid, [
        {"description": "55寸电视", "unit_price": "3999.00", "quantity": 2},
        {"description": "挂架", "unit_price": "99.50", "quantity": 3},
    ], source="test.order:1")
    assert inv.amount == D("8296.50")
    assert ledger.account_balance(db, RECEIVABLE, cid) == D("8296.50")
    # Prices include 13 % VAT by default: 7,998.00 = 7,077.88 + 920.12; 298.50 = 264.16 + 34.34.
    assert ledger.account_balance(db, "6001") == D("-7342.04")
    assert ledger.account_balance(db, "222101") == D("-954.46")
    assert [ln.amount for ln in inv.lines] == [D("7998.00"), D("298.50")]
    assert [ln.tax_amount for ln in inv.lines] == [D("920.12"), D("34.34")]
    with pytest.raises(ServiceError, match="already invoiced"):
        _inv(db, cid, source="test.order:1")


def test_payment_without_allocation_is_a_prepayment_applied_to_the_next_invoice(world, db):
    cid = world.customers["a"]
    pay = receivables.record_payment(db, cid, "600.00", reference="BANK-1")
    assert ledger.account_balance(db, ADVANCES, cid) == D("-600.00")
    assert ledger.customer_balance(db, cid) == D("-600.00")
    inv = _inv(db, cid, "1000.00")
    # The prepayment settles the new invoice at once.
    assert allocations.invoice_open(db, inv.id) == D("400.00")
    assert allocations.credit_open(db, pay) == D("0.00")
    assert ledger.account_balance(db, ADVANCES, cid) == D("0.00")
    assert ledger.customer_balance(db, cid) == D("400.00")


def test_explicit_allocation_and_over_allocation_refused(world, db):
    cid = world.customers["a"]
    a = _inv(db, cid, "300.00")
    b = _inv(db, cid, "200.00")
    with pytest.raises(ServiceError, match="only 300.00 open"):
        receivables.record_payment(db, cid, "400.00", allocations=[(a.id, "350.00")])
    pay = receivables.record_payment(db, cid, "400.00", allocations=[(b.id, "200.00"), (a.id, "100.00")])
    assert allocations.invoice_open(db, a.id) == D("200.00")
    assert allocations.invoice_open(db, b.id) == D("0.00")
    assert allocations.credit_open(db, pay) == D("100.00")
    assert ledger.customer_balance(db, cid) == D("100.00")
    other = world.customers["b"]
    c = _inv(db, other, "50.00")
    with pytest.raises(ServiceError, match="same customer"):
        allocations.allocate(db, c, pay, "10.00")


def test_auto_allocation_pays_oldest_due_first(world, db):
    cid = world.customers["a"]
    old = _inv(db, cid, "100.00", when=TODAY - timedelta(days=40), due_date=TODAY - timedelta(days=10))
    new = _inv(db, cid, "100.00", when=TODAY - timedelta(days=5))
    receivables.record_payment(db, cid, "150.00", allocations="auto")
    assert allocations.invoice_open(db, old.id) == D("0.00")
    assert allocations.invoice_open(db, new.id) == D("50.00")


def test_payment_needs_the_finance_permission(world, db):
    cid = world.customers["a"]
    with pytest.raises(ServiceError, match="permission"):
        receivables.record_payment(db, cid, "10.00", user=world.user(db, "sales1"))
    with pytest.raises(ServiceError, match="permission"):
        receivables.record_payment(db, cid, "10.00", user=world.user(db, "manager"))
    pay = receivables.record_payment(db, cid, "10.00", user=world.user(db, "finance"))
    assert pay.created_by == world.users["finance"].id


def test_reversing_an_invoice_returns_its_payment_to_prepayment(world, db):
    cid = world.customers["a"]
    inv = _inv(db, cid, "500.00")
    pay = receivables.record_payment(db, cid, "500.00", allocations="auto")
    assert ledger.customer_balance(db, cid) == D("0.00")
    receivables.reverse_invoice(db, inv, reason="开错客户")
    assert inv.state == "reversed"
    assert allocations.credit_open(db, pay) == D("500.00")
    assert ledger.customer_balance(db, cid) == D("-500.00")
    assert ledger.account_balance(db, RECEIVABLE, cid) == D("0.00")
    with pytest.raises(ServiceError, match="already reversed"):
        receivables.reverse_invoice(db, inv, reason="again")
    with pytest.raises(ServiceError, match="reason"):
        receivables.reverse_payment(db, pay, reason=" ")
    receivables.reverse_payment(db, pay, reason="退票")
    assert ledger.customer_balance(db, cid) == D("0.00")
    assert ledger.verify_chain(db).ok


@pytest.mark.parametrize("kind,debit_account", [
    ("price_drop", "660105"), ("price_adjust", "6001"), ("offset", "6001"), ("return", "6001"),
])
def test_credit_notes_of_each_kind_reduce_what_the_customer_owes(world, db, kind, debit_account):
    cid = world.customers["a"]
    inv = _inv(db, cid, "1000.00")
    cn = receivables.post_credit_note(db, cid, kind, "120.00", reason="补差", invoice_id=inv.id)
    assert allocations.invoice_open(db, inv.id) == D("880.00")
    assert ledger.customer_balance(db, cid) == D("880.00")
    # 1,000.00 at 13 % is 884.96 + 115.04; the 120.00 credit is 106.19 + 13.81.
    assert ledger.account_balance(db, debit_account) == (
        D("-778.77") if debit_account == "6001" else D("106.19"))
    assert ledger.account_balance(db, "222101") == D("-101.23")
    assert cn.number.startswith("CRN/")


def test_rebate_credit_note_needs_an_approved_claim(world, db):
    with pytest.raises(ServiceError, match="approved rebate claim"):
        receivables.post_credit_note(db, world.customers["a"], "rebate", "50.00", reason="口头承诺")
    assert db.scalar(select(CreditNote.id)) is None


def test_return_cannot_exceed_the_invoice(world, db):
    cid = world.customers["a"]
    inv = _inv(db, cid, "100.00")
    with pytest.raises(ServiceError, match="more than the invoice"):
        receivables.post_credit_note(db, cid, "return", "100.01", reason="退货", invoice_id=inv.id)


def test_due_date_follows_the_credit_terms(world, db):
    from plugins.finance.services import credit

    cid = world.customers["a"]
    assert _inv(db, cid).due_date == TODAY  # prepayment: due at once
    credit.set_profile(db, cid, credit_limit="50000", terms="net", term_days=45, valid_until=None)
    assert _inv(db, cid).due_date == TODAY + timedelta(days=45)
    assert db.scalar(select(Invoice.id).where(Invoice.due_date < TODAY)) is None


def test_settlement_is_first_in_first_out_over_all_open_items(world, db):
    """A prepayment kept aside settles the oldest invoice when the next one
    is posted: no overdue invoice next to an unapplied prepayment."""
    cid = world.customers["a"]
    old = _inv(db, cid, "100.00", when=TODAY - timedelta(days=40), due_date=TODAY - timedelta(days=10))
    pay = receivables.record_payment(db, cid, "150.00")  # kept as prepayment
    assert allocations.invoice_open(db, old.id) == D("100.00")
    new = _inv(db, cid, "100.00")
    assert allocations.invoice_open(db, old.id) == D("0.00")
    assert allocations.invoice_open(db, new.id) == D("50.00")
    assert allocations.credit_open(db, pay) == D("0.00")
    from plugins.finance.services import credit

    assert credit.status(db, cid).overdue_count == 0
