"""Case: logging a 5-20-30 activity — the phone page's POST
(``POST /banking_rm/activity``, one tap: kind and customer; session, CSRF,
the branch-customer check, the insert, the flash and the 303 back to the
page) through the whole platform, signed in as a wealth manager, against a
bare Flask endpoint that inserts one row with the raw driver and answers
303 the same way; goal: throughput ≥ 0.5× (the issue's "Performance").

Both write to the same ``banking_rm_activity`` table of one data set (the
customer data set's 1,000 customers, one of them the manager's retail
customer), interleaved.  After every run the rows each side added are
counted: a run whose answers were 303s but whose rows did not land (a
refused form redirects too) fails rather than flatters."""
from __future__ import annotations

from urllib.parse import urlencode

from ..context import Context
from ..generate import BENCH_PASSWORD, open_app, server_env
from ..load import Browser, LoadResult, _CSRF, run_load
from ..results import Check, Measured, Row
from ..servers import Server, running
from ..stats import Summary, interleave

TITLE = "5-20-30 activity POST"
GOAL = 0.5
CUSTOMERS = {"smoke": 50}
USERNAME = "rmbench"


def _prepare(ds) -> tuple[int, int, int]:
    """A wealth manager with one retail customer of their own; returns
    (the manager's id, the customer's id, the id the floor's rows carry)."""
    from sqlalchemy import select

    from core import services
    from core.models import OrgUnit, User
    from plugins.customers.api import Customer

    app = open_app(ds.target, ds.data_dir)
    ext = app.extensions["qudao"]
    try:
        with ext.db.session() as s:
            u = s.scalar(select(User).where(User.username == USERNAME))
            if u is None:
                root = s.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id))
                u, _ = services.create_user(s, USERNAME, BENCH_PASSWORD, ["br_wealth"], root, "理财经理")
                s.flush()
            c = s.scalar(select(Customer).order_by(Customer.id).limit(1))
            c.kind, c.owner_id, c.org_unit_id = "retail", u.id, u.org_unit_id
            s.flush()
            return u.id, c.id, ds.people.admin_id
    finally:
        ext.db.dispose()


def _count(ds, user_id: int) -> int:
    if ds.target.is_sqlite:
        import sqlite3

        conn = sqlite3.connect(ds.target.name)
        try:
            return conn.execute("SELECT COUNT(*) FROM banking_rm_activity WHERE user_id = ?",
                                (user_id,)).fetchone()[0]
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(ds.target.dsn) as conn:
        return conn.execute("SELECT COUNT(*) FROM banking_rm_activity WHERE user_id = %s",
                            (user_id,)).fetchone()[0]


def run(ctx: Context) -> list[Row]:
    rows = []
    n_customers = CUSTOMERS.get(ctx.mode.name, 1_000)
    m = ctx.mode
    for db in ctx.dbs:
        ds = ctx.dataset(db, "rm_post", n_customers, 0)
        rm_id, cid, floor_user = _prepare(ds)
        plat = Server(f"platform-rm-post-{db}", "core.app:create_app()", server_env(ds.target, ds.data_dir),
                      ctx.logs, "/healthz", m.server_workers)
        raw = Server(f"raw-activity-{db}", "bench.apps.raw_activity:create_app()",
                     {"BENCH_RAW_KIND": db, "BENCH_RAW_DSN": ds.target.dsn,
                      "BENCH_RAW_USER": str(floor_user)}, ctx.logs, workers=m.server_workers)
        with running(plat, raw):
            b = Browser(plat.base)
            b.login(USERNAME, BENCH_PASSWORD)
            page = b.settle("/banking_rm/activity", 'name="kind"')
            token = next(g for g in _CSRF.search(page).groups() if g)
            body = urlencode({"csrf_token": token, "kind": "call", "customer": cid})
            # one POST by hand: the row lands, the answer is the redirect
            before = _count(ds, rm_id)
            status, _html, _c = b.request("POST", "/banking_rm/activity",
                                          dict(csrf_token=token, kind="call", customer=cid))
            if status != 303 or _count(ds, rm_id) != before + 1:
                raise RuntimeError(f"the phone page's POST did not log the activity (HTTP {status})")
            headers = {"Cookie": b.cookie_header()}
            targets = {"platform": (plat.base + "/banking_rm/activity", headers, rm_id),
                       "floor": (raw.base + "/", {}, floor_user)}
            results: dict[str, list[LoadResult]] = {n: [] for n in targets}
            landed = {n: 0 for n in targets}
            answered = {n: 0 for n in targets}

            def runner(name: str):
                url, hdrs, uid = targets[name]

                def go() -> float:
                    n0 = _count(ds, uid)
                    r = run_load(url, m.connections, m.load_seconds, hdrs, use_wrk=ctx.use_wrk,
                                 max_requests=m.max_requests, post=body, expect=303)
                    added = _count(ds, uid) - n0
                    # every answered request inserted its row (a few more may have
                    # landed as the run stopped, their answers not counted)
                    if added < r.requests:
                        raise RuntimeError(f"{name}: {r.requests} answers but {added} rows")
                    results[name].append(r)
                    landed[name] += added
                    answered[name] += r.requests
                    return r.rps

                return go

            kept = interleave({n: runner(n) for n in targets}, m.repeats, m.warmup)
            for n in targets:
                results[n] = results[n][-len(kept[n]):]
        subject = Summary.of([r.rps for r in results["platform"]])
        peer = Summary.of([r.rps for r in results["floor"]])
        tail = Summary.of([r.p99_ms for r in results["platform"]])
        rows.append(Row(
            case="12. banking_rm 5-20-30: log an activity (phone page POST)", db=db,
            size=f"{ds.customers:,} customers, {m.connections} connections",
            subject=Measured("platform POST /banking_rm/activity", subject, "req/s"),
            peer=Measured(f"bare Flask + raw {'sqlite3' if db == 'sqlite' else 'psycopg'} INSERT", peer,
                          "req/s"),
            checks=[Check("throughput ratio", subject.median / peer.median, ">=", GOAL)],
            note=f"every answer a 303 and every answered request's row in the table "
                 f"(platform {answered['platform']:,} answers, {landed['platform']:,} rows; floor "
                 f"{answered['floor']:,} answers, {landed['floor']:,} rows, warm-up included); "
                 f"platform p99 {tail.median:.1f} ms ({tail.low:.1f}–{tail.high:.1f}).",
        ))
    return rows
