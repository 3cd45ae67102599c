"""Credit control: limit, prepayment, overdue, expiry, manager override."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.models import AuditLog
from plugins.finance import api as finance
from plugins.finance.models import CreditOverride
from plugins.finance.services import credit, receivables
from core import clock

TODAY = clock.today()
D = Decimal


def _net(db, cid, limit="1000.00", days=30, valid_until=None):
    credit.set_profile(db, cid, credit_limit=limit, terms="net", term_days=days,
                       valid_until=valid_until)


def test_new_customer_is_prepayment_and_blocked_without_prepaid_money(world, db):
    cid = world.customers["a"]
    with pytest.raises(finance.CreditBlocked) as e:
        finance.check_credit(db, cid, "100.00")
    assert "Payment before delivery" in str(e.value) or "先款后货" in str(e.value)
    receivables.record_payment(db, cid, "150.00")
    finance.check_credit(db, cid, "100.00", source="t:1")
    # The first order holds 100 of the 150 prepaid: a second order of 100 is refused.
    with pytest.raises(finance.CreditBlocked, match="50.00"):
        finance.check_credit(db, cid, "100.00", source="t:2")
    finance.check_credit(db, cid, "50.00", source="t:3")


def test_exposure_counts_receivable_and_uninvoiced_orders(world, db):
    cid = world.customers["a"]
    _net(db, cid, "1000.00")
    receivables.post_invoice(db, cid, [{"description": "TV", "unit_price": "600.00"}])
    finance.check_credit(db, cid, "300.00", source="t:1")
    st = finance.credit_status(db, cid)
    assert (st.balance, st.committed, st.exposure, st.available) == (
        D("600.00"), D("300.00"), D("900.00"), D("100.00"))
    with pytest.raises(finance.CreditBlocked, match="limit"):
        finance.check_credit(db, cid, "100.01", source="t:2")
    # Invoicing the order moves it from "committed" to "receivable": same exposure.
    receivables.post_invoice(db, cid, [{"description": "TV", "unit_price": "300.00"}], source="t:1")
    assert finance.credit_status(db, cid).exposure == D("900.00")
    # Re-checking the same order replaces its reservation instead of adding to it.
    finance.check_credit(db, cid, "100.00", source="t:3")
    finance.check_credit(db, cid, "100.00", source="t:3")
    assert finance.credit_status(db, cid).committed == D("100.00")
    assert finance.release_credit(db, "t:3")
    assert finance.credit_status(db, cid).committed == D("0.00")


def test_overdue_invoice_blocks_beyond_the_setting(world, db):
    from core import settings

    cid = world.customers["a"]
    _net(db, cid, "100000.00")
    receivables.post_invoice(db, cid, [{"description": "TV", "unit_price": "500.00"}],
                      when=TODAY - timedelta(days=60), due_date=TODAY - timedelta(days=30))
    finance.check_credit(db, cid, "10.00")  # exactly 30 days past due: not yet
    settings.set(db, "finance.overdue_block_days", 29)
    with pytest.raises(finance.CreditBlocked, match="overdue"):
        finance.check_credit(db, cid, "10.00")


def test_expired_credit_line_falls_back_to_prepayment(world, db):
    cid = world.customers["a"]
    _net(db, cid, "1000.00", valid_until=TODAY - timedelta(days=1))
    with pytest.raises(finance.CreditBlocked, match="expired"):
        finance.check_credit(db, cid, "10.00")
    _net(db, cid, "1000.00", valid_until=TODAY)
    finance.check_credit(db, cid, "10.00")


def test_manager_override_with_reason_is_recorded_and_audited(world, db):
    cid = world.customers["a"]
    sales = world.user(db, "sales1")
    manager = world.user(db, "manager")
    with pytest.raises(finance.CreditBlocked, match="override permission"):
        finance.check_credit(db, cid, "500.00", user=sales, override_reason="老客户")
    with pytest.raises(finance.CreditBlocked):
        finance.check_credit(db, cid, "500.00", user=manager, override_reason="  ")
    decision = finance.check_credit(db, cid, "500.00", user=manager, override_reason="春节备货,老板担保",
                                    source="t:9")
    db.commit()
    assert decision.overridden and decision.allowed
    ov = db.get(CreditOverride, decision.override_id)
    assert ov.user_id == manager.id
    assert "先款后货" in ov.blocks or "Payment before" in ov.blocks
    assert db.scalar(select(AuditLog.reason).where(AuditLog.table_name == "finance_credit_override")
                     ) == "春节备货,老板担保"


def test_setting_a_credit_line_needs_finance(world, db):
    from core.services import ServiceError

    with pytest.raises(ServiceError, match="permission"):
        credit.set_profile(db, world.customers["a"], credit_limit="1", terms="net", term_days=30,
                           valid_until=None, user=world.user(db, "sales1"))
    with pytest.raises(ServiceError, match="days"):
        credit.set_profile(db, world.customers["a"], credit_limit="100", terms="net",
                           term_days=0, valid_until=None, user=world.user(db, "finance"))
