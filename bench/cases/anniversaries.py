"""Case 7: birthday and wedding-anniversary reminders for 100,000 customers
(the stores_demo plugin) through the anniversaries service — ONE SQL query,
scoped to the admin's accounts, rows turned into reminders with the date of
their next occurrence — vs a hand-written query of the same rows on the raw
driver; goal ≤ 1.5×.

The window is the 30 days from 20 December 2026, so it crosses the year end
(two month/day ranges) and includes 29 February of no year (2027 is common:
the window ends before 28 February, so no 0229 range is added).  Every
customer has a birthday and every second one a wedding anniversary: about
150,000 dates, of which ~12,600 fall in the window.  The dates are written
into a copy of the customer-list data set, never into the kept one."""
from __future__ import annotations

import random
import time
from datetime import date

from ..context import Context
from ..generate import open_app
from ..results import Check, Measured, Row
from ..stats import Summary, interleave

TITLE = "Anniversary reminders"
GOAL = 1.5
TODAY = date(2026, 12, 20)
DAYS = 30


def floor_sql(kind: str, ranges) -> str:
    ph = (lambda n: f":{n}") if kind == "sqlite" else (lambda n: f"%({n})s")
    where = " OR ".join(f"d.month_day BETWEEN {ph(f'lo{i}')} AND {ph(f'hi{i}')}" for i in range(len(ranges)))
    return f"""
SELECT d.id, d.kind, d.person, d.month, d.day, d.year, c.id, c.name, c.owner_id,
       f.budget_band, f.ring_size, f.style, f.metal, f.stone
FROM stores_demo_important_date d
JOIN customers_customer c ON c.id = d.customer_id
LEFT JOIN stores_demo_fit f ON f.customer_id = d.customer_id
WHERE {where}
ORDER BY CASE WHEN d.month_day >= {ph('start')} THEN d.month_day ELSE d.month_day + 1300 END, d.customer_id, d.id
"""


def _fill(app, rng: random.Random) -> int:
    """Bulk-insert the dates and fits (Core executemany), then ANALYZE."""
    from sqlalchemy import func, insert, select, text

    from core.db import Base
    from core.db import utcnow
    from plugins.customers.api import Customer
    from plugins.stores_demo.models import StoresDemoFit, StoresDemoImportantDate

    engine = app.extensions["qudao"].db.engine
    Base.metadata.create_all(engine, tables=[StoresDemoImportantDate.__table__, StoresDemoFit.__table__])
    now = utcnow()
    with engine.begin() as conn:
        if conn.scalar(select(func.count()).select_from(StoresDemoImportantDate)):
            return conn.scalar(select(func.count()).select_from(StoresDemoImportantDate))
        ids = list(conn.scalars(select(Customer.id).order_by(Customer.id)))
        dates, fits = [], []
        for n, cid in enumerate(ids):
            for kind in (("birthday", "wedding") if n % 2 == 0 else ("birthday",)):
                m = rng.randint(1, 12)
                d = rng.randint(1, 29 if m == 2 else 30 if m in (4, 6, 9, 11) else 31)
                dates.append({"customer_id": cid, "kind": kind, "month": m, "day": d, "month_day": m * 100 + d,
                              "year": rng.randint(1950, 2005), "person": None, "note": None,
                              "created_at": now, "updated_at": now})
            fits.append({"customer_id": cid, "budget_band": rng.choice(("b1", "b2", "b3", "b4", "b5")),
                         "ring_size": str(rng.randint(8, 20)), "style": rng.choice((None, "ring", "necklace")),
                         "metal": None, "stone": None, "note": None, "created_at": now, "updated_at": now})
        for i in range(0, len(dates), 20_000):
            conn.execute(insert(StoresDemoImportantDate), dates[i:i + 20_000])
        for i in range(0, len(fits), 20_000):
            conn.execute(insert(StoresDemoFit), fits[i:i + 20_000])
        conn.execute(text("ANALYZE"))
    return len(dates)


def run(ctx: Context) -> list[Row]:
    rows = []
    for db in ctx.dbs:
        # Its own data set, not a copy of the customer list's: on PostgreSQL a
        # copy (CREATE DATABASE … TEMPLATE) fails while the shared platform
        # server is connected to that one.  Not kept: the dates are added to it.
        base = ctx.dataset(db, "anniversaries", ctx.mode.list_customers)
        target = base.target
        app = open_app(target, base.data_dir)
        ext = app.extensions["qudao"]
        try:
            from core.models import User
            from plugins.stores_demo.services import anniversaries as svc

            n_dates = _fill(app, random.Random(2912))
            session = ext.db.Session()
            session.info["enabled"] = ext.host.enabled(session)
            admin = session.get(User, base.people.admin_id)

            def service() -> tuple[float, list]:
                t0 = time.perf_counter()
                got = svc.reminders(session, admin, today=TODAY, days=DAYS, limit=None)
                elapsed = time.perf_counter() - t0
                session.rollback()
                return elapsed, [r.date_id for r in got]

            ranges = svc.window_ranges(TODAY, DAYS)
            params = {"start": svc.month_day(TODAY)}
            for i, (lo, hi) in enumerate(ranges):
                params[f"lo{i}"], params[f"hi{i}"] = lo, hi
            if target.is_sqlite:
                import sqlite3

                raw = sqlite3.connect(target.name)
            else:
                import psycopg

                raw = psycopg.connect(target.dsn, autocommit=True)
            sql = floor_sql(db, ranges)

            def floor() -> tuple[float, list]:
                t0 = time.perf_counter()
                got = raw.execute(sql, params).fetchall()
                elapsed = time.perf_counter() - t0
                return elapsed, [r[0] for r in got]

            _t, mine = service()
            _t, theirs = floor()
            if mine != theirs:
                raise RuntimeError(f"reminders disagree: service {len(mine)} rows vs SQL {len(theirs)}")
            samples = interleave({"service": lambda: service()[0], "floor": lambda: floor()[0]},
                                 ctx.mode.repeats, ctx.mode.warmup)
            raw.close()
            session.close()
        finally:
            ext.db.dispose()
        subject, peer = Summary.of(samples["service"]), Summary.of(samples["floor"])
        rows.append(Row(
            case="7. Anniversary reminders (next 30 days from 2026-12-20, one SQL query)", db=db,
            size=f"{base.customers:,} customers, {n_dates:,} important dates",
            subject=Measured("anniversaries service", subject, "s"),
            peer=Measured("hand-written SQL", peer, "s"),
            checks=[Check("time ratio", subject.median / peer.median, "<=", GOAL)],
            note=f"{len(mine):,} reminders, the same rows in the same order from both; the service "
                 f"applies the admin's access rules to the customer row and computes each next "
                 f"occurrence and age in Python.",
        ))
    return rows
