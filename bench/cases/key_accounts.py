"""Case: the jewelry boutique's key-account list and pipeline board
(stores_demo) at 10,000 key accounts and 200,000 contact rows, each against
a raw-driver endpoint running hand-written SQL for the same rows.
Goals (issue 18): throughput ≥ 0.45× the floor's, and p99 ≤ 1.5× the
floor's own p99 in the same run at 8 connections.

The list is page 1 (by name) of every key account, as admin; the board is
the 13 stage columns (count and the 8 accounts longest in each stage).
The contacts do not feed either page (the account keeps its next contact
date), so they are there to prove that the log's size does not matter.
"""
from __future__ import annotations

import random
import re
from datetime import date, datetime, timedelta

from sqlalchemy import text

from ..context import Context
from ..generate import BENCH_PASSWORD, open_app
from ..load import Browser
from ..results import Check, Measured, Row
from ..servers import Server, running
from ..stats import Summary
from ..bulk import bulk_insert
from .web import compare, p99, rps, server_env, signed_in_headers

TITLE = "Key accounts and pipeline (stores_demo)"
RATIO_GOAL = 0.45
P99_RATIO_GOAL = 1.5
CODE = re.compile(r"C\d{4}-\d{5,}")
KINDS = ("sd_important", "sd_high_value", "sd_group", "sd_strategic", "sd_potential")
CHANNELS = ("sms", "phone", "email", "mail", "meeting")


def sizes(ctx: Context) -> tuple[int, int]:
    return (300, 6_000) if ctx.mode.name == "smoke" else (10_000, 200_000)


def _codes(html: str) -> list[str]:
    seen: dict[str, None] = {}
    for c in CODE.findall(html):
        seen.setdefault(c, None)
    return list(seen)


def add_accounts(ds, contacts: int) -> int:
    """Every customer of the data set becomes a key account (kinds dealt
    round robin) with a profile row at a random stage, and ``contacts``
    contact rows spread over them.  Idempotent: returns the account count."""
    from plugins.stores_demo.models.accounts import StoresDemoAccount, StoresDemoContact

    rng = random.Random(18)
    app = open_app(ds.target, ds.data_dir, bulk_load=True)
    try:
        engine = app.extensions["qudao"].db.engine
        with engine.begin() as conn:
            have = conn.execute(text("SELECT count(*) FROM stores_demo_account")).scalar()
            if have:
                return have
            ids = [r[0] for r in conn.execute(text("SELECT id FROM customers_customer ORDER BY id"))]
            for k, kind in enumerate(KINDS):
                conn.execute(text("UPDATE customers_customer SET kind = :k WHERE id % 5 = :r"),
                             {"k": kind, "r": k})
            now = datetime(2026, 10, 31, 12)
            today = date(2026, 10, 31)

            def accounts():
                for cid in ids:
                    yield {"customer_id": cid, "is_organisation": cid % 3 == 0,
                           "mobile": "1" + "".join(rng.choice("0123456789") for _ in range(10)),
                           "stage": rng.randint(1, 13),
                           "stage_since": now - timedelta(minutes=rng.randint(0, 200 * 24 * 60)),
                           "next_contact_on": today + timedelta(days=rng.randint(-20, 40)),
                           "lead_source": rng.choice(("friend", "colleague", "platform")),
                           "hobbies": "高尔夫、茶道", "needs": "结婚周年克拉钻",
                           "created_at": now, "updated_at": now, "version": 1}

            n = bulk_insert(conn, StoresDemoAccount.__table__, accounts())

            def log():
                for i in range(contacts):
                    on = today - timedelta(days=rng.randint(1, 400))
                    yield {"customer_id": ids[i % len(ids)], "channel": rng.choice(CHANNELS),
                           "contacted_on": on, "outcome": "reached",
                           "next_contact_on": on + timedelta(days=rng.randint(1, 30)),
                           "note": "聊了天气，约下周看货", "created_at": now}

            bulk_insert(conn, StoresDemoContact.__table__, log())
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql("ANALYZE")
            else:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                conn.exec_driver_sql("VACUUM ANALYZE stores_demo_account")
                conn.exec_driver_sql("VACUUM ANALYZE stores_demo_contact")
                conn.exec_driver_sql("VACUUM ANALYZE customers_customer")
        return n
    finally:
        app.extensions["qudao"].db.dispose()
        from ..generate import finish_bulk_load

        finish_bulk_load(ds.target)


def checks(platform_rps: float, floor_rps: float, platform_p99_ms: float,
           floor_p99_ms: float) -> list[Check]:
    return [Check("throughput ratio", platform_rps / floor_rps, ">=", RATIO_GOAL),
            Check("p99 ratio to the floor's p99", platform_p99_ms / floor_p99_ms, "<=",
                  P99_RATIO_GOAL)]


PAGES = (
    # label, platform path, floor path, marker on the platform page
    ("key-account list, page 1 of 50 by name", "/stores_demo/accounts", "/list", "stores_demo/accounts/"),
    ("pipeline board, 13 stages × 8 cards", "/stores_demo/pipeline", "/board", "sd-board"),
)


def run(ctx: Context) -> list[Row]:
    rows = []
    n_accounts, n_contacts = sizes(ctx)
    for db in ctx.dbs:
        ds = ctx.dataset(db, "sd_accounts", n_accounts)
        n = add_accounts(ds, n_contacts)
        # its own platform server: the shared one serves the customer-list data set
        plat = ctx.server(f"platform-sd-{db}", "core.app:create_app()",
                          server_env(ds.target, ds.data_dir), ready_path="/healthz")
        raw = Server(f"raw-sd-{db}", "bench.apps.raw_key_accounts:create_app()",
                     {"BENCH_RAW_KIND": db, "BENCH_RAW_DSN": ds.target.dsn}, ctx.logs,
                     workers=ctx.mode.server_workers)
        with running(raw):
            for label, path, floor_path, marker in PAGES:
                headers = signed_in_headers(plat.base, "admin", BENCH_PASSWORD, path, marker)
                b = Browser(plat.base)
                b.cookies = dict(x.split("=", 1) for x in headers["Cookie"].split("; "))
                _, page, _ = b.request("GET", path)
                _, floor_page, _ = Browser(raw.base).request("GET", floor_path)
                mine, theirs = _codes(page), _codes(floor_page)
                if not theirs or sorted(mine) != sorted(theirs):
                    raise RuntimeError(f"{label}: the page and the floor disagree: "
                                       f"{mine[:5]} vs {theirs[:5]}")
                res = compare(ctx, {"platform": (plat.base + path, headers),
                                    "raw": (raw.base + floor_path, {})})
                subject, peer = rps(res["platform"]), rps(res["raw"])
                tail: Summary = p99(res["platform"])
                floor_tail: Summary = p99(res["raw"])
                rows.append(Row(
                    case=f"7. Key accounts: {label}", db=db,
                    size=f"{n:,} accounts, {n_contacts:,} contacts, {ctx.mode.connections} connections",
                    subject=Measured("platform", subject, "req/s"),
                    peer=Measured(f"raw {'sqlite3' if db == 'sqlite' else 'psycopg'}", peer, "req/s"),
                    checks=checks(subject.median, peer.median, tail.median, floor_tail.median),
                    note=f"{len(theirs)} accounts on the page; platform p99 {tail.median:.1f} ms "
                         f"({tail.low:.1f}–{tail.high:.1f}); floor p99 {floor_tail.median:.1f} ms "
                         f"({floor_tail.low:.1f}–{floor_tail.high:.1f}).",
                ))
    return rows
