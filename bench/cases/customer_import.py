"""Case 4: importing 100k customers from a CSV file through the customers
import service (every row checked, all or nothing, audit rows written) vs
the raw driver's ``executemany`` of the same rows; goal ≤ 3×.

Each round starts from a copy of the same database (users and org units,
no customers); only the import itself and its commit are timed.
"""
from __future__ import annotations

import csv
import io
import random
import time
from datetime import datetime

from ..bulk import column_defaults
from ..context import Context
from ..generate import customer_kinds, customer_record, open_app
from ..results import Check, Measured, Row
from ..stats import Summary, interleave

TITLE = "Customer import"
GOAL = 3.0
HEADER = ("客户名称", "客户类型", "状态", "省", "市", "县/区", "乡镇/街道", "地址", "电话",
          "法定代表人", "统一社会信用代码", "标签", "业务员")
KEYS = ("name", "kind", "status", "province", "city", "county", "town", "address", "phone",
        "legal_person", "licence_no", "tags")


def make_file(n: int, kinds: list[str], sales: list[tuple[int, int]], seed: int = 4
              ) -> tuple[bytes, list[dict]]:
    """The CSV a user would upload, and the same rows as table rows for the floor."""
    rng = random.Random(seed)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEADER)
    rows = []
    now = datetime(2026, 10, 31, 12, 0)
    for i in range(n):
        rec = customer_record(rng, 5_000_000 + i, kinds)
        rec["status"] = "active" if rng.random() < 0.8 else "prospect"
        k = i % len(sales)
        w.writerow([rec[key] for key in KEYS] + [f"sales{k + 1}"])
        owner_id, unit_id = sales[k]
        rows.append(dict(rec, code=f"C2026-{i + 1:06d}", owner_id=owner_id, org_unit_id=unit_id,
                         created_at=now, updated_at=now))
    return buf.getvalue().encode("utf-8"), rows


def _service_import(ctx: Context, base, data: bytes, n: int, admin_id: int, rnd: list[int]):
    def go() -> float:
        rnd[0] += 1
        target = ctx.clone(base, f"import_{rnd[0] % 2}")
        app = open_app(target, ctx.data_dir(target.kind, f"import_{rnd[0] % 2}"))
        ext = app.extensions["qudao"]
        try:
            from core.models import User
            from plugins.customers.services.exchange import import_file

            with app.test_request_context():  # as the upload page runs it
                s = ext.db.Session()
                s.info["enabled"] = ext.host.enabled(s)
                importer = s.get(User, admin_id)
                t0 = time.perf_counter()
                result = import_file(s, io.BytesIO(data), "customers.csv", importer)
                s.commit()
                elapsed = time.perf_counter() - t0
                s.close()
            if result.imported != n:
                raise RuntimeError(f"import took {result.imported} of {n} rows: "
                                   f"{result.errors[:3]}")
            return elapsed
        finally:
            ext.db.dispose()

    return go


def _floor_insert(ctx: Context, base, rows: list[dict], rnd: list[int]):
    from plugins.customers.api import Customer

    table = Customer.__table__
    full = [{**column_defaults(table), **r} for r in rows]
    cols = [c.name for c in table.columns if c.name in full[0]]
    values = [tuple(r[c] for c in cols) for r in full]

    def go() -> float:
        rnd[0] += 1
        target = ctx.clone(base, f"floor_{rnd[0] % 2}")
        if target.is_sqlite:
            import sqlite3

            conn = sqlite3.connect(target.name)
            conn.execute("PRAGMA synchronous=NORMAL")  # as the platform's engine sets it
            ph = ", ".join("?" for _ in cols)
        else:
            import psycopg

            conn = psycopg.connect(target.dsn)
            ph = ", ".join("%s" for _ in cols)
        sql = f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({ph})"
        try:
            t0 = time.perf_counter()
            if target.is_sqlite:
                conn.executemany(sql, values)
            else:
                with conn.cursor() as cur:
                    cur.executemany(sql, values)
            conn.commit()
            return time.perf_counter() - t0
        finally:
            conn.close()

    return go


def run(ctx: Context) -> list[Row]:
    rows_out = []
    n = ctx.mode.import_rows
    for db in ctx.dbs:
        ds = ctx.dataset(db, "import_base", 0)
        app = open_app(ds.target, ds.data_dir)
        kinds = customer_kinds(app)
        app.extensions["qudao"].db.dispose()
        data, rows = make_file(n, kinds, ds.people.sales)
        samples = interleave({
            "service": _service_import(ctx, ds.target, data, n, ds.people.admin_id, [0]),
            "floor": _floor_insert(ctx, ds.target, rows, [0]),
        }, ctx.mode.repeats, ctx.mode.warmup)
        subject, peer = Summary.of(samples["service"]), Summary.of(samples["floor"])
        rows_out.append(Row(
            case="4. Customer import (CSV through the import service)", db=db,
            size=f"{n:,} rows, {len(data) / 1e6:.1f} MB CSV",
            subject=Measured("import service", subject, "s"),
            peer=Measured("executemany" if db == "postgresql" else "sqlite3.executemany",
                          peer, "s"),
            checks=[Check("time ratio", subject.median / peer.median, "<=", GOAL)],
        ))
    return rows_out
