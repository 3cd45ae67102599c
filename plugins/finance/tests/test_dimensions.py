"""A line on an account that needs a customer (1122 应收账款, 2203 预收账款)
never reaches the ledger without one, and ``qudao finance verify`` names
any entry that has such a line (issue 20: the trial balance differed from
the aging while verify said OK)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from core.db import utcnow
from core.models import Sequence
from core.services import ServiceError
from plugins.finance.models import Account, Entry, Journal, LedgerState, Line
from plugins.finance.services import receivables, ledger
from plugins.finance.services.ledger import LineSpec
from core import clock

TODAY = clock.today()
D = Decimal


@pytest.mark.parametrize("code", ["1122", "2203"])
def test_a_customer_account_line_without_a_customer_is_refused(world, db, code):
    with pytest.raises(ServiceError, match=f"Account {code} needs a customer on every line"):
        ledger.post_entry(db, "GEN", TODAY, [LineSpec(code, debit="100.00"),
                                             LineSpec("6001", credit="100.00")])
    db.rollback()
    assert db.scalar(select(func.count(Entry.id))) == 0
    assert db.scalar(select(func.count()).select_from(Sequence)
                     .where(Sequence.key == "finance.GEN")) == 0
    e = ledger.post_entry(db, "GEN", TODAY, [
        LineSpec(code, debit="100.00", customer_id=world.customers["a"]),
        LineSpec("6001", credit="100.00")])
    assert e.number == f"GEN/{TODAY.year}/00001"


def test_general_entry_form_marks_the_missing_customer(client, world, app):
    client.login("fin")
    resp = client.post_form("/finance/ledger/new", {
        "date": TODAY.isoformat(), "account_0": "1122", "debit_0": "100.00",
        "account_1": "6001", "credit_1": "100.00"})
    assert resp.status_code == 422
    html = resp.get_data(True)
    assert 'id="customer_0-error"' in html and "科目 1122 的每一行都必须指定客户" in html
    with app.extensions["qudao"].db.session() as s:
        assert s.scalar(select(func.count(Entry.id))) == 0


def _insert_dimensionless_receivable(s, amount: Decimal) -> str:
    """An entry with a 1122 line and no customer, written by raw INSERTs
    with a correct hash and chain head (as an older version, or someone at
    the database, could have left it): the chain check alone finds nothing."""
    state = s.execute(select(LedgerState.__table__)).one()
    acc = dict(s.execute(select(Account.code, Account.id)
                         .where(Account.code.in_(["1122", "6001"]))).all())
    entry = Entry(journal_id=s.scalar(select(Journal.id).where(Journal.code == "GEN")),
                  number=f"GEN/{TODAY.year}/09999", year=TODAY.year, seq=9999, date=TODAY,
                  memo="raw", customer_id=None, unit_id=None, salesperson_id=None, source=None,
                  reversal_of_id=None, total=amount, line_count=2,
                  chain_seq=state.chain_seq + 1, prev_hash=state.last_hash,
                  posted_at=utcnow().replace(microsecond=0), posted_by=None)
    lines = [Line(position=1, account_id=acc["1122"], customer_id=None, date=TODAY,
                  debit=amount, credit=D("0.00"), memo="", unit_id=None, salesperson_id=None),
             Line(position=2, account_id=acc["6001"], customer_id=None, date=TODAY,
                  debit=D("0.00"), credit=amount, memo="", unit_id=None, salesperson_id=None)]
    digest = ledger.entry_hash(entry.prev_hash, entry, lines)
    cols = [c.name for c in Entry.__table__.columns if c.name != "id"]
    row = {c: getattr(entry, c) for c in cols}
    row["hash"] = digest
    ident = s.execute(Entry.__table__.insert().values(**row).returning(Entry.__table__.c.id)
                      ).scalar_one()
    lcols = [c.name for c in Line.__table__.columns if c.name not in ("id", "entry_id")]
    s.execute(Line.__table__.insert(),
              [dict({c: getattr(ln, c) for c in lcols}, entry_id=ident) for ln in lines])
    s.execute(update(LedgerState).where(LedgerState.id == 1)
              .values(chain_seq=entry.chain_seq, last_hash=digest))
    return entry.number


def test_verify_names_an_entry_with_a_dimensionless_receivable_line(world, app):
    db = app.extensions["qudao"].db
    with db.session() as s:
        receivables.post_invoice(s, world.customers["a"], [{"description": "冰箱",
                                                     "unit_price": "3899.00"}])
    runner = app.test_cli_runner()
    result = runner.invoke(args=["finance", "verify"])
    assert result.exit_code == 0, result.output
    with db.session() as s:
        number = _insert_dimensionless_receivable(s, D("500.00"))
    with db.session() as s:
        assert ledger.verify_chain(s).ok  # the chain is intact…
        # …yet 1122 in the trial balance is not the customers' receivables.
        tb = {r["code"]: r["balance"] for r in ledger.trial_balance(s)}
        assert tb["1122"] == D("4399.00")
        assert ledger.account_balance(s, "1122", world.customers["a"]) == D("3899.00")
        assert ledger.missing_dimensions(s) == [(number, "1122", "customer")]
    result = runner.invoke(args=["finance", "verify"])
    assert result.exit_code == 1
    assert f"BROKEN at entry {number}: a line on account 1122 has no customer" in result.output
