"""Databases the benchmarks run on: a SQLite file under ``bench/data`` or a
PostgreSQL database of our own (``qudao_bench*``; never ``test``)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PG = os.environ.get("QUDAO_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")


@dataclass(frozen=True)
class Target:
    kind: str  # "sqlite" | "postgresql"
    url: str  # SQLAlchemy URL
    name: str  # file path or database name

    @property
    def is_sqlite(self) -> bool:
        return self.kind == "sqlite"

    @property
    def dsn(self) -> str:
        """What a raw driver connects with: a file path or a libpq URL."""
        if self.is_sqlite:
            return self.name
        return self.url.replace("postgresql+psycopg://", "postgresql://", 1)


def sqlite_target(path: Path, fresh: bool = True) -> Target:
    path.parent.mkdir(parents=True, exist_ok=True)
    if fresh:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return Target("sqlite", f"sqlite:///{path}", str(path))


def _admin_url(base: str) -> str:
    return base.replace("postgresql+psycopg://", "postgresql://", 1).rstrip("/") + "/postgres"


def pg_target(base: str, dbname: str, fresh: bool = True) -> Target:
    """A database named ``qudao_bench…``; with ``fresh`` it is dropped and
    created again (only ever one of ours)."""
    if not dbname.startswith("qudao_bench"):
        raise ValueError(f"refusing to manage database {dbname!r}: not a qudao_bench database")
    import psycopg

    if fresh:
        with psycopg.connect(_admin_url(base), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{dbname}"')
    return Target("postgresql", f"{base.rstrip('/')}/{dbname}", dbname)


def drop_pg(base: str, dbname: str) -> None:
    if not dbname.startswith("qudao_bench"):
        raise ValueError(f"refusing to drop database {dbname!r}")
    import psycopg

    with psycopg.connect(_admin_url(base), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def pg_exists(base: str, dbname: str) -> bool:
    import psycopg

    with psycopg.connect(_admin_url(base), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            (dbname,)).fetchone() is not None


def pg_reachable(base: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(_admin_url(base), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


def clone(base: Target, name: str, pg_base: str, work: Path, prefix: str = "qudao_bench"
          ) -> Target:
    """A fresh copy of ``base`` (a file copy, or ``CREATE DATABASE … TEMPLATE``)
    so a case that writes starts every round from the same state."""
    if base.is_sqlite:
        import shutil
        import sqlite3

        conn = sqlite3.connect(base.name)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        target = sqlite_target(work / f"{name}.db")
        shutil.copyfile(base.name, target.name)
        return target
    dbname = f"{prefix}_{name}".lower()
    if not dbname.startswith("qudao_bench") or not base.name.startswith("qudao_bench"):
        raise ValueError("refusing to clone outside the qudao_bench databases")
    import psycopg

    with psycopg.connect(_admin_url(pg_base), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}" TEMPLATE "{base.name}"')
    return Target("postgresql", f"{pg_base.rstrip('/')}/{dbname}", dbname)
