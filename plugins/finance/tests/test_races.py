"""Two people act on one finance record at the same moment (issue 20): the
state is checked under the record's lock, so one of them goes through and
the other is refused with a message; money moves once — on SQLite and on
PostgreSQL.  Each action runs in its own thread, app context and session
(the ``race`` fixture) and loads the record after the common start."""
from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from core.services import ServiceError
from plugins.finance.models import Budget, CreditNote, Invoice, RebateClaim
from plugins.finance.services import budgets, ledger, rebates
from plugins.finance.services import receivables
from plugins.finance.services.chart import OTHER_PAYABLE
from core import clock

TODAY = clock.today()
PDF = b"%PDF-1.4\n% evidence\n"


def refused(result, text: str) -> bool:
    return isinstance(result, ServiceError) and text in str(result)


def _submitted_claim(world) -> int:
    with world.db.session() as s:
        claim = rebates.create_claim(
            s, world.customers["a"], "sales_subsidy",
            period_start=TODAY.replace(day=1) - timedelta(days=31),
            period_end=TODAY.replace(day=1) - timedelta(days=1),
            lines=[{"product": "55寸电视", "quantity": "20", "unit_amount": "50.00"}],
            user=world.user(s, "sales1"))
        rebates.add_evidence(s, claim, io.BytesIO(PDF), "e.pdf")
        rebates.submit_claim(s, claim, world.user(s, "sales1"))
        return claim.id


def test_a_rebate_settled_twice_at_once_is_paid_once(world, race):
    cid = world.customers["a"]
    claim_id = _submitted_claim(world)
    with world.db.session() as s:
        rebates.approve_claim(s, s.get(RebateClaim, claim_id), user=world.user(s, "manager"))

    def redeem(s):
        rebates.redeem_claim(s, s.get(RebateClaim, claim_id), method="credit_note",
                             user=world.user(s, "finance"))
        return "redeemed"

    results = race(redeem, redeem)
    assert results.count("redeemed") == 1, results
    assert any(refused(r, "Only an approved claim can be redeemed") for r in results), results
    with world.db.session() as s:
        assert s.scalar(select(func.count(CreditNote.id))) == 1
        assert ledger.account_balance(s, OTHER_PAYABLE, cid) == Decimal("0.00")
        assert ledger.customer_balance(s, cid) == Decimal("-1000.00")


def test_a_rebate_approved_and_rejected_at_once_is_decided_once(world, race):
    cid = world.customers["a"]
    claim_id = _submitted_claim(world)

    def approve(s):
        rebates.approve_claim(s, s.get(RebateClaim, claim_id), user=world.user(s, "manager"))
        return "approved"

    def reject(s):
        rebates.reject_claim(s, s.get(RebateClaim, claim_id), user=world.user(s, "other_mgr"),
                             note="依据不足")
        return "rejected"

    results = race(approve, reject)
    wins = [r for r in results if not isinstance(r, ServiceError)]
    assert len(wins) == 1, results
    assert any(refused(r, "Only a submitted claim") for r in results), results
    with world.db.session() as s:
        assert s.get(RebateClaim, claim_id).state == wins[0]
        owed = Decimal("-1000.00") if wins[0] == "approved" else Decimal("0.00")
        assert ledger.account_balance(s, OTHER_PAYABLE, cid) == owed


def test_an_invoice_reversed_twice_at_once_is_reversed_once(world, race):
    cid = world.customers["a"]
    with world.db.session() as s:
        inv_id = receivables.post_invoice(s, cid, [{"description": "冰箱", "unit_price": "880.00"}]).id

    def reverse(s):
        receivables.reverse_invoice(s, s.get(Invoice, inv_id), reason="开错了")
        return "reversed"

    results = race(reverse, reverse)
    assert results.count("reversed") == 1, results
    assert any(refused(r, "already reversed") for r in results), results
    with world.db.session() as s:
        assert ledger.customer_balance(s, cid) == Decimal("0.00")
        assert ledger.verify_chain(s).ok


def test_one_budget_line_set_twice_at_once_stays_one_line(world, race):
    def put(amount):
        def work(s):
            budgets.set_budget(s, org_unit_id=world.office_id, owner_id=None, year=TODAY.year,
                               month=TODAY.month, kind="sales", amount=amount)
            return amount
        return work

    race(put("50000.00"), put("60000.00"))
    with world.db.session() as s:
        rows = s.scalars(select(Budget).where(Budget.org_unit_id == world.office_id)).all()
        assert len(rows) == 1 and rows[0].amount in (Decimal("50000.00"), Decimal("60000.00"))


def test_one_month_issued_twice_at_once_gives_one_statement(world, race):
    from plugins.finance.models import Statement
    from plugins.finance.services import statements as st_svc

    last_month = TODAY.replace(day=1) - timedelta(days=1)
    period = st_svc.period_of(last_month)
    cid = world.customers["a"]
    with world.db.session() as s:
        receivables.post_invoice(s, cid, [{"description": "冰箱", "unit_price": "880.00"}],
                          when=last_month.replace(day=5))

    def issue(s):
        return st_svc.issue(s, cid, period, user=world.user(s, "finance")).number

    first, second = race(issue, issue)
    assert first == second, (first, second)
    with world.db.session() as s:
        rows = s.scalars(select(Statement).where(Statement.customer_id == cid)).all()
        assert [(r.number, r.closing) for r in rows] == [(first, Decimal("880.00"))]


def test_one_source_filed_twice_at_once_gives_one_claim(world, race):
    """Another plugin files the same claim twice at once (``source`` is
    unique): the second waits for the first under the customer's lock and is
    refused with a message instead of a database error."""
    cid = world.customers["a"]
    source = "dealers.rebate_claim:77"

    def file(s):
        return rebates.file_claim(
            s, cid, "sales_subsidy", period_start=TODAY.replace(day=1) - timedelta(days=31),
            period_end=TODAY.replace(day=1) - timedelta(days=1),
            lines=[{"product": "55寸电视", "quantity": "20", "unit_amount": "50.00"}],
            user=world.user(s, "sales1"), source=source, submit=False).id

    results = race(file, file)
    assert sum(isinstance(r, int) for r in results) == 1, results
    assert any(refused(r, "A rebate claim for this source exists already") for r in results), results
    with world.db.session() as s:
        assert s.scalar(select(func.count(RebateClaim.id)).where(RebateClaim.source == source)) == 1
