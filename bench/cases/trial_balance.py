"""Case: the period 科目余额表 (issue 21, item 16) at scale M (10k customers,
1M ledger lines) through the finance reports service vs a hand-written
GROUP BY of the same figures on the raw driver; goal ≤ 1.5×.

Both answer "October 2026, per account: opening balance (lines before the
1st), debit and credit in the month" over every line (the admin's
company-wide view); the run checks that their totals agree to the cent
before timing them.  The service also splits opening and closing into
debit and credit columns, names the accounts and totals every column in
SQL (window sums over its rows); the floor returns the three sums per
account only.  Its own data set (not the aging case's), so a PostgreSQL
database another run is using is never touched.
"""
from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

from ..context import Context
from ..generate import AS_OF, SCALES, open_app
from ..results import Check, Measured, Row
from ..stats import Summary, interleave

TITLE = "Period trial balance"
GOAL = 1.5
START = date(AS_OF.year, AS_OF.month, 1)


def floor_sql(kind: str) -> str:
    ph = (lambda n: f":{n}") if kind == "sqlite" else (lambda n: f"%({n})s")
    return f"""
SELECT a.code,
  SUM(CASE WHEN l.date < {ph('start')} THEN l.debit - l.credit ELSE 0 END),
  SUM(CASE WHEN l.date >= {ph('start')} THEN l.debit ELSE 0 END),
  SUM(CASE WHEN l.date >= {ph('start')} THEN l.credit ELSE 0 END)
FROM finance_line l JOIN finance_account a ON a.id = l.account_id
WHERE l.date <= {ph('end')}
GROUP BY a.code
ORDER BY a.code
"""


def _params(kind: str) -> dict:
    days = {"start": START, "end": AS_OF}
    return {k: v.isoformat() for k, v in days.items()} if kind == "sqlite" else days


def _cents(v) -> Decimal:
    return Decimal(str(v)).quantize(Decimal("0.01"))


def run(ctx: Context) -> list[Row]:
    scale = SCALES[ctx.mode.aged_scale]
    rows = []
    for db in ctx.dbs:
        ds = ctx.dataset(db, f"trial_{scale.name.lower()}", scale.customers, scale.lines,
                         keep=ctx.mode.name != "smoke")
        app = open_app(ds.target, ds.data_dir)
        ext = app.extensions["qudao"]
        try:
            from plugins.finance.services.reports import period_trial_balance

            session = ext.db.Session()

            def service() -> tuple[float, list, int]:
                t0 = time.perf_counter()
                tb = period_trial_balance(session, START, AS_OF)
                elapsed = time.perf_counter() - t0
                session.rollback()
                t = tb.total
                return elapsed, [_cents(t.opening), _cents(t.debit), _cents(t.credit)], len(tb.rows)

            if ds.target.is_sqlite:
                import sqlite3

                raw = sqlite3.connect(ds.target.name)
            else:
                import psycopg

                raw = psycopg.connect(ds.target.dsn, autocommit=True)
            sql, params = floor_sql(db), _params(db)

            def floor() -> tuple[float, list, int]:
                t0 = time.perf_counter()
                got = raw.execute(sql, params).fetchall()
                elapsed = time.perf_counter() - t0
                sums = [sum((Decimal(str(r[1 + i])) for r in got), Decimal(0)) for i in range(3)]
                return elapsed, [_cents(s) for s in sums], len(got)

            _t, mine, n_mine = service()
            _t, theirs, n_theirs = floor()
            if mine != theirs:
                raise RuntimeError(f"trial balance totals disagree: service {mine} vs SQL {theirs}")
            samples = interleave({"service": lambda: service()[0], "floor": lambda: floor()[0]},
                                 ctx.mode.repeats, ctx.mode.warmup)
            raw.close()
            session.close()
        finally:
            ext.db.dispose()
        subject, peer = Summary.of(samples["service"]), Summary.of(samples["floor"])
        rows.append(Row(
            case=f"13. Period trial balance (科目余额表, {START:%Y-%m})", db=db,
            size=f"scale {scale.name}: {ds.customers:,} customers, {ds.lines:,} ledger lines",
            subject=Measured("reports service", subject, "s"),
            peer=Measured("hand-written GROUP BY", peer, "s"),
            checks=[Check("time ratio", subject.median / peer.median, "<=", GOAL)],
            note=f"{n_mine:,} account rows (service) / {n_theirs:,} (SQL); totals agree to the cent: "
                 f"opening {mine[0]:,}, debit {mine[1]:,}, credit {mine[2]:,}.",
        ))
    return rows
