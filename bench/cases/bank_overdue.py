"""Case: the banking_rm overdue-contact list from the value matrix at 100k
retail customers (``--quick``/``--full``; 300 in ``--smoke``) — the service's
ONE statement (``plugins.banking_rm.services.matrix.overdue``: AUM per
customer from open asset holdings, matrix cell from AUM × potential, last
activity per customer, each cell's contact frequency, rows turned into the
page's dicts) against a hand-written SQL of the same rows on the raw
driver; goal ≤ 1.5× time.

Data: the customer data set with every customer made retail, a profile each
(40 % high potential), ~2.5 holdings per customer (deposits, term deposits,
wealth products, funds; 5 % closed; 10 % of customers above the 500k AUM
line) and ~3 activities per customer over the 90 days before AS_OF (15 %
of customers never contacted).  The run checks that both return the same
customers in the same order before timing them."""
from __future__ import annotations

import random
import time
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from ..bulk import bulk_insert
from ..context import Context
from ..generate import AS_OF, analyze, open_app
from ..results import Check, Measured, Row
from ..stats import Summary, interleave

TITLE = "Bank overdue contacts"
GOAL = 1.5


def _fill(app, rng: random.Random, log) -> tuple[int, int, int]:
    """Profiles, holdings and activities for every customer (once per data set)."""
    from plugins.banking_rm.models import BankActivity, BankHolding, BankRetailProfile
    from plugins.customers.api import Customer

    engine = app.extensions["qudao"].db.engine
    with engine.begin() as conn:
        have = conn.execute(select(func.count()).select_from(BankRetailProfile.__table__)).scalar()
        if have:
            return (have, conn.execute(select(func.count()).select_from(BankHolding.__table__)).scalar(),
                    conn.execute(select(func.count()).select_from(BankActivity.__table__)).scalar())
        conn.execute(Customer.__table__.update().values(kind="retail"))
        rows = conn.execute(select(Customer.id, Customer.owner_id).order_by(Customer.id)).all()
    now = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 9)
    orients = ("relationship", "value", "service", None)

    def profiles():
        for cid, _owner in rows:
            yield {"customer_id": cid, "potential": "high" if rng.random() < .4 else "low",
                   "orientation": rng.choice(orients), "stage": "acquainted", "version": 1,
                   "created_at": now, "updated_at": now}

    def holdings():
        for cid, owner in rows:
            rich = rng.random() < .1
            for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
                kind = rng.choice(("deposit", "deposit", "term_deposit", "wealth", "fund"))
                amount = Decimal(rng.randrange(100, 400_000 if rich else 60_000)) + Decimal(rng.randrange(100)) / 100
                yield {"customer_id": cid, "kind": kind, "product_name": kind, "amount": amount,
                       "start_on": AS_OF - timedelta(days=rng.randint(1, 700)),
                       "status": "closed" if rng.random() < .05 else "open", "sold_by": owner,
                       "elderly": False, "version": 1, "created_at": now, "updated_at": now}

    def activities():
        for cid, owner in rows:
            if rng.random() < .15:
                continue
            for _ in range(rng.randint(1, 5)):
                day = AS_OF - timedelta(days=rng.randint(0, 90))
                yield {"user_id": owner, "customer_id": cid, "kind": rng.choice(("call", "message", "meeting")),
                       "day": day, "at": datetime(day.year, day.month, day.day, 10)}

    with engine.begin() as conn:
        n_p = bulk_insert(conn, BankRetailProfile.__table__, profiles())
        log(f"  bank profiles: {n_p:,}")
        n_h = bulk_insert(conn, BankHolding.__table__, holdings())
        log(f"  bank holdings: {n_h:,}")
        n_a = bulk_insert(conn, BankActivity.__table__, activities())
        log(f"  bank activities: {n_a:,}")
    analyze(app)
    return n_p, n_h, n_a


def floor_sql(kind: str) -> str:
    ph = (lambda n: f":{n}") if kind == "sqlite" else (lambda n: f"%({n})s")
    return f"""
WITH aum AS (
  SELECT customer_id, SUM(amount) AS aum FROM banking_rm_holding
  WHERE status = 'open' AND kind IN ('deposit', 'term_deposit', 'wealth', 'fund', 'insurance', 'agency')
  GROUP BY customer_id
), last AS (
  SELECT customer_id, MAX(day) AS last_day FROM banking_rm_activity
  WHERE customer_id IS NOT NULL GROUP BY customer_id
), m AS (
  SELECT c.id, c.code, c.name, c.owner_id, u.full_name, p.orientation,
         COALESCE(a.aum, 0) AS aum, l.last_day,
         CASE WHEN COALESCE(a.aum, 0) >= {ph('threshold')} AND p.potential = 'high' THEN 'hh'
              WHEN COALESCE(a.aum, 0) >= {ph('threshold')} THEN 'hl'
              WHEN p.potential = 'high' THEN 'lh' ELSE 'll' END AS cell
  FROM customers_customer c
  JOIN banking_rm_profile p ON p.customer_id = c.id
  LEFT JOIN core_user u ON u.id = c.owner_id
  LEFT JOIN aum a ON a.customer_id = c.id
  LEFT JOIN last l ON l.customer_id = c.id
  WHERE c.kind = 'retail'
)
SELECT id, code, name, owner_id, full_name, orientation, cell, last_day FROM m
WHERE last_day IS NULL
   OR last_day < CASE cell WHEN 'hh' THEN {ph('hh')} WHEN 'hl' THEN {ph('hl')}
                           WHEN 'lh' THEN {ph('lh')} ELSE {ph('ll')} END
ORDER BY COALESCE(last_day, {ph('never')}), id
"""


def run(ctx: Context) -> list[Row]:
    rows_out = []
    n = ctx.mode.list_customers
    for db in ctx.dbs:
        ds = ctx.dataset(db, "bank", n, keep=ctx.mode.name != "smoke")
        app = open_app(ds.target, ds.data_dir)
        ext = app.extensions["qudao"]
        try:
            n_p, n_h, n_a = _fill(app, random.Random(20261206), ctx.log)
            from plugins.banking_rm.services import clients as csvc
            from plugins.banking_rm.services import matrix

            session = ext.db.Session()
            session.info["enabled"] = ext.host.enabled(session)
            days = csvc.contact_days(session)
            threshold = csvc.aum_threshold(session)
            session.rollback()

            def service() -> tuple[float, list]:
                t0 = time.perf_counter()
                got = matrix.overdue(session, None, AS_OF)
                elapsed = time.perf_counter() - t0
                session.rollback()
                return elapsed, [r["id"] for r in got]

            params = {c: AS_OF - timedelta(days=days[c]) for c in days}
            params.update(threshold=threshold, never=AS_OF.replace(year=1900, month=1, day=1))
            if ds.target.is_sqlite:
                import sqlite3

                raw = sqlite3.connect(ds.target.name)
                params = {k: (v.isoformat() if hasattr(v, "isoformat") else float(v) if isinstance(v, Decimal) else v)
                          for k, v in params.items()}
            else:
                import psycopg

                raw = psycopg.connect(ds.target.dsn, autocommit=True)
            sql = floor_sql(db)

            def floor() -> tuple[float, list]:
                t0 = time.perf_counter()
                got = raw.execute(sql, params).fetchall()
                elapsed = time.perf_counter() - t0
                return elapsed, [r[0] for r in got]

            _t, mine = service()
            _t, theirs = floor()
            if mine != theirs:
                raise RuntimeError(f"overdue lists disagree: service {len(mine)} rows vs SQL {len(theirs)}")
            samples = interleave({"service": lambda: service()[0], "floor": lambda: floor()[0]},
                                 ctx.mode.repeats, ctx.mode.warmup)
            raw.close()
            session.close()
        finally:
            ext.db.dispose()
        subject, peer = Summary.of(samples["service"]), Summary.of(samples["floor"])
        rows_out.append(Row(
            case="7. Bank overdue-contact list (value matrix, as of 2026-10-31)", db=db,
            size=f"{n_p:,} retail customers, {n_h:,} holdings, {n_a:,} activities",
            subject=Measured("banking_rm matrix.overdue (one statement + row dicts)", subject, "s"),
            peer=Measured("hand-written SQL, fetchall", peer, "s"),
            checks=[Check("time ratio", subject.median / peer.median, "<=", GOAL)],
            note=f"{len(mine):,} overdue customers, same ids in the same order on both sides.",
        ))
    return rows_out


__all__ = ["run", "TITLE", "floor_sql"]
