"""Statements, aged receivables, the customer's answer and disputes."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.services import ServiceError
from plugins.customers.api import Customer
from plugins.finance.services import aging, receivables
from plugins.finance.services import ledger, statements
from core import clock

D = Decimal
TODAY = clock.today()
LAST_MONTH_END = TODAY.replace(day=1) - timedelta(days=1)
LAST_MONTH = LAST_MONTH_END.replace(day=1)
PERIOD = statements.period_of(LAST_MONTH)


def _history(db, cid):
    """Before the month: 1000 invoiced, 300 paid.  In the month: 500 invoiced
    on the 3rd, 400 paid on the 10th (auto-applied), 50 credit on the 20th."""
    before = LAST_MONTH - timedelta(days=20)
    receivables.post_invoice(db, cid, [{"description": "TV", "unit_price": "1000.00"}], when=before,
                      due_date=before + timedelta(days=10))
    receivables.record_payment(db, cid, "300.00", when=before + timedelta(days=1), allocations="auto")
    receivables.post_invoice(db, cid, [{"description": "冰箱", "unit_price": "500.00"}],
                      when=LAST_MONTH + timedelta(days=2))
    receivables.record_payment(db, cid, "400.00", when=LAST_MONTH + timedelta(days=9),
                        allocations="auto", reference="工行 8812")
    receivables.post_credit_note(db, cid, "price_drop", "50.00", reason="降价补差",
                          when=LAST_MONTH + timedelta(days=19))


def test_statement_opening_movements_running_balance_closing(world, db):
    cid = world.customers["a"]
    _history(db, cid)
    data = statements.statement_data(db, cid, PERIOD)
    assert data["opening"] == D("700.00")
    moves = [(m["debit"], m["credit"], m["balance"]) for m in data["movements"]]
    # Allocations change nothing the customer owes and are not listed.
    assert moves == [(D("500.00"), D("0.00"), D("1200.00")),
                     (D("0.00"), D("400.00"), D("800.00")),
                     (D("0.00"), D("50.00"), D("750.00"))]
    assert data["closing"] == D("750.00") == ledger.customer_balance(db, cid, LAST_MONTH_END)
    assert data["opening"] + data["debit"] - data["credit"] == data["closing"]
    buckets = data["aging"]
    total = sum(buckets[k] for k in ("current", "d1_30", "d31_60", "d61_90", "over_90",
                                     "unapplied"))
    assert total == data["closing"]


def test_aging_buckets_by_days_past_due_and_groups(world, db):
    a, b = world.customers["a"], world.customers["b"]
    for days, amount in ((0, "10.00"), (15, "20.00"), (45, "30.00"), (75, "40.00"), (120, "50.00")):
        receivables.post_invoice(db, a, [{"description": "x", "unit_price": amount}],
                          when=TODAY - timedelta(days=days + 5),
                          due_date=TODAY - timedelta(days=days))
    receivables.post_invoice(db, b, [{"description": "x", "unit_price": "7.00"}],
                      when=TODAY - timedelta(days=31), due_date=TODAY - timedelta(days=31))
    receivables.record_payment(db, b, "2.00")
    ids = select(Customer.id)
    rows, total = aging.aging(db, ids, TODAY)
    by_id = {r.key: r for r in rows}
    ra = by_id[a]
    assert (ra.current, ra.d1_30, ra.d31_60, ra.d61_90, ra.over_90) == (
        D("10.00"), D("20.00"), D("30.00"), D("40.00"), D("50.00"))
    rb = by_id[b]
    # 31 days past due is the 31–60 bucket; the unapplied 2.00 shows beside it.
    assert (rb.d31_60, rb.unapplied, rb.balance) == (D("7.00"), D("-2.00"), D("5.00"))
    assert total.balance == D("155.00") == (ledger.customer_balance(db, a)
                                            + ledger.customer_balance(db, b))
    by_sales, _t = aging.aging(db, ids, TODAY, group="salesperson")
    assert {r.key: r.balance for r in by_sales} == {world.users["sales1"].id: D("150.00"),
                                                    world.users["sales2"].id: D("5.00")}
    by_org, _t = aging.aging(db, ids, TODAY, group="org_unit")
    assert [(r.key, r.balance) for r in by_org] == [(world.office_id, D("155.00"))]
    drill = aging.customer_invoices(db, a, TODAY)
    assert [d["days"] for d in drill] == [120, 75, 45, 15, 0]
    # As of an earlier date the later allocations and invoices are not there yet.
    rows_then, _t = aging.aging(db, ids, TODAY - timedelta(days=100))
    assert {r.key: r.balance for r in rows_then} == {a: D("50.00")}
    # The day before b's payment: its invoice, 30 days past due, and no credit yet.
    rows_then, _t = aging.aging(db, ids, TODAY - timedelta(days=1))
    rb = {r.key: r for r in rows_then}[b]
    assert (rb.d1_30, rb.unapplied, rb.balance) == (D("7.00"), D("0.00"), D("7.00"))


def test_a_reversed_invoice_is_aged_until_the_day_of_its_reversal(world, db):
    a, b = world.customers["a"], world.customers["b"]
    inv = receivables.post_invoice(db, a, [{"description": "x", "unit_price": "80.00"}],
                            when=TODAY - timedelta(days=30), due_date=TODAY - timedelta(days=20))
    receivables.post_invoice(db, b, [{"description": "x", "unit_price": "9.00"}],
                      when=TODAY - timedelta(days=30), due_date=TODAY - timedelta(days=20))
    receivables.reverse_invoice(db, inv, reason="开错客户", when=TODAY - timedelta(days=5))
    ids = select(Customer.id)
    for as_of, owed in ((TODAY - timedelta(days=6), D("80.00")),
                        (TODAY - timedelta(days=5), D("0.00")), (TODAY, D("0.00"))):
        # The company-wide report and one customer's summary agree.
        rows, _t = aging.aging(db, ids, as_of)
        assert {r.key: r.d1_30 for r in rows}.get(a, D("0.00")) == owed
        assert aging.customer_summary(db, a, as_of).d1_30 == owed
        assert aging.customer_summary(db, b, as_of).d1_30 == D("9.00")
    assert [d["number"] for d in aging.customer_invoices(db, a, TODAY - timedelta(days=6))] \
        == [inv.number]
    assert aging.customer_invoices(db, a, TODAY) == []


def test_issue_answer_dispute_and_resolve(world, db):
    cid = world.customers["a"]
    _history(db, cid)
    st = statements.issue(db, cid, PERIOD, user=world.user(db, "finance"))
    assert st.closing == D("750.00") and st.movements == 3 and st.number.startswith("STM/")
    with pytest.raises(ServiceError, match="has ended"):
        statements.issue(db, cid, statements.period_of(TODAY))
    moves = statements.movements(db, cid, st.start, st.end, D("0"))
    with pytest.raises(ServiceError, match="each line"):
        statements.record_answer(db, st, answer="disputed", disputes=[(moves[2]["entry_id"], "")])
    with pytest.raises(ServiceError, match="not on this statement"):
        statements.record_answer(db, st, answer="disputed", disputes=[(999999, "?")])
    statements.record_answer(db, st, answer="disputed", by_name="王老板",
                             disputes=[(moves[2]["entry_id"], "补差应为 80 元")],
                             user=world.user(db, "sales1"))
    assert st.answer == "disputed" and len(st.disputes) == 1
    with pytest.raises(ServiceError, match="already answered"):
        statements.issue(db, cid, PERIOD)
    with pytest.raises(ServiceError, match="permission"):
        statements.resolve_dispute(db, st.disputes[0], resolution="x", user=world.user(db, "sales1"))
    cn = receivables.post_credit_note(db, cid, "price_drop", "30.00", reason="补差差额")
    statements.resolve_dispute(db, st.disputes[0], resolution="补开 30 元贷项",
                               correction_entry_id=cn.entry_id, user=world.user(db, "finance"))
    assert st.answer == "resolved"


def test_confirmed_statement_and_activity_list(world, db):
    a, b = world.customers["a"], world.customers["b"]
    _history(db, a)
    start, end = statements.parse_period(PERIOD)
    assert statements.customers_with_activity(db, select(Customer.id), start, end) == [a]
    st = statements.issue(db, a, PERIOD)
    statements.record_answer(db, st, answer="confirmed", by_name="王老板")
    assert st.answer == "confirmed"
    with pytest.raises(ServiceError, match="already recorded"):
        statements.record_answer(db, st, answer="confirmed")
    with pytest.raises(ServiceError, match="YYYY-MM"):
        statements.parse_period("2026-13")
    del b
