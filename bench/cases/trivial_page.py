"""Case 1: an authenticated trivial page through the whole platform vs a
bare Flask "hello" app under the same gunicorn settings; goal ≥ 0.7×.

The page is the home page ``/`` of a signed-in salesperson: it runs
everything every page runs (session and user load, the enabled-plugin set,
menus from every plugin's hook with their permission checks, the base
template) plus the dashboard widgets the enabled plugins put there — the
first page every user sees.
"""
from __future__ import annotations

from ..context import Context
from ..generate import BENCH_PASSWORD, server_env
from ..results import Check, Measured, Row
from ..servers import Server, running
from .web import compare, rps, signed_in_headers

TITLE = "Trivial page"
PATH = "/"
GOAL = 0.7


def run(ctx: Context) -> list[Row]:
    rows = []
    for db in ctx.dbs:
        ds = ctx.dataset(db, "web", ctx.mode.list_customers)
        platform = Server(f"platform-{db}", "core.app:create_app()",
                          server_env(ds.target, ds.data_dir), ctx.logs, ready_path="/healthz")
        hello = Server("hello", "bench.apps.hello:create_app()", {}, ctx.logs)
        with running(platform, hello):
            headers = signed_in_headers(platform.base, "sales1", BENCH_PASSWORD, PATH,
                                        'action="/logout"')
            res = compare(ctx, {"platform": (platform.base + PATH, headers),
                                "hello": (hello.base + "/", {})})
        subject, peer = rps(res["platform"]), rps(res["hello"])
        ratio = subject.median / peer.median
        rows.append(Row(
            case="1. Trivial page (GET /, salesperson)", db=db,
            size=f"{ctx.mode.connections} connections",
            subject=Measured("platform", subject, "req/s"),
            peer=Measured("bare Flask hello", peer, "req/s"),
            checks=[Check("throughput ratio", ratio, ">=", GOAL)],
        ))
    return rows
