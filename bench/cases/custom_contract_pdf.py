"""Case 7: the jewelry boutique's custom order contract (定制合同) through
the core document service (WeasyPrint) vs a persistent headless Chromium
printing the same HTML; goal ≤ 1.0× (issue 18).

The subject is what the seller waits for: ``core.documents.issue`` of
``stores_demo.custom_contract`` (context from the order, numbering,
template, PDF, archive).  The HTML it rendered is captured and handed to
Chromium (already running, page already open: only ``set_content`` and
``pdf`` are timed)."""
from __future__ import annotations

import time
from datetime import date, timedelta

from ..context import Context, Skip
from ..generate import open_app
from ..results import Check, Measured, Row
from ..stats import Summary, interleave
from .statement_pdf import Chromium
from core import clock

TITLE = "Custom order contract PDF"
GOAL = 1.0


def _prepare(ctx: Context, db: str):
    """A small data set with one custom order taken at today's gold price
    and its deposit paid."""
    from sqlalchemy import select

    from core.models import User
    from plugins.customers.api import Customer
    from plugins.stores_demo.services import custom_orders, pieces

    ds = ctx.dataset(db, "contracts", 3)
    app = open_app(ds.target, ds.data_dir)
    ext = app.extensions["qudao"]
    with ext.db.session() as s:
        s.info["enabled"] = ext.host.enabled(s)
        if "stores_demo" not in s.info["enabled"]:
            raise Skip("the stores_demo plugin is not enabled in the data set")
        admin = s.get(User, ds.people.admin_id)
        cid = s.scalar(select(Customer.id).order_by(Customer.id).limit(1))
        today = clock.today()
        if pieces.gold_price(s, "Au999", today) is None:
            pieces.set_gold_price(s, day_raw=today, metal_raw="Au999", price_raw="552.00", user=admin)
        o = custom_orders.create_order(s, cid, {
            "brief": "结婚十周年纪念对戒，内圈刻双方姓名缩写与纪念日，戒面镶嵌一克拉主钻，六爪镶",
            "style": "对戒", "metal": "Au999", "estimated_weight": "12.500", "labour_fee": "1800",
            "stones": "钻石 1.01ct E VS1 GIA", "stones_price": "58000",
            "due_date": (today + timedelta(days=30)).isoformat()}, admin)
        low, _high = custom_orders.deposit_bounds(s, o)
        custom_orders.take_deposit(s, o, low, admin)
        order_id = o.id
    return ds, app, order_id


def run(ctx: Context) -> list[Row]:
    rows = []
    with Chromium() as chrome:
        for db in ctx.dbs:
            ds, app, order_id = _prepare(ctx, db)
            ext = app.extensions["qudao"]
            try:
                rows.append(_compare(ctx, db, ds, ext, chrome, order_id))
            finally:
                ext.db.dispose()
    return rows


def _compare(ctx, db, ds, ext, chrome, order_id) -> Row:
    from core import documents
    from core.models import User

    captured: dict[str, str] = {}
    renderer = ext.pdf
    original = renderer.render

    def recording(template: str, context: dict, locale: str) -> bytes:
        captured["html"] = renderer.whole_html(template, context, locale)
        return original(template, context, locale)

    def issue() -> float:
        s = ext.db.Session()
        try:
            s.info["enabled"] = ext.host.enabled(s)
            user = s.get(User, ds.people.admin_id)
            t0 = time.perf_counter()
            doc = documents.issue(s, "stores_demo.custom_contract", order_id, user, locale="zh_CN")
            s.commit()
            elapsed = time.perf_counter() - t0
            if doc.size < 1000:
                raise RuntimeError("the contract PDF is suspiciously small")
            return elapsed
        finally:
            s.close()

    renderer.render = recording
    try:
        issue()
    finally:
        renderer.render = original
    html = captured["html"]
    if not chrome.pdf(html).startswith(b"%PDF"):
        raise RuntimeError("Chromium did not print a PDF")

    def chromium() -> float:
        t0 = time.perf_counter()
        chrome.pdf(html)
        return time.perf_counter() - t0

    samples = interleave({"service": issue, "chromium": chromium}, ctx.mode.repeats, ctx.mode.warmup)
    subject, peer = Summary.of(samples["service"]), Summary.of(samples["chromium"])
    return Row(
        case="7. Custom order contract PDF (定制合同)", db=db,
        size=f"1 order, {len(html) / 1024:.0f} KB HTML",
        subject=Measured("document service", subject, "s"),
        peer=Measured("Chromium (persistent)", peer, "s"),
        checks=[Check("time ratio", subject.median / peer.median, "<=", GOAL)],
        note=f"contract: the service (context, number, WeasyPrint, archive) took "
             f"{subject.median * 1e3:.0f} ms, Chromium printing the same HTML "
             f"{peer.median * 1e3:.0f} ms.",
    )
