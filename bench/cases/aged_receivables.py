"""Case 3: aged receivables at scale M (10k customers, 1M ledger lines)
through the finance aging service vs a hand-written SQL aggregate of the
same buckets on the raw driver; goal ≤ 1.5×.  ``--full`` runs it once more
at scale L (100k customers, 10M ledger lines) on PostgreSQL, to show how
both grow.

Both answer "as of 2026-10-31, per customer: current, 1–30, 31–60, 61–90,
over 90 days past due" for every customer the admin may see; the run
checks that their bucket totals agree to the cent before timing them.
The service also computes each customer's unapplied credits (2203) and
labels the rows; the floor does the buckets and the labels only.
"""
from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

from ..context import Context
from ..generate import AS_OF, SCALES, open_app
from ..results import Check, Measured, Row
from ..stats import Summary, interleave

TITLE = "Aged receivables"
GOAL = 1.5
BUCKETS = ("current", "d1_30", "d31_60", "d61_90", "over_90")


def floor_sql(kind: str) -> str:
    ph = (lambda n: f":{n}") if kind == "sqlite" else (lambda n: f"%({n})s")
    return f"""
WITH paid AS (
  SELECT invoice_id, SUM(amount) AS paid FROM finance_allocation
  WHERE date <= {ph('as_of')} GROUP BY invoice_id
), open_inv AS (
  SELECT i.customer_id, i.due_date, i.amount - COALESCE(p.paid, 0) AS open_amount
  FROM finance_invoice i LEFT JOIN paid p ON p.invoice_id = i.id
  WHERE i.date <= {ph('as_of')} AND i.entry_id NOT IN (
    SELECT reversal_of_id FROM finance_entry
    WHERE reversal_of_id IS NOT NULL AND date <= {ph('as_of')})
)
SELECT c.id, c.code, c.name,
  SUM(CASE WHEN o.due_date >= {ph('as_of')} THEN o.open_amount ELSE 0 END),
  SUM(CASE WHEN o.due_date < {ph('as_of')} AND o.due_date >= {ph('d30')} THEN o.open_amount ELSE 0 END),
  SUM(CASE WHEN o.due_date < {ph('d30')} AND o.due_date >= {ph('d60')} THEN o.open_amount ELSE 0 END),
  SUM(CASE WHEN o.due_date < {ph('d60')} AND o.due_date >= {ph('d90')} THEN o.open_amount ELSE 0 END),
  SUM(CASE WHEN o.due_date < {ph('d90')} THEN o.open_amount ELSE 0 END)
FROM open_inv o JOIN customers_customer c ON c.id = o.customer_id
WHERE ROUND(o.open_amount, 2) <> 0
GROUP BY c.id, c.code, c.name
"""


def _params(kind: str) -> dict:
    days = {"as_of": AS_OF, "d30": AS_OF - timedelta(days=30),
            "d60": AS_OF - timedelta(days=60), "d90": AS_OF - timedelta(days=90)}
    return {k: v.isoformat() for k, v in days.items()} if kind == "sqlite" else days


def _cents(v) -> Decimal:
    return Decimal(str(v)).quantize(Decimal("0.01"))


def run(ctx: Context) -> list[Row]:
    runs = [(db, SCALES[ctx.mode.aged_scale]) for db in ctx.dbs]
    if ctx.mode.aged_scale_pg and "postgresql" in ctx.dbs:
        runs.append(("postgresql", SCALES[ctx.mode.aged_scale_pg]))
    rows = []
    for db, scale in runs:
        ds = ctx.dataset(db, f"aged_{scale.name.lower()}", scale.customers, scale.lines,
                         keep=ctx.mode.name != "smoke")
        app = open_app(ds.target, ds.data_dir)
        ext = app.extensions["qudao"]
        try:
            from core.models import User
            from plugins.customers.api import customer_ids_for
            from plugins.finance.services.aging import aging

            session = ext.db.Session()
            session.info["enabled"] = ext.host.enabled(session)
            admin = session.get(User, ds.people.admin_id)

            def service() -> tuple[float, list]:
                t0 = time.perf_counter()
                _rows, total = aging(session, customer_ids_for(admin), AS_OF, "customer")
                elapsed = time.perf_counter() - t0
                session.rollback()
                return elapsed, [_cents(getattr(total, b)) for b in BUCKETS], len(_rows)

            if ds.target.is_sqlite:
                import sqlite3

                raw = sqlite3.connect(ds.target.name)
            else:
                import psycopg

                raw = psycopg.connect(ds.target.dsn, autocommit=True)
            sql, params = floor_sql(db), _params(db)

            def floor() -> tuple[float, list]:
                t0 = time.perf_counter()
                got = raw.execute(sql, params).fetchall()
                elapsed = time.perf_counter() - t0
                sums = [sum((Decimal(str(r[3 + i])) for r in got), Decimal(0)) for i in range(5)]
                return elapsed, [_cents(s) for s in sums], len(got)

            _t, mine, n_mine = service()
            _t, theirs, n_theirs = floor()
            if mine != theirs:
                raise RuntimeError(f"aging buckets disagree: service {mine} vs SQL {theirs}")
            samples = interleave({"service": lambda: service()[0], "floor": lambda: floor()[0]},
                                 ctx.mode.repeats, ctx.mode.warmup)
            raw.close()
            session.close()
        finally:
            ext.db.dispose()
        subject, peer = Summary.of(samples["service"]), Summary.of(samples["floor"])
        rows.append(Row(
            case="3. Aged receivables (per customer, as of 2026-10-31)", db=db,
            size=f"scale {scale.name}: {ds.customers:,} customers, {ds.lines:,} ledger lines",
            subject=Measured("aging service", subject, "s"),
            peer=Measured("hand-written SQL", peer, "s"),
            checks=[Check("time ratio", subject.median / peer.median, "<=", GOAL)],
            note=f"{n_mine:,} customer rows (service, with unapplied credits) / {n_theirs:,} "
                 f"(SQL, open invoices only); bucket totals agree to the cent: "
                 + ", ".join(f"{b} {v:,}" for b, v in zip(BUCKETS, mine)) + ".",
        ))
    return rows
