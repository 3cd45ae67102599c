"""Budgets against the ledger's actuals, and accruals reversed on the 1st."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core import settings
from core.models import OrgUnit
from core.services import ServiceError
from plugins.finance.models import Budget, Entry
from plugins.finance.services import budgets, chart, receivables, ledger
from plugins.finance.services.ledger import LineSpec
from core import clock

D = Decimal
TODAY = clock.today()
MONTH = TODAY.replace(day=1)
LAST_END = MONTH - timedelta(days=1)


def test_actuals_by_org_unit_and_salesperson(world, db):
    a, b = world.customers["a"], world.customers["b"]          # sales1, sales2 in OFF1
    # Sales actuals are revenue (6001), net of VAT: exempt sales keep the sums round.
    settings.set(db, "finance.default_tax_rate", "exempt")
    receivables.post_invoice(db, a, [{"description": "TV", "unit_price": "1000.00"}], when=MONTH)
    receivables.post_invoice(db, b, [{"description": "TV", "unit_price": "500.00"}], when=MONTH)
    receivables.post_credit_note(db, a, "return", "100.00", reason="退货", when=MONTH)
    receivables.record_payment(db, a, "300.00", when=MONTH)
    ledger.post_entry(db, "GEN", MONTH, [LineSpec("660101", debit="80.00"),
                                         LineSpec("1002", credit="80.00")],
                      unit_id=world.office_id, salesperson_id=world.users["sales1"].id)
    travel = chart.account(db, "660101")
    hq = db.scalar(select(OrgUnit.id).where(OrgUnit.code == "HQ"))
    rows = [
        budgets.set_budget(db, org_unit_id=world.office_id, owner_id=None, year=MONTH.year,
                           month=MONTH.month, kind="sales", amount="2000"),
        budgets.set_budget(db, org_unit_id=world.office_id, owner_id=world.users["sales1"].id,
                           year=MONTH.year, month=MONTH.month, kind="sales", amount="800"),
        budgets.set_budget(db, org_unit_id=hq, owner_id=None, year=MONTH.year,
                           month=MONTH.month, kind="collections", amount="1000"),
        budgets.set_budget(db, org_unit_id=world.office_id, owner_id=None, year=MONTH.year,
                           month=MONTH.month, kind="expense", account_id=travel.id, amount="100"),
    ]
    report = {(r.budget.id): r for r in budgets.report(db, select(Budget), MONTH.year, MONTH.month)}
    office_sales, s1_sales, collections, travel_row = (report[b_.id] for b_ in rows)
    assert office_sales.actual == D("1400.00") and office_sales.variance == D("-600.00")
    assert s1_sales.actual == D("900.00") and s1_sales.variance == D("100.00")
    assert collections.actual == D("300.00")       # HQ includes the office below it
    assert travel_row.actual == D("80.00") and travel_row.variance == D("20.00")
    # Setting the same line again replaces it.
    budgets.set_budget(db, org_unit_id=world.office_id, owner_id=None, year=MONTH.year,
                       month=MONTH.month, kind="sales", amount="2500")
    assert len(db.scalars(select(Budget).where(Budget.kind == "sales", Budget.owner_id.is_(None))
                          ).all()) == 1
    with pytest.raises(ServiceError, match="expense account"):
        budgets.set_budget(db, org_unit_id=world.office_id, owner_id=None, year=MONTH.year,
                           month=MONTH.month, kind="expense", amount="1")


def test_accrual_is_reversed_on_the_first_of_next_month(world, db):
    acc = budgets.post_accrual(db, org_unit_id=world.office_id, owner_id=None,
                               account_code="660103", amount="6800.00",
                               description="促销员工资，发票未到", when=LAST_END)
    rev = db.get(Entry, acc.reversal_entry_id)
    assert rev.date == MONTH and rev.reversal_of_id == acc.entry_id
    assert ledger.account_balance(db, "660103", as_of=LAST_END) == D("6800.00")
    assert ledger.account_balance(db, "2241", as_of=LAST_END) == D("-6800.00")
    assert ledger.account_balance(db, "660103", as_of=MONTH) == D("0.00")
    with pytest.raises(ServiceError, match="last day"):
        budgets.post_accrual(db, org_unit_id=world.office_id, owner_id=None,
                             account_code="660103", amount="1", description="x",
                             when=LAST_END - timedelta(days=1))
    with pytest.raises(ServiceError, match="expense"):
        budgets.post_accrual(db, org_unit_id=world.office_id, owner_id=None,
                             account_code="1002", amount="1", description="x", when=LAST_END)
