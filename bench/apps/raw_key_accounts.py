"""The floor for the key-account list and the pipeline board: hand-written
SQL on the raw driver (sqlite3 or psycopg), the same rows as plain HTML.

Environment: ``BENCH_RAW_KIND`` (sqlite | postgresql), ``BENCH_RAW_DSN``.
``GET /list`` mirrors ``/stores_demo/accounts`` (every key account, by
name, 50 rows, mobile masked); ``GET /board`` mirrors ``/stores_demo/pipeline``
(count per stage and the 8 accounts longest in each stage).
"""
from __future__ import annotations

import html
import os
import threading

from flask import Flask

PAGE = 50
CARDS = 8
KINDS = "('sd_important', 'sd_high_value', 'sd_group', 'sd_strategic', 'sd_potential')"

LIST = ("SELECT c.code, c.name, c.kind, u.full_name, a.stage, a.stage_since, a.mobile, "
        "a.next_contact_on FROM customers_customer c "
        "JOIN stores_demo_account a ON a.customer_id = c.id "
        "LEFT JOIN core_user u ON u.id = c.owner_id "
        f"WHERE c.kind IN {KINDS} ORDER BY c.name, c.id LIMIT {PAGE + 1}")
COUNTS = ("SELECT a.stage, count(*) FROM stores_demo_account a "
          "JOIN customers_customer c ON c.id = a.customer_id "
          f"WHERE c.kind IN {KINDS} GROUP BY a.stage")
#: the 8 accounts longest in one stage: an index range scan on (stage, stage_since)
CARDS_SQL = ("SELECT a.stage, a.stage_since, c.id, c.code, c.name, c.kind "
             "FROM stores_demo_account a JOIN customers_customer c ON c.id = a.customer_id "
             f"WHERE a.stage = {{ph}} AND c.kind IN {KINDS} ORDER BY a.stage_since, a.id LIMIT {CARDS}")


def mask(mobile: str | None) -> str:
    m = mobile or ""
    return m[:3] + "****" + m[-4:] if len(m) == 11 else "****"


def create_app() -> Flask:
    kind = os.environ["BENCH_RAW_KIND"]
    dsn = os.environ["BENCH_RAW_DSN"]
    local = threading.local()
    cards_sql = CARDS_SQL.format(ph="?" if kind == "sqlite" else "%s")

    def connection():
        conn = getattr(local, "conn", None)
        if conn is None:
            if kind == "sqlite":
                import sqlite3

                conn = sqlite3.connect(dsn, check_same_thread=False)
            else:
                import psycopg

                conn = psycopg.connect(dsn, autocommit=True)
            local.conn = conn
        return conn

    app = Flask(__name__)
    esc = html.escape

    def page(body: str) -> str:
        return ("<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>大客户</title>"
                f"{body}</html>")

    @app.get("/list")
    def accounts():
        rows = connection().execute(LIST).fetchall()[:PAGE]
        body = "".join(
            f"<tr><td>{esc(r[0])}</td><td>{esc(r[1])}</td><td>{esc(r[2])}</td>"
            f"<td>{esc(r[3] or '')}</td><td>{r[4]}</td><td>{r[5]}</td><td>{mask(r[6])}</td>"
            f"<td>{r[7] or ''}</td></tr>" for r in rows)
        return page(f"<table>{body}</table>")

    @app.get("/board")
    def board():
        conn = connection()
        counts = dict(conn.execute(COUNTS).fetchall())
        cards = {n: conn.execute(cards_sql, (n,)).fetchall() for n in range(1, 14) if counts.get(n)}
        body = "".join(
            f"<section><h3>{n} {counts.get(n, 0)}</h3>"
            + "".join(f"<div>{esc(r[3])} {esc(r[4])} {esc(r[5])} {r[1]}</div>" for r in cards.get(n, []))
            + "</section>" for n in range(1, 14))
        return page(body)

    return app
