"""Many writers at once: exact balances, gapless numbers and a credit limit
that holds — on SQLite and on PostgreSQL (QUDAO_TEST_DATABASE_URL)."""
from __future__ import annotations

import io
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

from pypdf import PdfReader
from sqlalchemy import func, select

from plugins.finance.models import CreditCommitment, Entry, Payment
from plugins.finance.services import credit, receivables, ledger
from plugins.finance.services.credit import CreditBlocked
from core import clock

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
                receivables.record_payment(s, cid, Decimal(i + 1) + Decimal(k) / 100,
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
                receivables.post_invoice(s, cid, [{"description": "TV", "unit_price": "100.00"}],
                                  source=f"test.order:{i}", when=clock.today())
            return True
        except CreditBlocked:
            return False

    results = _run(20, work)
    assert results.count(True) == 10
    with db.session() as s:
        assert ledger.customer_balance(s, cid) == Decimal("1000.00")
        assert credit.committed(s, cid) == Decimal("0.00")



def test_two_month_end_batches_at_once_number_gaplessly_and_archive_every_pdf(world, app):
    """Two batches (as two workers run two chunks) issue statements side by
    side: each statement renders in a reading transaction and is archived
    in a short writing one.  Numbers are 1…n without a gap, every statement
    points at its archived PDF, which shows that statement's number; issuing
    them all again from both at once keeps the numbers."""
    from datetime import timedelta

    from core import documents
    from plugins.finance import batch
    from plugins.finance.models import Statement
    from plugins.finance.services import statements as st_svc

    last_month = clock.today().replace(day=1) - timedelta(days=1)
    period = st_svc.period_of(last_month)
    ids = [world.customers["a"], world.customers["b"]]
    ids += [world.make_customer(f"余杭{i}号电器店", world.users["sales1"].id) for i in range(4)]
    db = app.extensions["qudao"].db
    with db.session() as s:
        for n, cid in enumerate(ids):
            receivables.post_invoice(s, cid, [{"description": "冰箱", "unit_price": f"{100 + n}.00"}],
                              when=last_month.replace(day=5))
    fin = world.users["finance"].id
    halves = [ids[0::2], ids[1::2]]

    def work(i):  # a new thread: its transactions begin as a job's do
        return batch.issue_many(db.session, fin, period, halves[i], "zh_CN")

    assert _run(2, work) == [[], []]
    with db.session() as s:
        rows = s.scalars(select(Statement).where(Statement.period == period)).all()
        assert sorted(r.customer_id for r in rows) == sorted(ids)
        first = {r.customer_id: r.number for r in rows}
        assert sorted(int(n.rsplit("/", 1)[1]) for n in first.values()) == list(
            range(1, len(ids) + 1))
        for r in rows:
            pdf = documents.read_pdf(s, s.get(documents.IssuedDocument, r.document_id))
            assert r.number in _pdf_text(pdf)

    halves = [ids, ids[::-1]]  # both issue every statement again, at once
    assert _run(2, work) == [[], []]
    with db.session() as s:
        rows = s.scalars(select(Statement).where(Statement.period == period)).all()
        assert {r.customer_id: r.number for r in rows} == first
        assert all(r.document_id for r in rows)


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
