"""Case 2: the customer list — a page of 50 out of 100k with a search — vs
a raw-driver endpoint running one hand-written query for the same rows.
Goals: throughput ≥ 0.45× the floor's, and p99 ≤ 1.5× the floor's own p99
measured in the same run at the same connections (a fixed number of
milliseconds does not hold on a shared 2-core machine, where the floor's
own p99 moves from run to run).

The list's sort is its own (newest code first); the search text is a city
that appears in about one company name in thirty, so page 1 is full and
the total is in the thousands.
"""
from __future__ import annotations

import re
from urllib.parse import quote

from ..context import Context
from ..generate import BENCH_PASSWORD
from ..load import Browser
from ..results import Check, Measured, Row
from ..servers import Server, running
from ..stats import Summary
from .web import compare, p99, platform, rps, signed_in_headers

TITLE = "Customer list"
SEARCH = "杭州"
RATIO_GOAL = 0.45
#: The platform's p99 against the raw floor's p99 of the same run.
P99_RATIO_GOAL = 1.5
CODE = re.compile(r"C\d{4}-\d{5,}")


def _codes(html: str) -> list[str]:
    seen: dict[str, None] = {}
    for c in CODE.findall(html):
        seen.setdefault(c, None)
    return list(seen)


def checks(platform_rps: float, floor_rps: float, platform_p99_ms: float,
           floor_p99_ms: float) -> list[Check]:
    """The list's goals: throughput and tail latency, both against the floor."""
    return [Check("throughput ratio", platform_rps / floor_rps, ">=", RATIO_GOAL),
            Check("p99 ratio to the floor's p99", platform_p99_ms / floor_p99_ms, "<=",
                  P99_RATIO_GOAL)]


def run(ctx: Context) -> list[Row]:
    rows = []
    path = "/customers/?q=" + quote(SEARCH)
    for db in ctx.dbs:
        ds = ctx.dataset(db, "web", ctx.mode.list_customers, keep=ctx.mode.name != "smoke")
        plat = platform(ctx, db, ds)
        raw = Server(f"raw-{db}", "bench.apps.raw_customers:create_app()",
                     {"BENCH_RAW_KIND": db, "BENCH_RAW_DSN": ds.target.dsn}, ctx.logs,
                     workers=ctx.mode.server_workers)
        with running(raw):
            headers = signed_in_headers(plat.base, "admin", BENCH_PASSWORD, path, SEARCH)
            b = Browser(plat.base)
            b.cookies = dict(x.split("=", 1) for x in headers["Cookie"].split("; "))
            _, page, _ = b.request("GET", path)
            _, floor_page, _ = Browser(raw.base).request("GET", "/?q=" + quote(SEARCH))
            mine, theirs = _codes(page), _codes(floor_page)
            if not theirs or mine[:len(theirs)] != theirs:
                raise RuntimeError(f"the list and the floor disagree: {mine[:5]} vs {theirs[:5]}")
            res = compare(ctx, {"platform": (plat.base + path, headers),
                                "raw": (raw.base + "/?q=" + quote(SEARCH), {})})
        subject, peer = rps(res["platform"]), rps(res["raw"])
        tail: Summary = p99(res["platform"])
        floor_tail: Summary = p99(res["raw"])
        rows.append(Row(
            case=f"2. Customer list (search “{SEARCH}”, page 1 of 50)", db=db,
            size=f"{ds.customers:,} customers, {ctx.mode.connections} connections",
            subject=Measured("platform", subject, "req/s"),
            peer=Measured(f"raw {'sqlite3' if db == 'sqlite' else 'psycopg'}", peer, "req/s"),
            checks=checks(subject.median, peer.median, tail.median, floor_tail.median),
            note=f"{len(theirs)} rows on the page; platform p99 {tail.median:.1f} ms "
                 f"({tail.low:.1f}–{tail.high:.1f}) over the runs; floor p99 "
                 f"{floor_tail.median:.1f} ms ({floor_tail.low:.1f}–{floor_tail.high:.1f}).",
        ))
    return rows
