"""The floor for the customer list: one hand-written SQL query on the raw
driver (sqlite3 or psycopg) and the same 50 rows as a plain HTML table.

Environment: ``BENCH_RAW_KIND`` (sqlite | postgresql), ``BENCH_RAW_DSN``
(file path or libpq URL).  ``GET /?q=…&page=N`` mirrors the platform's
list: search text over name, code, phone, licence number and tags; newest
code first; 50 rows a page.
"""
from __future__ import annotations

import html
import os
import threading

from flask import Flask, request

PAGE = 50
COLUMNS = ("c.code, c.name, c.kind, c.grade, c.status, c.province, c.city, c.county, "
           "u.full_name, c.last_visit_on")
FIELDS = ("c.name", "c.code", "c.phone", "c.licence_no", "c.tags")


def sql(kind: str) -> str:
    ph = "?" if kind == "sqlite" else "%s"
    op = "LIKE" if kind == "sqlite" else "ILIKE"  # SQLite's LIKE already ignores case
    where = " OR ".join(f"{f} {op} {ph}" for f in FIELDS)
    return (f"SELECT {COLUMNS} FROM customers_customer c "
            f"LEFT JOIN core_user u ON u.id = c.owner_id "
            f"WHERE ({where}) ORDER BY c.code DESC LIMIT {PAGE} OFFSET {ph}")


def create_app() -> Flask:
    kind = os.environ["BENCH_RAW_KIND"]
    dsn = os.environ["BENCH_RAW_DSN"]
    query = sql(kind)
    local = threading.local()

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

    @app.get("/")
    def customers():
        like = f"%{request.args.get('q', '')}%"
        try:
            page = max(1, int(request.args.get("page", 1)))
        except ValueError:
            page = 1
        cur = connection().execute(query, (like,) * len(FIELDS) + ((page - 1) * PAGE,))
        esc = html.escape
        body = "".join(
            "<tr>" + "".join(f"<td>{esc(str(v)) if v is not None else ''}</td>" for v in row)
            + "</tr>"
            for row in cur.fetchall())
        return ("<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>客户</title>"
                f"<table>{body}</table></html>")

    return app
