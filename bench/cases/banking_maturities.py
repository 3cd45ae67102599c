"""Case: banking_rm's maturities list — the open holdings maturing in the
next 30 days across 1M holdings (100k customers; ``--smoke``: 3,000 across
300) — through the service's one statement vs the same rows from a
hand-written SQL query on the raw driver; goal ≤ 1.5× time (issue 19).

Both answer "as of 2026-10-31, every open holding maturing by 2026-11-30,
with its customer, manager and call task, soonest first" for the admin; the
run checks that they return the same holdings and the same total amount
before timing them.  For a user who may not see every customer the service
adds a sub-select of the customer scope; the admin sees all, so neither
side filters.
"""
from __future__ import annotations

import random
import time
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from ..bulk import bulk_insert
from ..context import Context
from ..generate import AS_OF, open_app
from ..results import Check, Measured, Row
from ..stats import Summary, interleave

TITLE = "Banking maturities"
GOAL = 1.5
DAYS = 30
PER_CUSTOMER = 10
KINDS = (("term_deposit", 40), ("wealth", 30), ("fund", 15), ("deposit", 10), ("insurance", 5))


def floor_sql(kind: str) -> str:
    ph = (lambda n: f":{n}") if kind == "sqlite" else (lambda n: f"%({n})s")
    return f"""
SELECT h.id, h.customer_id, c.code, c.name, c.phone, c.owner_id, h.kind, h.product_name,
       h.amount, h.maturity_on, h.yield_rate, t.id, t.status, t.outcome
FROM banking_rm_holding h
JOIN customers_customer c ON c.id = h.customer_id
LEFT JOIN banking_rm_care_task t
  ON t.holding_id = h.id AND t.kind = 'maturity' AND t.due_on = h.maturity_on
WHERE h.status = 'open' AND h.maturity_on >= {ph('first')} AND h.maturity_on <= {ph('last')}
ORDER BY h.maturity_on, h.id
"""


def _params(kind: str) -> dict:
    days = {"first": AS_OF, "last": AS_OF + timedelta(days=DAYS)}
    return {k: v.isoformat() for k, v in days.items()} if kind == "sqlite" else days


def holding_rows(rng: random.Random, customer_ids: list[int], per_customer: int):
    kinds = [k for k, _w in KINDS]
    weights = [w for _k, w in KINDS]
    now = datetime(2026, 10, 31, 9, 0)
    hid = 0
    for cid in customer_ids:
        for _ in range(per_customer):
            hid += 1
            kind = rng.choices(kinds, weights)[0]
            start = AS_OF - timedelta(days=rng.randint(1, 1000))
            maturity = None if kind in ("deposit", "insurance") else AS_OF + timedelta(days=rng.randint(-400, 400))
            yield {"id": hid, "customer_id": cid, "kind": kind, "product_name": f"{kind}-{hid % 97}",
                   "amount": Decimal(rng.randint(1_000_00, 2_000_000_00)) / 100, "start_on": start,
                   "maturity_on": maturity, "status": "open" if rng.random() < 0.9 else "closed",
                   "yield_rate": Decimal(rng.randint(100, 450)) / 10000 if kind != "deposit" else None,
                   "created_at": now, "updated_at": now, "version": 1}


def _ensure_holdings(app, per_customer: int, log) -> int:
    """The holdings, once per data set (kept data sets already have them)."""
    from plugins.banking_rm.models import BankHolding
    from plugins.customers.api import Customer

    engine = app.extensions["qudao"].db.engine
    with engine.begin() as conn:
        have = conn.execute(select(func.count()).select_from(BankHolding.__table__)).scalar()
        if have:
            return int(have)
        ids = [r[0] for r in conn.execute(select(Customer.id).order_by(Customer.id))]
        t0 = time.perf_counter()
        n = bulk_insert(conn, BankHolding.__table__, holding_rows(random.Random(19), ids, per_customer))
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE banking_rm_holding")
    log(f"  holdings: {n:,} in {time.perf_counter() - t0:.1f} s")
    return n


def run(ctx: Context) -> list[Row]:
    rows = []
    customers = 300 if ctx.mode.name == "smoke" else ctx.mode.list_customers
    for db in ctx.dbs:
        ds = ctx.dataset(db, "banking", customers, keep=ctx.mode.name != "smoke")
        app = open_app(ds.target, ds.data_dir)
        ext = app.extensions["qudao"]
        try:
            holdings = _ensure_holdings(app, PER_CUSTOMER, ctx.log)
            from core.models import User
            from plugins.banking_rm.services import maturities as mat

            session = ext.db.Session()
            session.info["enabled"] = ext.host.enabled(session)
            admin = session.get(User, ds.people.admin_id)
            stmt = mat.maturing(admin, AS_OF, DAYS)

            def service() -> tuple[float, int, Decimal]:
                t0 = time.perf_counter()
                got = session.execute(stmt).all()
                elapsed = time.perf_counter() - t0
                session.rollback()
                return elapsed, len(got), sum((r.amount for r in got), Decimal(0))

            if ds.target.is_sqlite:
                import sqlite3

                raw = sqlite3.connect(ds.target.name)
            else:
                import psycopg

                raw = psycopg.connect(ds.target.dsn, autocommit=True)
            sql, params = floor_sql(db), _params(db)

            def floor() -> tuple[float, int, Decimal]:
                t0 = time.perf_counter()
                got = raw.execute(sql, params).fetchall()
                elapsed = time.perf_counter() - t0
                return elapsed, len(got), sum((Decimal(str(r[8])) for r in got), Decimal(0))

            _t, n_mine, total_mine = service()
            _t, n_theirs, total_theirs = floor()
            if (n_mine, total_mine.quantize(Decimal("0.01"))) != (n_theirs, total_theirs.quantize(Decimal("0.01"))):
                raise RuntimeError(f"maturities disagree: service {n_mine} / {total_mine} vs SQL "
                                   f"{n_theirs} / {total_theirs}")
            samples = interleave({"service": lambda: service()[0], "floor": lambda: floor()[0]},
                                 ctx.mode.repeats, ctx.mode.warmup)
            raw.close()
            session.close()
        finally:
            ext.db.dispose()
        subject, peer = Summary.of(samples["service"]), Summary.of(samples["floor"])
        rows.append(Row(
            case=f"banking_rm maturities (next {DAYS} days, as of 2026-10-31)", db=db,
            size=f"{holdings:,} holdings, {ds.customers:,} customers",
            subject=Measured("maturities statement", subject, "s"),
            peer=Measured("hand-written SQL", peer, "s"),
            checks=[Check("time ratio", subject.median / peer.median, "<=", GOAL)],
            note=f"{n_mine:,} holdings maturing, {total_mine:,.2f} in all (both agree); the statement "
                 f"is the page's own (``maturities.maturing``), scoped for the admin (who sees every "
                 f"customer, so no scope sub-select).",
        ))
    return rows
