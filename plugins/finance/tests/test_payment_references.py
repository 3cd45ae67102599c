"""One bank transfer is recorded once (issue 21): a bank slip / receipt
number already on a posted payment is refused with a message naming that
payment — ignoring spaces and case, on the page, through the services and
between two clerks recording it at the same moment — unless the clerk
confirms that it really is a second transfer.  Amounts like ``1e6`` are
refused in every amount field of the payment page."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.services import ServiceError
from plugins.finance.models import Allocation, Entry, Payment
from plugins.finance.services import ledger, receivables
from core import clock

TODAY = clock.today()


def _payments(db) -> list[tuple[str, Decimal]]:
    return [(p.reference, p.amount) for p in db.scalars(select(Payment).order_by(Payment.id))]


def test_the_same_reference_twice_is_refused_naming_the_first_payment(world, db):
    a, b = world.customers["a"], world.customers["b"]
    fin = world.user(db, "finance")
    first = receivables.record_payment(db, a, "5000.00", reference="工行回单 2026120600123",
                                       user=fin)
    db.commit()
    for typed in ("工行回单 2026120600123", " 工行回单2026120600123 ", "工行回单　2026 1206 00123"):
        with pytest.raises(receivables.DuplicateReference) as e:
            receivables.record_payment(db, b, "5000.00", reference=typed, user=fin)
        db.rollback()
        assert f"already recorded on payment {first.number}" in str(e.value)
        assert "5000.00" in str(e.value) and TODAY.isoformat() in str(e.value)
    assert _payments(db) == [("工行回单 2026120600123", Decimal("5000.00"))]
    assert ledger.customer_balance(db, b) == 0
    # Letters compare without case.
    receivables.record_payment(db, a, "1.00", reference="hsbc-ab12", user=fin)
    db.commit()
    with pytest.raises(ServiceError, match="already recorded"):
        receivables.record_payment(db, a, "1.00", reference="HSBC-AB12", user=fin)
    db.rollback()


def test_a_confirmed_second_transfer_a_reversed_twin_or_no_reference_is_recorded(world, db):
    a = world.customers["a"]
    fin = world.user(db, "finance")
    first = receivables.record_payment(db, a, "300.00", reference="REF-1", user=fin)
    receivables.record_payment(db, a, "300.00", reference="REF-1", user=fin,
                               allow_duplicate_reference=True)
    # A cash receipt may carry a bank slip's number; no reference is no duplicate.
    receivables.record_payment(db, a, "10.00", method="cash", reference="REF-1", user=fin)
    receivables.record_payment(db, a, "20.00", user=fin)
    receivables.record_payment(db, a, "20.00", user=fin)
    db.commit()
    # A bounced transfer, reversed, may come again under its number.
    receivables.record_payment(db, a, "70.00", reference="REF-2", user=fin)
    db.commit()
    bounced = db.scalar(select(Payment).where(Payment.reference == "REF-2"))
    receivables.reverse_payment(db, bounced, reason="退票", user=fin)
    receivables.record_payment(db, a, "70.00", reference="REF-2", user=fin)
    db.commit()
    assert db.scalar(select(func.count(Payment.id))) == 7
    assert ledger.customer_balance(db, a) == Decimal("-720.00")
    assert first.reference_key == "REF-1"


def test_two_clerks_recording_the_same_slip_at_once_post_it_once(world, race):
    cid = world.customers["a"]

    def record(s):
        return receivables.record_payment(s, cid, "8800.00", reference="建行 99887766",
                                          user=world.user(s, "finance")).number

    results = race(record, record, record)
    numbers = [r for r in results if isinstance(r, str)]
    assert len(numbers) == 1, results
    assert all(isinstance(r, receivables.DuplicateReference)
               and numbers[0] in str(r) for r in results if r not in numbers), results
    with world.db.session() as s:
        assert s.scalar(select(func.count(Payment.id))) == 1
        assert ledger.customer_balance(s, cid) == Decimal("-8800.00")


# -- the page ---------------------------------------------------------------
@pytest.fixture
def fin(client, world):
    client.login("fin")
    return client


def _form(world, **kw):
    data = {"customer_id": world.customers["b"], "amount": "5000.00", "date": TODAY.isoformat(),
            "method": "bank", "reference": "工行回单 555", "allocation": "none"}
    data.update(kw)
    return data


def test_the_page_refuses_a_known_reference_next_to_the_field_then_takes_a_confirmation(
        fin, world, app):
    db = app.extensions["qudao"].db
    with db.session() as s:
        first = receivables.record_payment(s, world.customers["a"], "5000.00",
                                           reference="工行回单555", user=world.user(s, "finance"))
        number = first.number
    resp = fin.post_form("/finance/payments/new", _form(world))
    assert resp.status_code == 422
    html = resp.get_data(True)
    assert 'id="reference-error"' in html
    assert f"该流水号已登记在回款单 {number}" in html
    assert 'name="confirm_duplicate"' in html
    assert 'value="none" checked' in html  # the choice made stays
    with db.session() as s:
        assert s.scalar(select(func.count(Payment.id))) == 1
    resp = fin.post_form("/finance/payments/new", _form(world, confirm_duplicate="1"))
    assert resp.status_code == 303
    with db.session() as s:
        refs = [p.reference for p in s.scalars(select(Payment).order_by(Payment.id))]
        assert refs == ["工行回单555", "工行回单 555"]


@pytest.mark.parametrize("raw", ["1e6", "1E3", "NaN", "0x10", "١٠٠", "1.005", "1_000"])
def test_allocation_amounts_like_1e6_are_refused_and_nothing_is_recorded(fin, world, app, raw):
    db = app.extensions["qudao"].db
    with db.session() as s:
        inv = receivables.post_invoice(s, world.customers["b"],
                                       [{"description": "冰箱", "unit_price": "2000.00"}])
        inv_id = inv.id
    resp = fin.post_form("/finance/payments/new", _form(
        world, allocation="manual", **{f"alloc_{inv_id}": raw}))
    assert resp.status_code == 422
    assert f'id="alloc_{inv_id}-error"' in resp.get_data(True)
    resp = fin.post_form("/finance/payments/new", _form(world, amount=raw))
    assert resp.status_code == 422 and 'id="amount-error"' in resp.get_data(True)
    with db.session() as s:
        assert s.scalar(select(func.count(Payment.id))) == 0
        assert s.scalar(select(func.count(Allocation.id))) == 0
        assert s.scalar(select(func.count(Entry.id))) == 1  # the invoice


def test_full_width_digits_from_a_chinese_input_method_are_read_as_the_amount(world, db):
    pay = receivables.record_payment(db, world.customers["a"], "１，２００．５０",
                                     user=world.user(db, "finance"))
    db.commit()
    assert pay.amount == Decimal("1200.50")
