"""Many writers at once: exact balances, gapless numbers and a credit limit
that holds — on SQLite and on PostgreSQL (QUDAO_TEST_DATABASE_URL)."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from plugins.finance.models import CreditCommitment, Entry, Payment
from plugins.finance.services import credit, documents as docs, ledger
from plugins.finance.services.credit import CreditBlocked

THREADS = 16


def _run(n_threads, work):
    barrier = threading.Barrier(n_threads)

    def go(i):
        barrier.wait()
        return work(i)

    with ThreadPoolExecutor(n_threads) as pool:
        return list(pool.map(go, range(n_threads)))


def test_16_threads_x_100_payments_exact_balance_and_gapless_numbers(world, app):
    cid = world.customers["a"]
    db = app.extensions["qudao"].db

    def work(i):
        for k in range(100):
            with db.session() as s:
                # Cents vary per payment so a lost or doubled one shows in the total.
                docs.record_payment(s, cid, Decimal(i + 1) + Decimal(k) / 100,
                                    reference=f"T{i}-{k}")
        return True

    assert all(_run(THREADS, work))
    expected = sum(Decimal(i + 1) + Decimal(k) / 100 for i in range(THREADS) for k in range(100))
    with db.session() as s:
        assert ledger.customer_balance(s, cid) == -expected
        numbers = s.execute(select(Payment.number)).scalars().all()
        assert len(numbers) == THREADS * 100
        seqs = sorted(int(n.rsplit("/", 1)[1]) for n in numbers)
        assert seqs == list(range(1, THREADS * 100 + 1))
        assert s.scalar(select(func.max(Entry.chain_seq))) == THREADS * 100
        assert ledger.verify_chain(s).ok


def _net_customer(app, cid, limit):
    with app.extensions["qudao"].db.session() as s:
        credit.set_profile(s, cid, credit_limit=limit, terms="net", term_days=30, valid_until=None)


def test_credit_race_20_orders_of_100_against_1000_exactly_10_pass(world, app):
    cid = world.customers["a"]
    _net_customer(app, cid, "1000.00")
    db = app.extensions["qudao"].db

    def work(i):
        try:
            with db.session() as s:
                credit.check_credit(s, cid, "100.00", source=f"test.order:{i}")
            return True
        except CreditBlocked:
            return False

    results = _run(20, work)
    assert results.count(True) == 10
    with db.session() as s:
        total = s.scalar(select(func.sum(CreditCommitment.amount)).where(
            CreditCommitment.customer_id == cid))
        assert Decimal(total) == Decimal("1000.00")


def test_credit_race_with_invoice_in_the_same_transaction(world, app):
    """The dealers' path: check, then invoice, one transaction per order."""
    cid = world.customers["b"]
    _net_customer(app, cid, "1000.00")
    db = app.extensions["qudao"].db

    def work(i):
        try:
            with db.session() as s:
                credit.check_credit(s, cid, "100.00", source=f"test.order:{i}")
                docs.post_invoice(s, cid, [{"description": "TV", "unit_price": "100.00"}],
                                  source=f"test.order:{i}", when=date.today())
            return True
        except CreditBlocked:
            return False

    results = _run(20, work)
    assert results.count(True) == 10
    with db.session() as s:
        assert ledger.customer_balance(s, cid) == Decimal("1000.00")
        assert credit.committed(s, cid) == Decimal("0.00")
