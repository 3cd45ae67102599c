"""Run modes and the per-run context every case receives."""
from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .generate import Dataset, fingerprint, generate, load_kept, save_kept
from .targets import Target, pg_target, sqlite_target

DATA = Path(__file__).resolve().parent / "data"


class Skip(Exception):
    """A case cannot run here (a tool or service is missing); the report says why."""


@dataclass(frozen=True)
class Mode:
    name: str
    repeats: int  # kept rounds; one warm-up round more is run and discarded
    load_seconds: float  # per load run
    max_requests: int  # the Python client's cap per load run
    connections: int
    list_customers: int  # customer list: rows in the table
    aged_scale: str  # aged receivables: data set scale
    import_rows: int
    pdf_rows: tuple[int, ...]
    pdf_memory_rows: int
    batch_statements: int
    batch_lines: int
    use_wrk: bool = True
    warmup: int = 1  # rounds run first and thrown away
    server_workers: int = 2  # gunicorn workers of every server
    batch_repeats: int = 2  # month-end rounds (each is minutes long)
    #: Aged receivables again at this scale, on PostgreSQL only (scale L:
    #: 10M ledger lines, the size the generator meant for PostgreSQL).
    aged_scale_pg: str | None = None


MODES = {
    # The test suite's smoke run: every code path, tiny sizes, no wrk.
    "smoke": Mode("smoke", repeats=1, load_seconds=0.3, max_requests=40, connections=2,
                  list_customers=300, aged_scale="T", import_rows=200, pdf_rows=(5, 20),
                  pdf_memory_rows=50, batch_statements=4, batch_lines=3, use_wrk=False,
                  warmup=0, server_workers=1, batch_repeats=1),
    "quick": Mode("quick", repeats=3, load_seconds=5, max_requests=20_000, connections=8,
                  list_customers=100_000, aged_scale="M", import_rows=100_000,
                  pdf_rows=(100, 1000), pdf_memory_rows=5000, batch_statements=60,
                  batch_lines=40),
    "full": Mode("full", repeats=7, load_seconds=10, max_requests=100_000, connections=8,
                 list_customers=100_000, aged_scale="M", import_rows=100_000,
                 pdf_rows=(100, 1000), pdf_memory_rows=5000, batch_statements=2000,
                 batch_lines=40, aged_scale_pg="L"),
}


@dataclass
class Context:
    mode: Mode
    dbs: tuple[str, ...]
    pg_base: str
    work: Path = DATA
    log: Callable[[str], None] = print
    prefix: str = "qudao_bench"
    _datasets: dict = field(default_factory=dict)
    created_pg: set = field(default_factory=set)
    _servers: dict = field(default_factory=dict)

    @property
    def logs(self) -> Path:
        return self.work / "logs"

    @property
    def use_wrk(self) -> bool:
        from .load import wrk_available

        return self.mode.use_wrk and wrk_available()

    def target(self, db: str, name: str) -> Target:
        """A fresh, empty database for ``name`` on ``db``."""
        if db == "sqlite":
            return sqlite_target(self.work / f"{name}.db")
        dbname = f"{self.prefix}_{name}".lower()
        self.created_pg.add(dbname)
        return pg_target(self.pg_base, dbname)

    def clone(self, base: Target, name: str) -> Target:
        """A fresh copy of ``base`` for a round that writes."""
        from .targets import clone

        target = clone(base, name, self.pg_base, self.work, self.prefix)
        if not target.is_sqlite:
            self.created_pg.add(target.name)
        return target

    def server(self, name: str, app_spec: str, env: dict[str, str], ready_path: str = "/"):
        """A gunicorn server started once per run and shared by the cases
        (stopped by ``cleanup``, whatever happens)."""
        from .servers import Server

        srv = self._servers.get(name)
        if srv is None:
            srv = Server(name, app_spec, env, self.logs, ready_path, self.mode.server_workers)
            self._servers[name] = srv
            srv.start()
        return srv

    def stop_servers(self) -> None:
        for srv in self._servers.values():
            srv.stop()
        self._servers.clear()

    def cleanup(self) -> None:
        """Stop the shared servers and drop the PostgreSQL databases this run
        created (SQLite files stay under the work folder for inspection)."""
        from .targets import drop_pg

        t0 = time.perf_counter()
        self.stop_servers()
        self.log(f"servers stopped in {time.perf_counter() - t0:.1f} s")
        for name in sorted(self.created_pg):
            t0 = time.perf_counter()
            drop_pg(self.pg_base, name)
            self.log(f"dropped database {name} in {time.perf_counter() - t0:.1f} s")
        self.created_pg.clear()

    def data_dir(self, db: str, name: str) -> Path:
        d = self.work / f"{name}-{db}-files"
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        return d

    def dataset(self, db: str, name: str, customers: int, lines: int = 0,
                keep: bool = False) -> Dataset:
        """A data set generated once per run and shared by the cases that only
        read it.  With ``keep`` it also survives the run and is reused by the
        next one while the generator, the seed, the sizes and the schema are
        unchanged (big data sets take minutes to generate)."""
        key = (db, name, customers, lines)
        ds = self._datasets.get(key)
        if ds is not None:
            return ds
        stamp = self.work / f"{name}-{db}.json"
        fp = fingerprint(customers, lines)
        if keep:
            ds = load_kept(stamp, fp, db, self)
            if ds is not None:
                self.log(f"reusing {name} on {db} ({customers:,} customers, {lines:,} lines)")
        if ds is None:
            stamp.unlink(missing_ok=True)
            t0 = time.perf_counter()
            self.log(f"generating {name} on {db}: {customers:,} customers, {lines:,} lines")
            target = self.target(db, name)
            if keep and not target.is_sqlite:
                self.created_pg.discard(target.name)  # kept for the next run
            ds = generate(target, self.data_dir(db, name), customers, lines, log=self.log)
            self.log(f"  done in {time.perf_counter() - t0:.1f} s")
            if keep:
                save_kept(stamp, fp, ds)
        self._datasets[key] = ds
        return ds
