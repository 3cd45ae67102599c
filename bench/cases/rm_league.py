"""Case: the banking_rm 5-20-30 league table at volume — a branch group of
100 managers and a year of logged activities (``--quick``: 300,000 rows;
``--full``: 1,500,000, the issue's size) — through the league service
(``services.activity.league`` for the year: the people list, the per-person
aggregate and the per-role aggregate) vs the same two aggregates written by
hand on the raw driver; goal ≤ 1.5×.  The run checks that both count the
same activities per person and kind (activities a spot check found false
left out) before timing them."""
from __future__ import annotations

import random
import time
from datetime import datetime, time as dtime, timedelta

from ..context import Context
from ..generate import AS_OF, open_app
from ..results import Check, Measured, Row
from ..stats import Summary, interleave

TITLE = "5-20-30 league table"
GOAL = 1.5
SIZES = {"smoke": (10, 3_000), "quick": (100, 300_000), "full": (100, 1_500_000)}
KINDS = ("meeting", "call", "message", "greet", "talk", "pitch")
ROLES = ("br_wealth", "br_lobby", "br_teller")


def floor_sql(kind: str) -> tuple[str, str]:
    ph = (lambda n: f":{n}") if kind == "sqlite" else (lambda n: f"%({n})s")
    valid = "(a.check_state IS NULL OR a.check_state <> 'false')"
    person = f"""
SELECT a.user_id, a.kind, COUNT(*) FROM banking_rm_activity a
WHERE a.day >= {ph('start')} AND a.day <= {ph('end')} AND {valid}
GROUP BY a.user_id, a.kind"""
    role = f"""
SELECT r.name, a.kind, COUNT(*) FROM banking_rm_activity a
JOIN core_user_role ur ON ur.user_id = a.user_id JOIN core_role r ON r.id = ur.role_id
WHERE a.day >= {ph('start')} AND a.day <= {ph('end')} AND {valid}
  AND r.name IN ('br_wealth', 'br_lobby', 'br_teller', 'br_head', 'salesperson', 'manager')
GROUP BY r.name, a.kind"""
    return person, role


def _fill(app, managers: int, rows: int, log) -> None:
    """100 managers (wealth, lobby, teller) and a year of activities, bulk."""
    from sqlalchemy import select

    from core import services
    from core.models import OrgUnit, Role, User, user_role
    from plugins.banking_rm.models import BankActivity

    from ..bulk import bulk_insert

    ext = app.extensions["qudao"]
    with ext.db.session() as s:
        services.ensure_roles(s)
        root = s.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id))
        role_ids = {r.name: r.id for r in s.scalars(select(Role).where(Role.name.in_(ROLES)))}
        conn = s.connection()
        bulk_insert(conn, User.__table__, ({
            "username": f"rm{i:03d}", "full_name": f"客户经理{i:03d}", "password_hash": "x",
            "session_token": f"t{i:031d}", "locale": "zh_CN", "active": True,
            "org_unit_id": root.id, "version": 1,
            "created_at": datetime(2026, 1, 1), "updated_at": datetime(2026, 1, 1)}
            for i in range(managers)))
        ids = list(s.scalars(select(User.id).where(User.username.like("rm%")).order_by(User.id)))
        role_of = {uid: ROLES[0] if i % 10 < 6 else ROLES[1 + i % 2] for i, uid in enumerate(ids)}
        s.execute(user_role.insert(), [{"user_id": u, "role_id": role_ids[r]} for u, r in role_of.items()])
        rnd = random.Random(2026)
        start = AS_OF - timedelta(days=364)
        front = ("greet", "talk", "pitch")
        wealth = ("meeting", "call", "message")

        def gen():
            for _ in range(rows):
                uid = rnd.choice(ids)
                day = start + timedelta(days=rnd.randrange(365))
                kinds = wealth if role_of[uid] == ROLES[0] else front
                yield {"user_id": uid, "kind": rnd.choice(kinds), "day": day,
                       "at": datetime.combine(day, dtime(10)),
                       "check_state": "false" if rnd.random() < .02 else None}

        t0 = time.perf_counter()
        n = bulk_insert(conn, BankActivity.__table__, gen())
        log(f"  {n:,} activities in {time.perf_counter() - t0:.1f} s")


def run(ctx: Context) -> list[Row]:
    managers, n_rows = SIZES.get(ctx.mode.name, SIZES["quick"])
    rows = []
    for db in ctx.dbs:
        ds = ctx.dataset(db, f"rm_league_{n_rows}", 100, 0)
        app = open_app(ds.target, ds.data_dir)
        ext = app.extensions["qudao"]
        try:
            _fill(app, managers, n_rows, ctx.log)
            if not ds.target.is_sqlite:
                import psycopg

                with psycopg.connect(ds.target.dsn, autocommit=True) as c:
                    c.execute("ANALYZE banking_rm_activity")
            from core.models import User
            from plugins.banking_rm.services.activity import league

            session = ext.db.Session()
            session.info["enabled"] = ext.host.enabled(session)
            admin = session.get(User, ds.people.admin_id)

            def service():
                t0 = time.perf_counter()
                lg = league(session, admin, "year", AS_OF)
                elapsed = time.perf_counter() - t0
                session.rollback()
                per = sorted((r.key, k, n) for r in lg["people"] for k, n in r.counts.items())
                return elapsed, per, len(lg["people"])

            if ds.target.is_sqlite:
                import sqlite3

                raw = sqlite3.connect(ds.target.name)
            else:
                import psycopg

                raw = psycopg.connect(ds.target.dsn, autocommit=True)
            person_sql, role_sql = floor_sql(db)
            start = AS_OF.replace(month=1, day=1)
            end = AS_OF.replace(month=12, day=31)
            params = ({"start": start.isoformat(), "end": end.isoformat()} if db == "sqlite"
                      else {"start": start, "end": end})

            def floor():
                t0 = time.perf_counter()
                per = raw.execute(person_sql, params).fetchall()
                raw.execute(role_sql, params).fetchall()
                elapsed = time.perf_counter() - t0
                return elapsed, sorted((u, k, int(n)) for u, k, n in per), len(per)

            _t, mine, n_people = service()
            _t, theirs, _n = floor()
            if mine != theirs:
                raise RuntimeError("league counts disagree between the service and the SQL")
            counted = sum(n for _u, _k, n in mine)
            samples = interleave({"service": lambda: service()[0], "floor": lambda: floor()[0]},
                                 ctx.mode.repeats, ctx.mode.warmup)
            raw.close()
            session.close()
        finally:
            ext.db.dispose()
        subject, peer = Summary.of(samples["service"]), Summary.of(samples["floor"])
        rows.append(Row(
            case="7. banking_rm 5-20-30 league table (year, per person and per role)", db=db,
            size=f"{managers} managers, {n_rows:,} activities over a year",
            subject=Measured("league service", subject, "s"),
            peer=Measured("hand-written SQL", peer, "s"),
            checks=[Check("time ratio", subject.median / peer.median, "<=", GOAL)],
            note=f"{n_people} people ranked; {counted:,} activities counted in the year "
                 f"{AS_OF.year} (spot-checked false ones left out), the same per person and kind "
                 f"in both; the service also reads the people list (with zero rows) and ranks them.",
        ))
    return rows
