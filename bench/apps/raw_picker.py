"""The floor for the record picker's search: one hand-written SQL query on
the raw driver (sqlite3 or psycopg) answering the same JSON as
``GET /pick/customers.customer?q=…`` — the first 20 customers by code whose
name, code, phone, licence number or tags contain the text.

Environment: ``BENCH_RAW_KIND`` (sqlite | postgresql), ``BENCH_RAW_DSN``
(file path or libpq URL).
"""
from __future__ import annotations

import json
import os
import threading

from flask import Flask, Response, request

LIMIT = 20
FIELDS = ("name", "code", "phone", "licence_no", "tags")


def sql(kind: str) -> str:
    ph = "?" if kind == "sqlite" else "%s"
    op = "LIKE" if kind == "sqlite" else "ILIKE"  # SQLite's LIKE already ignores case
    where = " OR ".join(f"{f} {op} {ph}" for f in FIELDS)
    return f"SELECT code, name FROM customers_customer WHERE ({where}) ORDER BY code LIMIT {LIMIT}"


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

    @app.get("/pick")
    def pick():
        like = f"%{request.args.get('q', '')}%"
        rows = connection().execute(query, (like,) * len(FIELDS)).fetchall()
        body = {"results": [{"value": code, "text": f"{code} {name}"} for code, name in rows]}
        return Response(json.dumps(body), mimetype="application/json")

    return app
