"""The bulk insert path of the generator: ``executemany`` of Core inserts on
SQLite, ``COPY … FROM STDIN`` on PostgreSQL — never one ORM object at a time.

Rows carry explicit primary keys so later tables can refer to them without
reading them back; on PostgreSQL the id sequence is moved past them.
"""
from __future__ import annotations

from typing import Iterable, Iterator

from sqlalchemy import Table, text
from sqlalchemy.engine import Connection

CHUNK = 20_000


def column_defaults(table: Table) -> dict:
    """Python-side scalar or zero-argument defaults, computed once: COPY does
    not run SQLAlchemy defaults, so the generator fills them in itself."""
    out = {}
    for col in table.columns:
        d = col.default
        if d is None:
            continue
        if d.is_scalar:
            out[col.name] = d.arg
        elif d.is_callable:
            out[col.name] = d.arg(None)
    return out


def _chunks(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    buf: list[dict] = []
    for r in rows:
        buf.append(r)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


def _sqlite_executemany(conn: Connection, table: Table, cols: list[str], rows: list[dict]) -> None:
    """The driver's ``executemany`` with SQLAlchemy's own bind processors
    applied per column, so values are stored exactly as the ORM stores them
    (dates as ISO text, Numeric as SQLAlchemy binds it) without building a
    parameter dict per row."""
    dialect = conn.dialect
    conv = [(c, table.c[c].type._cached_bind_processor(dialect)) for c in cols]
    plain = all(p is None for _c, p in conv)
    if plain:
        values = [tuple(r.get(c) for c in cols) for r in rows]
    else:
        values = [tuple([p(r.get(c)) if p else r.get(c) for c, p in conv]) for r in rows]
    sql = (f'INSERT INTO "{table.name}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in cols)}) '
           f'VALUES ({", ".join("?" for _ in cols)})')
    conn.exec_driver_sql(sql, values)


def bulk_insert(conn: Connection, table: Table, rows: Iterable[dict]) -> int:
    """Insert ``rows`` (dicts keyed by column name) the fast way; returns the count."""
    defaults = column_defaults(table)
    names = [c.name for c in table.columns]
    n = 0
    pg = conn.dialect.name == "postgresql"
    if not pg:
        # A big page cache: index maintenance of a bulk load otherwise
        # thrashes SQLite's default 2 MB (this connection only).
        conn.exec_driver_sql("PRAGMA cache_size=-262144")
    for chunk in _chunks(rows, CHUNK):
        full = [{**defaults, **r} for r in chunk]
        cols = [c for c in names if c in full[0]]
        if pg:
            raw = conn.connection.driver_connection
            collist = ", ".join(f'"{c}"' for c in cols)
            with raw.cursor() as cur:
                with cur.copy(f'COPY "{table.name}" ({collist}) FROM STDIN') as cp:
                    for r in full:
                        cp.write_row([r.get(c) for c in cols])
        else:
            _sqlite_executemany(conn, table, cols, full)
        n += len(full)
    if pg and "id" in names and n:
        conn.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"(SELECT max(id) FROM \"{table.name}\"))"))
    return n
