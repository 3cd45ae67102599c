"""The floor for the 5-20-30 phone page's POST: a bare Flask endpoint that
inserts one activity row with the raw driver (sqlite3 or psycopg) and
answers as a form POST does (303 to the page).

Environment: ``BENCH_RAW_KIND`` (sqlite | postgresql), ``BENCH_RAW_DSN``
(file path or libpq URL), ``BENCH_RAW_USER`` (the user id the rows carry).
The SQLite connection gets the platform's own settings (WAL, NORMAL sync,
busy timeout: ``core/db.py``) so the two differ by the application only."""
from __future__ import annotations

import os
import threading
from datetime import date, datetime, timezone

from flask import Flask, redirect, request


def create_app() -> Flask:
    kind = os.environ["BENCH_RAW_KIND"]
    dsn = os.environ["BENCH_RAW_DSN"]
    user_id = int(os.environ["BENCH_RAW_USER"])
    ph = "?" if kind == "sqlite" else "%s"
    sql = ("INSERT INTO banking_rm_activity (user_id, customer_id, kind, day, at) "
           f"VALUES ({ph}, {ph}, {ph}, {ph}, {ph})")
    local = threading.local()

    def connection():
        conn = getattr(local, "conn", None)
        if conn is None:
            if kind == "sqlite":
                import sqlite3

                conn = sqlite3.connect(dsn, check_same_thread=False, timeout=30)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
            else:
                import psycopg

                conn = psycopg.connect(dsn)
            local.conn = conn
        return conn

    app = Flask(__name__)

    @app.post("/")
    def log_one():
        cid = int(request.form["customer"])
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        day = date.today()
        conn = connection()
        if kind == "sqlite":
            conn.execute(sql, (user_id, cid, request.form["kind"], day.isoformat(), now.isoformat(" ")))
        else:
            conn.execute(sql, (user_id, cid, request.form["kind"], day, now))
        conn.commit()
        return redirect("/", 303)

    return app
