"""The ledger: balanced postings, immutability by triggers, reversals, lock
date, gapless numbers and the hash chain."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import IntegrityError

from core.services import ServiceError
from plugins.finance.models import Entry, LedgerState, Line
from plugins.finance.models.ledger import LedgerImmutable
from plugins.finance.services import receivables
from plugins.finance.services import ledger
from plugins.finance.services.ledger import LineSpec
from core import clock

TODAY = clock.today()


def _post(s, amount="100.00", when=None, customer_id=None):
    """Bank against a customer's advances, or against revenue without one
    (a 2203 line needs a customer)."""
    return ledger.post_entry(s, "GEN", when or TODAY, [
        LineSpec("1002", debit=amount),
        LineSpec("2203" if customer_id else "6001", credit=amount, customer_id=customer_id),
    ], memo="test")


def test_unbalanced_entry_is_refused_and_nothing_is_left(world, db):
    with pytest.raises(ServiceError, match="differ"):
        ledger.post_entry(db, "GEN", TODAY, [LineSpec("1002", debit="100.00"),
                                             LineSpec("2203", credit="99.99")])
    with pytest.raises(ServiceError):
        ledger.post_entry(db, "GEN", TODAY, [LineSpec("1002", debit="100.001"),
                                             LineSpec("2203", credit="100.001")])
    with pytest.raises(TypeError):
        ledger.post_entry(db, "GEN", TODAY, [LineSpec("1002", debit=100.5),
                                             LineSpec("2203", credit=100.5)])
    with pytest.raises(ServiceError, match="either"):
        ledger.post_entry(db, "GEN", TODAY, [LineSpec("1002", debit="5", credit="5"),
                                             LineSpec("2203", credit="0")])
    assert db.scalar(select(Entry.id)) is None
    e = _post(db)
    db.commit()
    assert e.number == f"GEN/{TODAY.year}/00001"  # the refusals used no number


def test_posted_line_cannot_change_by_orm_bulk_update_or_raw_sql(world, db):
    e = _post(db)
    db.commit()
    line = db.get(Line, e.lines[0].id)
    line.debit = Decimal("1.00")
    with pytest.raises(LedgerImmutable):
        db.flush()
    db.rollback()
    with pytest.raises(LedgerImmutable):
        db.delete(db.get(Entry, e.id))
        db.flush()
    db.rollback()
    # Bulk statements bypass the ORM: the database triggers refuse them.
    with pytest.raises(IntegrityError, match="immutable"):
        db.execute(update(Line).where(Line.entry_id == e.id).values(debit=Decimal("1.00"))
                   .execution_options(synchronize_session=False))
    db.rollback()
    with pytest.raises(IntegrityError, match="immutable"):
        db.execute(text("UPDATE finance_entry SET memo = 'x' WHERE id = :i"), {"i": e.id})
    db.rollback()
    with pytest.raises(IntegrityError, match="immutable"):
        db.execute(text("DELETE FROM finance_line WHERE entry_id = :i"), {"i": e.id})
    db.rollback()
    with pytest.raises(IntegrityError, match="immutable"):
        db.execute(delete(Entry).where(Entry.id == e.id))
    db.rollback()
    # A line slipped into a complete entry is refused too.
    with pytest.raises(IntegrityError, match="complete"):
        db.execute(text("INSERT INTO finance_line (entry_id, position, account_id, date, debit, "
                        "credit, memo) VALUES (:e, 3, 1, :d, 5, 0, 'x')"),
                   {"e": e.id, "d": TODAY})
    db.rollback()
    assert db.get(Line, e.lines[0].id).debit == Decimal("100.00")


def test_reversal_nets_to_zero_and_cannot_itself_be_reversed(world, db):
    cid = world.customers["a"]
    e = _post(db, "250.75", customer_id=cid)
    assert ledger.customer_balance(db, cid) == Decimal("-250.75")
    rev = ledger.reverse_entry(db, e)
    db.commit()
    assert ledger.customer_balance(db, cid) == Decimal("0.00")
    assert rev.reversal_of_id == e.id
    db.expire_all()
    assert db.get(Entry, e.id).reversed_by.id == rev.id  # linked both ways
    with pytest.raises(ServiceError, match="itself a reversal"):
        ledger.reverse_entry(db, rev)
    with pytest.raises(ServiceError, match="already been reversed"):
        ledger.reverse_entry(db, db.get(Entry, e.id))


def test_lock_date_refuses_postings_and_only_moves_forward(world, db):
    _post(db, when=TODAY - timedelta(days=20))
    ledger.set_lock_date(db, TODAY - timedelta(days=10))
    db.commit()
    with pytest.raises(ledger.LockedPeriod):
        _post(db, when=TODAY - timedelta(days=10))
    with pytest.raises(ServiceError, match="only moves forward"):
        ledger.set_lock_date(db, TODAY - timedelta(days=11))
    db.rollback()
    # The database refuses it too, whoever asks.
    with pytest.raises(IntegrityError, match="only moves forward"):
        db.execute(update(LedgerState).values(lock_date=TODAY - timedelta(days=30))
                   .execution_options(synchronize_session=False))
    db.rollback()
    e = _post(db, when=TODAY - timedelta(days=9))
    assert e.number.endswith("00002")


def test_numbers_are_per_journal_and_year_without_gaps(world, db):
    cid = world.customers["a"]
    last_year = date(TODAY.year - 1, 12, 31)
    a = receivables.post_invoice(db, cid, [{"description": "TV", "unit_price": "10.00"}], when=last_year)
    b = receivables.post_invoice(db, cid, [{"description": "TV", "unit_price": "10.00"}])
    c = receivables.post_invoice(db, cid, [{"description": "TV", "unit_price": "10.00"}])
    p = receivables.record_payment(db, cid, "5.00")
    assert a.number == f"INV/{TODAY.year - 1}/00001"
    assert (b.number, c.number) == (f"INV/{TODAY.year}/00001", f"INV/{TODAY.year}/00002")
    assert p.number == f"REC/{TODAY.year}/00001"


def _tamper(db, sql, params=None):
    """Change the database behind the application's back, the way someone
    with database rights could: with the guard triggers switched off."""
    dialect = db.get_bind().dialect.name
    if dialect == "postgresql":
        db.execute(text("SET LOCAL session_replication_role = replica"))
        db.execute(text(sql), params or {})
    else:
        from plugins.finance.models.triggers import SQLITE

        for t in ("finance_entry", "finance_line"):
            db.execute(text(f"DROP TRIGGER IF EXISTS {t}_no_update"))
            db.execute(text(f"DROP TRIGGER IF EXISTS {t}_no_delete"))
        db.execute(text("DROP TRIGGER IF EXISTS finance_line_sealed"))
        db.execute(text(sql), params or {})
        for t in ("finance_entry", "finance_line"):
            for stmt in SQLITE[t]:
                if "no_update" in stmt or "no_delete" in stmt or "sealed" in stmt:
                    db.execute(text(stmt))
    db.commit()


@pytest.fixture
def chain(world, db):
    cid = world.customers["a"]
    entries = [_post(db, f"{10 + i}.00", customer_id=cid) for i in range(5)]
    db.commit()
    assert ledger.verify_chain(db).ok
    return [(e.id, e.number) for e in entries]


@pytest.mark.parametrize("sql", [
    "UPDATE finance_line SET debit = 99, credit = 0 WHERE entry_id = :id AND position = 1",
    "UPDATE finance_entry SET memo = 'changed' WHERE id = :id",
    "UPDATE finance_entry SET date = '2001-01-01' WHERE id = :id",
    "UPDATE finance_line SET customer_id = NULL WHERE entry_id = :id AND position = 2",
])
def test_chain_reports_a_changed_entry(chain, db, sql):
    ident, number = chain[2]
    _tamper(db, sql, {"id": ident})
    report = ledger.verify_chain(db)
    assert not report.ok and report.first_broken == number


def test_chain_reports_a_deleted_entry(chain, db):
    ident, _ = chain[1]
    _tamper(db, "DELETE FROM finance_line WHERE entry_id = :id", {"id": ident})
    _tamper(db, "DELETE FROM finance_entry WHERE id = :id", {"id": ident})
    report = ledger.verify_chain(db)
    assert not report.ok and report.first_broken == chain[2][1]
    assert "deleted" in report.reason


def test_chain_reports_the_last_entry_deleted(chain, db):
    ident, _ = chain[-1]
    _tamper(db, "DELETE FROM finance_line WHERE entry_id = :id", {"id": ident})
    _tamper(db, "DELETE FROM finance_entry WHERE id = :id", {"id": ident})
    report = ledger.verify_chain(db)
    assert not report.ok and "head" in report.reason


def test_chain_reports_an_inserted_entry(chain, db):
    e = db.get(Entry, chain[0][0])
    _tamper(db, "INSERT INTO finance_entry (journal_id, number, year, seq, date, memo, total, "
                "line_count, chain_seq, prev_hash, hash, posted_at) VALUES (:j, 'GEN/2000/99999', "
                "2000, 99999, :d, 'forged', 1, 2, 6, :p, :h, :t)",
            {"j": e.journal_id, "d": TODAY, "p": "f" * 64, "h": "e" * 64, "t": e.posted_at})
    report = ledger.verify_chain(db)
    assert not report.ok and report.first_broken == "GEN/2000/99999"


def test_chain_reports_a_line_added(chain, db):
    ident, number = chain[3]
    _tamper(db, "INSERT INTO finance_line (entry_id, position, account_id, date, debit, credit, "
                "memo) VALUES (:e, 3, 1, :d, 5, 0, 'x')", {"e": ident, "d": TODAY})
    report = ledger.verify_chain(db)
    assert not report.ok and report.first_broken == number


def _totals(db) -> dict:
    """finance_balance as {(account code, customer id): (debit, credit)}."""
    from plugins.finance.models import Account, Balance

    return {(code, cid): (debit, credit) for code, cid, debit, credit in db.execute(
        select(Account.code, Balance.customer_id, Balance.debit, Balance.credit)
        .join(Account, Account.id == Balance.account_id))}


def test_running_totals_follow_every_line_whoever_inserts_it(world, db):
    a, b = world.customers["a"], world.customers["b"]
    _post(db, "100.00", customer_id=a)
    e = _post(db, "30.50", customer_id=a)
    _post(db, "7.25", customer_id=b)
    _post(db, "1.00")  # no customer on either line: no running total
    ledger.reverse_entry(db, e)
    db.commit()
    D = Decimal
    assert _totals(db) == {("2203", a): (D("30.50"), D("130.50")),
                           ("2203", b): (D("0.00"), D("7.25"))}
    # A bulk insert that bypasses the ledger service (a script, a data
    # migration) is counted as well: the trigger runs in the database.
    head = db.get(Entry, e.id)
    adv = db.scalar(select(Line.account_id).where(Line.entry_id == e.id,
                                                  Line.customer_id.is_not(None)))
    cash = db.scalar(select(Line.account_id).where(Line.entry_id == e.id,
                                                   Line.customer_id.is_(None)))
    ident = db.execute(text(
        "INSERT INTO finance_entry (journal_id, number, year, seq, date, memo, total, line_count, "
        "chain_seq, prev_hash, hash, posted_at) VALUES (:j, 'GEN/2000/99998', 2000, 99998, :d, "
        "'bulk', 12.34, 3, 9999, :p, :h, :t) RETURNING id"),
        {"j": head.journal_id, "d": TODAY, "p": "0" * 64, "h": "1" * 64,
         "t": head.posted_at}).scalar_one()
    db.execute(Line.__table__.insert(), [
        {"entry_id": ident, "position": 1, "account_id": cash, "customer_id": None, "date": TODAY,
         "debit": D("12.34"), "credit": D("0")},
        {"entry_id": ident, "position": 2, "account_id": adv, "customer_id": a, "date": TODAY,
         "debit": D("0"), "credit": D("10.00")},
        {"entry_id": ident, "position": 3, "account_id": adv, "customer_id": b, "date": TODAY,
         "debit": D("0"), "credit": D("2.34")},
    ])
    db.commit()
    assert _totals(db) == {("2203", a): (D("30.50"), D("140.50")),
                           ("2203", b): (D("0.00"), D("9.59"))}
    assert ledger.customer_balance(db, b) == D("-9.59")
    assert ledger.balance_drift(db) is None


def test_chain_reports_running_totals_that_differ_from_the_lines(chain, db, world):
    cid = world.customers["a"]
    assert ledger.balance_drift(db) is None
    _tamper(db, "UPDATE finance_balance SET credit = credit + 1 WHERE customer_id = :c",
            {"c": cid})
    report = ledger.verify_chain(db)
    assert not report.ok
    assert "2203" in report.reason and str(cid) in report.reason


def test_chart_cache_is_dropped_on_rollback_by_the_apps_listener_only(app):
    """Importing finance attaches nothing to every Session; the app attaches
    the chart cache's rollback listener to its own sessionmaker."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from plugins.finance.services import chart

    assert not event.contains(Session, "after_soft_rollback", chart.drop_cache_on_rollback)
    ext = app.extensions["qudao"]
    assert event.contains(ext.db.Session, "after_soft_rollback", chart.drop_cache_on_rollback)
    with ext.db.session() as s:
        chart.journal_id(s, "GEN")
        assert "GEN" in s.info[chart._CACHE]["journals"]
        s.rollback()
        assert chart._CACHE not in s.info
