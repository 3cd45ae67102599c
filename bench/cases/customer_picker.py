"""Case 12: the record picker's search — ``GET /pick/customers.customer?q=…``,
the JSON a customer field asks for as the user types — over 100k customers,
against a raw-driver endpoint running one hand-written query for the same
20 customers.  Goal: throughput ≥ 0.45× the floor's (the customer list's
goal: the same search, a smaller answer); the p99 of both is in the note.

The search text is a city that appears in about one company name in thirty
(the customer list's), as a user types it into a customer field.
"""
from __future__ import annotations

import json
from urllib.parse import quote

from ..context import Context
from ..generate import BENCH_PASSWORD
from ..load import Browser
from ..results import Check, Measured, Row
from ..servers import Server, running
from ..stats import Summary
from .web import compare, p99, platform, rps, signed_in_headers

TITLE = "Record picker search"
SEARCH = "杭州"
RATIO_GOAL = 0.45


def checks(platform_rps: float, floor_rps: float) -> list[Check]:
    return [Check("throughput ratio", platform_rps / floor_rps, ">=", RATIO_GOAL)]


def _values(body: str) -> list[str]:
    return [r["value"] for r in json.loads(body)["results"]]


def run(ctx: Context) -> list[Row]:
    rows = []
    path = "/pick/customers.customer?q=" + quote(SEARCH)
    for db in ctx.dbs:
        ds = ctx.dataset(db, "web", ctx.mode.list_customers, keep=ctx.mode.name != "smoke")
        plat = platform(ctx, db, ds)
        raw = Server(f"raw-picker-{db}", "bench.apps.raw_picker:create_app()",
                     {"BENCH_RAW_KIND": db, "BENCH_RAW_DSN": ds.target.dsn}, ctx.logs,
                     workers=ctx.mode.server_workers)
        with running(raw):
            headers = signed_in_headers(plat.base, "admin", BENCH_PASSWORD, path, '"results"')
            b = Browser(plat.base)
            b.cookies = dict(x.split("=", 1) for x in headers["Cookie"].split("; "))
            _, page, _ = b.request("GET", path)
            _, floor_page, _ = Browser(raw.base).request("GET", "/pick?q=" + quote(SEARCH))
            mine, theirs = _values(page), _values(floor_page)
            if mine != theirs:
                raise RuntimeError(f"the picker and the floor disagree: {mine[:5]} vs {theirs[:5]}")
            res = compare(ctx, {"platform": (plat.base + path, headers),
                                "raw": (raw.base + "/pick?q=" + quote(SEARCH), {})})
        subject, peer = rps(res["platform"]), rps(res["raw"])
        tail: Summary = p99(res["platform"])
        floor_tail: Summary = p99(res["raw"])
        rows.append(Row(
            case=f"14. Record picker search (“{SEARCH}”, first 20)", db=db,
            size=f"{ds.customers:,} customers, {ctx.mode.connections} connections",
            subject=Measured("platform", subject, "req/s"),
            peer=Measured(f"raw {'sqlite3' if db == 'sqlite' else 'psycopg'}", peer, "req/s"),
            checks=checks(subject.median, peer.median),
            note=f"{len(theirs)} customers answered; platform p99 {tail.median:.1f} ms, "
                 f"floor p99 {floor_tail.median:.1f} ms.",
        ))
    return rows
