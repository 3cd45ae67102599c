"""Case 1: an authenticated page through the whole platform vs a bare
Flask "hello" app under the same gunicorn settings.

Two pages of a signed-in salesperson, each against the same hello runs:

- ``/account``, the trivial page, the lightest there is: everything every
  page runs (session and user load, the enabled-plugin set, menus from
  every plugin's hook with their permission checks, the base template,
  CSRF token) and a small form — the platform's own overhead; goal ≥ 0.7×;
- ``/``, the home page: the same plus the dashboard widgets the enabled
  plugins put there (eight scoped counts, the lazy figures' frames) — the
  first page every user sees, and not a trivial page; goal ≥ 0.3×.
"""
from __future__ import annotations

from ..context import Context
from ..generate import BENCH_PASSWORD
from ..results import Check, Measured, Row
from .web import compare, hello, platform, rps, signed_in_headers

TITLE = "Trivial page"
PAGES = (("/account", "own account page"), ("/", "home page with widgets"))
#: The trivial page against bare Flask.
GOAL = 0.7
#: The home page runs its widgets' queries as well: not a trivial page.
HOME_GOAL = 0.3
GOALS = {"/account": GOAL, "/": HOME_GOAL}


def check(path: str, subject_rps: float, hello_rps: float) -> Check:
    """The goal a page is held to: its throughput against bare Flask's."""
    return Check("throughput ratio", subject_rps / hello_rps, ">=", GOALS[path])


def run(ctx: Context) -> list[Row]:
    rows = []
    for db in ctx.dbs:
        ds = ctx.dataset(db, "web", ctx.mode.list_customers, keep=ctx.mode.name != "smoke")
        plat, floor = platform(ctx, db, ds), hello(ctx)
        targets = {"hello": (floor.base + "/", {})}
        for path, _label in PAGES:
            headers = signed_in_headers(plat.base, "sales1", BENCH_PASSWORD, path,
                                        'action="/logout"')
            targets[path] = (plat.base + path, headers)
        res = compare(ctx, targets)
        peer = rps(res["hello"])
        for path, label in PAGES:
            subject = rps(res[path])
            rows.append(Row(
                case=f"1. Trivial page: GET {path} ({label}, salesperson)", db=db,
                size=f"{ds.customers:,} customers, {ctx.mode.connections} connections",
                subject=Measured("platform", subject, "req/s"),
                peer=Measured("bare Flask hello", peer, "req/s"),
                checks=[check(path, subject.median, peer.median)],
            ))
    return rows
