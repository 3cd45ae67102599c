"""Case 5: a monthly statement PDF of 100 and of 1000 lines through the
core document service (WeasyPrint) vs a persistent headless Chromium
printing the same HTML; goals ≤ 1.0× and ≤ 2.0×.  And the peak memory of a
process issuing a 5000-line statement: ≤ 400 MB.

The subject is what a user waits for: ``core.documents.issue`` of the
``finance.statement`` document (context from the ledger, numbering,
template, PDF, archive).  The HTML it rendered is captured and handed to
Chromium (already running, page already open: only ``set_content`` and
``pdf`` are timed) — the fairest peer a server could keep warm.
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time

from ..context import Context, Skip
from ..generate import open_app
from ..results import Check, Measured, Row
from ..servers import ROOT
from ..stats import Summary, interleave

TITLE = "Statement PDF"
CHROMIUM = os.environ.get("QUDAO_BENCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
GOALS = {0: 1.0, 1: 2.0}  # by position in mode.pdf_rows
MEMORY_GOAL_MB = 400.0
PERIOD = (2026, 10)


class Chromium:
    """One browser and one page for the whole case."""

    def __enter__(self):
        if not os.path.exists(CHROMIUM):
            raise Skip(f"Chromium not found at {CHROMIUM}")
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self.browser = self._pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS,
                                                headless=True)
        self.page = self.browser.new_page()
        return self

    def pdf(self, html: str) -> bytes:
        self.page.set_content(html, wait_until="load")
        return self.page.pdf(format="A4", print_background=True, prefer_css_page_size=True)

    def __exit__(self, *exc):
        try:
            self.browser.close()
        finally:
            self._pw.stop()


def _prepare(ctx: Context, db: str, plan: dict[int, int]):
    """A small data set whose customers 1, 2, 3 … have ``plan`` movements in
    the statement month, and their statements recorded."""
    from ..ledger_gen import insert_statement_month

    ds = ctx.dataset(db, "statements", len(plan) + 2)
    app = open_app(ds.target, ds.data_dir)
    insert_statement_month(app, ds, plan, *PERIOD, random.Random(5))
    ext = app.extensions["qudao"]
    ids = {}
    from core.models import User
    from plugins.finance.services import statements

    with ext.db.session() as s:
        s.info["enabled"] = ext.host.enabled(s)
        user = s.get(User, ds.people.finance_id)
        for cid in plan:
            ids[cid] = statements.issue(s, cid, f"{PERIOD[0]}-{PERIOD[1]:02d}", user=user).id
    return ds, app, ids


def run(ctx: Context) -> list[Row]:
    m = ctx.mode
    sizes = list(m.pdf_rows)
    plan = {i + 1: n for i, n in enumerate(sizes + [m.pdf_memory_rows])}
    rows = []
    with Chromium() as chrome:
        for db in ctx.dbs:
            ds, app, st_ids = _prepare(ctx, db, plan)
            ext = app.extensions["qudao"]
            try:
                for pos, n in enumerate(sizes):
                    rows.append(_compare(ctx, db, ds, ext, chrome, st_ids[pos + 1], n,
                                         GOALS.get(pos, 2.0)))
            finally:
                ext.db.dispose()
            rows.append(_memory(ctx, db, ds, st_ids[len(sizes) + 1], m.pdf_memory_rows))
    return rows


def _compare(ctx, db, ds, ext, chrome, statement_id, n, goal) -> Row:
    from core import documents
    from core.models import User

    captured: dict[str, str] = {}
    renderer = ext.pdf
    original = renderer.render

    def recording(template: str, context: dict, locale: str) -> bytes:
        # The document as one HTML file (page breaks planned): what Chromium
        # prints, and what one WeasyPrint layout in one process lays out.
        captured["html"] = renderer.whole_html(template, context, locale)
        return original(template, context, locale)

    def issue() -> float:
        s = ext.db.Session()
        try:
            s.info["enabled"] = ext.host.enabled(s)
            user = s.get(User, ds.people.finance_id)
            t0 = time.perf_counter()
            doc = documents.issue(s, "finance.statement", statement_id, user, locale="zh_CN")
            s.commit()
            elapsed = time.perf_counter() - t0
            if doc.size < 1000:
                raise RuntimeError("the statement PDF is suspiciously small")
            return elapsed
        finally:
            s.close()

    renderer.render = recording
    try:
        issue()
    finally:
        renderer.render = original
    html = captured["html"]
    pages_check = chrome.pdf(html)
    if not pages_check.startswith(b"%PDF"):
        raise RuntimeError("Chromium did not print a PDF")

    def chromium() -> float:
        t0 = time.perf_counter()
        chrome.pdf(html)
        return time.perf_counter() - t0

    def weasy_only() -> float:
        t0 = time.perf_counter()
        renderer.html_to_pdf(html)
        return time.perf_counter() - t0

    samples = interleave({"service": issue, "chromium": chromium}, ctx.mode.repeats,
                         ctx.mode.warmup)
    engine = Summary.of([weasy_only() for _ in range(max(1, ctx.mode.repeats // 2))])
    subject, peer = Summary.of(samples["service"]), Summary.of(samples["chromium"])
    return Row(
        case=f"5. Statement PDF, {n:,} lines", db=db,
        size=f"{n:,} movements, {len(html) / 1024:.0f} KB HTML",
        subject=Measured("document service", subject, "s"),
        peer=Measured("Chromium (persistent)", peer, "s"),
        checks=[Check("time ratio", subject.median / peer.median, "<=", goal)],
        note=f"{n:,} lines: the service took {subject.median * 1e3:.0f} ms with "
             f"{renderer.processes} render processes; one WeasyPrint layout of the whole "
             f"HTML in one process takes {engine.median * 1e3:.0f} ms.",
    )


def _memory(ctx, db, ds, statement_id, n) -> Row:
    """Peak RSS of a fresh process that issues one ``n``-line statement."""
    cmd = [sys.executable, "-m", "bench.pdf_memory", ds.target.url, str(ds.data_dir),
           str(statement_id), str(ds.people.finance_id)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    if out.returncode != 0:
        raise RuntimeError(f"pdf_memory failed: {out.stderr[-2000:]}")
    info = json.loads(out.stdout.strip().splitlines()[-1])
    peak = Summary.of([info["peak_mb"]])
    return Row(
        case=f"5. Statement PDF, {n:,} lines: peak memory", db=db,
        size=f"{n:,} movements, {info['pages']} pages",
        subject=Measured("peak RSS", peak, "MB"),
        checks=[Check("peak RSS", info["peak_mb"], "<=", MEMORY_GOAL_MB, "MB")],
        note=f"{n:,} lines: process at {info['base_mb']:.0f} MB with the app loaded; while "
             f"issuing ({info['seconds']:.1f} s) the process tree (the issuing process and "
             f"any render processes it started) peaked at {info['peak_mb']:.0f} MB, the "
             f"issuing process alone at {info['own_peak_mb']:.0f} MB.",
    )
