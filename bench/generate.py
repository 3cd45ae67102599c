"""The data generator: ``python -m bench generate --scale S|M|L``.

Deterministic (seeded ``random.Random``; dates relative to the fixed
``AS_OF``), Chinese names and places, and the bulk paths only
(``bench.bulk``): the org tree and a few hundred users go through the core
services (their rules matter and they are few); customers and ledger rows
are streamed straight into their tables.

Scales (customers / ledger lines): T 60 / 1.5k (the smoke test), S 1k / 50k,
M 10k / 1M, L 100k / 10M (L is meant for PostgreSQL).
"""
from __future__ import annotations

import os
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Iterator

from sqlalchemy import select, text

from . import names
from .bulk import bulk_insert
from .targets import Target
from core import clock

BENCH_PASSWORD = "bench-pass-2026"
#: Bump when the generator writes different rows for the same seed.
GENERATOR_VERSION = 1
SEED = 20261031
#: The data set's "today": every generated date lies on or before it.
AS_OF = date(2026, 10, 31)


@dataclass(frozen=True)
class Scale:
    name: str
    customers: int
    lines: int


SCALES = {
    "T": Scale("T", 60, 1_500),
    "S": Scale("S", 1_000, 50_000),
    "M": Scale("M", 10_000, 1_000_000),
    "L": Scale("L", 100_000, 10_000_000),
}


@dataclass
class People:
    admin_id: int
    #: (user id, org unit id) of every salesperson, in creation order.
    sales: list[tuple[int, int]] = field(default_factory=list)
    managers: list[int] = field(default_factory=list)
    finance_id: int | None = None


@dataclass
class Dataset:
    target: Target
    data_dir: Path
    people: People
    customers: int = 0
    lines: int = 0
    notes: list[str] = field(default_factory=list)


def app_config(target: Target, data_dir: Path) -> dict:
    return {"DATABASE_URL": target.url, "DATA_DIR": str(data_dir.resolve()),
            "SECRET_KEY": "qudao-bench"}


def server_env(target: Target, data_dir: Path) -> dict[str, str]:
    """Environment for a gunicorn running the platform on this data set."""
    return {"QUDAO_DATABASE_URL": target.url, "QUDAO_DATA_DIR": str(data_dir.resolve()),
            "QUDAO_SECRET_KEY": "qudao-bench"}


def open_app(target: Target, data_dir: Path, bulk_load: bool = False):
    """The platform app on ``target``.  With ``bulk_load`` its SQLite
    connections skip the write-ahead log and fsync while the generator
    fills the file (``finish_bulk_load`` puts WAL back): a generated file
    is rebuilt, never recovered, so durability buys nothing there."""
    from core.app import create_app

    data_dir.mkdir(parents=True, exist_ok=True)
    app = create_app(app_config(target, data_dir))
    if bulk_load and target.is_sqlite:
        from sqlalchemy import event

        @event.listens_for(app.extensions["qudao"].db.engine, "connect")
        def _bulk(dbapi_conn, _record):  # runs after the platform's own tuning
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=DELETE")
            cur.execute("PRAGMA synchronous=OFF")
            cur.close()
    return app


def finish_bulk_load(target: Target) -> None:
    if target.is_sqlite:
        import sqlite3

        conn = sqlite3.connect(target.name)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.close()


@contextmanager
def _fast_hashes() -> Iterator[None]:
    """Generated users get cheap argon2 parameters (as the test suite does):
    verification reads the parameters from the hash, and the first real
    login upgrades it."""
    old = os.environ.get("QUDAO_FAST_HASH")
    os.environ["QUDAO_FAST_HASH"] = "1"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("QUDAO_FAST_HASH", None)
        else:
            os.environ["QUDAO_FAST_HASH"] = old


def create_schema(app) -> None:
    """The models' metadata, as the test suite builds it (migrations are
    generated from the same metadata)."""
    from core.db import Base

    Base.metadata.create_all(app.extensions["qudao"].db.engine)


BRANCHES = (
    ("EAST", "华东分公司", ("浙江省", "江苏省", "上海市", "安徽省", "福建省")),
    ("SOUTH", "华南分公司", ("广东省",)),
    ("NORTH", "华北分公司", ("山东省", "河南省")),
    ("WEST", "西南分公司", ("四川省", "湖北省")),
)


def create_people(app, n_sales: int, rng: random.Random) -> People:
    """Admin, org tree (company → 4 branch companies → one office per
    city), a manager per branch, a finance clerk and ``n_sales`` salespeople."""
    from core import bootstrap, services
    from core.models import OrgUnit

    ext = app.extensions["qudao"]
    with _fast_hashes(), ext.db.session() as s:
        bootstrap.first_setup(s, "admin", BENCH_PASSWORD)
        root = s.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id))
        admin_id = s.scalar(text("SELECT id FROM core_user WHERE username = 'admin'"))
        people = People(admin_id=admin_id)
        offices: list[OrgUnit] = []
        branch_units = []
        for code, label, provinces in BRANCHES:
            branch = services.create_org_unit(s, code, label, "branch", root)
            branch_units.append(branch)
            for p in provinces:
                for i, city in enumerate(names.REGIONS[p]):
                    offices.append(services.create_org_unit(
                        s, f"{code}-{names.DIVISION[p][:2]}{i:02d}",
                        city.removesuffix("市") + "办事处", "office", branch))
        s.flush()
        for i, branch in enumerate(branch_units):
            u, _ = services.create_user(s, f"manager{i + 1}", BENCH_PASSWORD, ["manager"],
                                        branch, names.person(rng))
            s.flush()
            people.managers.append(u.id)
        fin, _ = services.create_user(s, "finance1", BENCH_PASSWORD, ["finance"], root,
                                      names.person(rng))
        s.flush()
        people.finance_id = fin.id
        for i in range(n_sales):
            office = offices[i % len(offices)]
            u, _ = services.create_user(s, f"sales{i + 1}", BENCH_PASSWORD, ["salesperson"],
                                        office, names.person(rng))
            s.flush()
            people.sales.append((u.id, office.id))
    return people


STATUS_WEIGHTS = (("active", 70), ("prospect", 15), ("applying", 5), ("suspended", 5),
                  ("eliminated", 5))
GRADE_WEIGHTS = (("A", 10), ("B", 30), ("C", 60))


def _weighted(rng: random.Random, pairs) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def customer_kinds(app) -> list[str]:
    from core.access import hooks_for

    ext = app.extensions["qudao"]
    with ext.db.session() as s:
        s.info["enabled"] = ext.host.enabled(s)
        codes = {code for code, _label in hooks_for(s).flat("customer_kinds")}
    return sorted(codes) or ["general"]


def customer_record(rng: random.Random, serial: int, kinds: list[str]) -> dict:
    """One customer's business fields (no ids): what a person would type or
    an import file would carry."""
    province, city, county, town = names.place(rng)
    return {
        "name": names.company(rng, city),
        "kind": rng.choice(kinds),
        "province": province, "city": city, "county": county, "town": town,
        "address": names.address(rng, city, county),
        "phone": names.mobile(rng),
        "legal_person": names.person(rng),
        "licence_no": names.licence_number(serial, province),
        "tags": rng.choice(("", "", "重点", "新开", "连锁", "乡镇")),
    }


def customer_rows(rng: random.Random, n: int, people: People, kinds: list[str],
                  columns: set[str], first_id: int = 1) -> Iterator[dict]:
    """Rows for ``customers_customer`` with ids ``first_id…``, owned round-robin
    by the salespeople (org unit = the owner's office)."""
    start = datetime.combine(AS_OF - timedelta(days=3 * 365), datetime.min.time())
    for i in range(n):
        cid = first_id + i
        owner_id, unit_id = people.sales[i % len(people.sales)]
        created = start + timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
        status = _weighted(rng, STATUS_WEIGHTS)
        grade = None if status in ("prospect", "applying") else _weighted(rng, GRADE_WEIGHTS)
        row = {
            "id": cid,
            "code": f"C{created.year}-{cid:06d}",
            **customer_record(rng, cid, kinds),
            "status": status,
            "grade": grade,
            "grade_computed": grade,
            "org_unit_id": unit_id,
            "owner_id": owner_id,
            "created_at": created,
            "updated_at": created,
        }
        yield {k: v for k, v in row.items() if k in columns}


def insert_customers(app, n: int, rng: random.Random, people: People) -> int:
    """``n`` customers through the bulk path; the customer-code sequence is
    moved past them so customers created later get fresh codes."""
    from plugins.customers.api import Customer

    table = Customer.__table__
    kinds = customer_kinds(app)
    engine = app.extensions["qudao"].db.engine
    with engine.begin() as conn:
        count = bulk_insert(conn, table, customer_rows(rng, n, people, kinds,
                                                       set(table.columns.keys())))
        from plugins.customers.services.searchindex import catch_up

        catch_up(conn, bulk=True)  # the search index (SQLite) is kept by the platform's writes
        conn.execute(text(
            "INSERT INTO core_sequence (key, year, last_value) VALUES (:k, :y, :n)"),
            {"k": "customers.customer", "y": clock.today().year, "n": n + 1_000_000})
    return count


def analyze(app) -> None:
    """Fresh planner statistics, as a database in use would have."""
    engine = app.extensions["qudao"].db.engine
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def generate(target: Target, data_dir: Path, customers: int, lines: int = 0,
             seed: int = SEED, log=print) -> Dataset:
    """A fresh data set on ``target`` (whose database must be empty)."""
    rng = random.Random(seed)
    app = open_app(target, data_dir, bulk_load=True)
    try:
        create_schema(app)
        n_sales = max(4, min(500, customers // 200))
        people = create_people(app, n_sales, rng)
        ds = Dataset(target=target, data_dir=data_dir, people=people)
        if customers:
            log(f"  customers: {customers:,}")
            ds.customers = insert_customers(app, customers, rng, people)
        if lines:
            from .ledger_gen import insert_ledger

            log(f"  ledger lines: {lines:,}")
            ds.lines = insert_ledger(app, rng, ds, lines)
        analyze(app)
        return ds
    finally:
        app.extensions["qudao"].db.dispose()
        finish_bulk_load(target)


# -- kept data sets ------------------------------------------------------------
def fingerprint(customers: int, lines: int, seed: int = SEED) -> str:
    """Changes whenever a kept data set would no longer be what a fresh
    generation gives: sizes, seed, generator version, or any table's DDL."""
    import hashlib

    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateTable

    from core.db import Base
    from core.plugins import PluginHost

    PluginHost().all_hooks().register_models()  # imports every installed plugin's models
    h = hashlib.sha256(f"{GENERATOR_VERSION}:{seed}:{customers}:{lines}".encode())
    dialect = postgresql.dialect()
    for t in Base.metadata.sorted_tables:
        h.update(str(CreateTable(t).compile(dialect=dialect)).encode())
        for ix in sorted(t.indexes, key=lambda i: i.name or ""):
            h.update(f"{ix.name}:{[c.name for c in ix.columns]}:{ix.unique}".encode())
    return h.hexdigest()


def save_kept(stamp: Path, fp: str, ds: Dataset) -> None:
    import json

    stamp.write_text(json.dumps({
        "fingerprint": fp, "url": ds.target.url, "name": ds.target.name, "kind": ds.target.kind,
        "data_dir": str(ds.data_dir), "customers": ds.customers, "lines": ds.lines,
        "people": {"admin_id": ds.people.admin_id, "sales": ds.people.sales,
                   "managers": ds.people.managers, "finance_id": ds.people.finance_id},
    }), encoding="utf-8")


def load_kept(stamp: Path, fp: str, db: str, ctx) -> Dataset | None:
    """The kept data set if its stamp matches and its database still exists."""
    import json

    if not stamp.exists():
        return None
    try:
        info = json.loads(stamp.read_text(encoding="utf-8"))
    except ValueError:
        return None
    if info.get("fingerprint") != fp or info.get("kind") != db:
        return None
    target = Target(info["kind"], info["url"], info["name"])
    if target.is_sqlite and not Path(target.name).exists():
        return None
    if not target.is_sqlite:
        from .targets import pg_exists

        if not pg_exists(ctx.pg_base, target.name):
            return None
    p = info["people"]
    people = People(admin_id=p["admin_id"], sales=[tuple(x) for x in p["sales"]],
                    managers=p["managers"], finance_id=p["finance_id"])
    return Dataset(target=target, data_dir=Path(info["data_dir"]), people=people,
                   customers=info["customers"], lines=info["lines"])
