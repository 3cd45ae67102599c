"""Test fixtures shared by core tests (tests/) and plugin tests (plugins/*/tests/).

The database is SQLite by default.  With ``QUDAO_TEST_DATABASE_URL`` set to a
PostgreSQL URL the whole suite runs there instead; each xdist worker gets its
own schema, created once, and every test starts from emptied tables.  When
``QUDAO_REQUIRE_POSTGRES=1`` and PostgreSQL cannot be reached the run fails.
"""
from __future__ import annotations

import os
import re
import shutil
import uuid
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

os.environ.setdefault("QUDAO_FAST_HASH", "1")

PASSWORD = "test-pass-123"
PG_URL = os.environ.get("QUDAO_TEST_DATABASE_URL", "")
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


class QudaoClient(FlaskClient):
    """Test client that knows how to sign in and send CSRF tokens like a browser."""

    csrf: str | None = None

    def fetch_csrf(self) -> str:
        html = self.get("/login" if self.csrf is None else "/account").get_data(as_text=True)
        m = CSRF_RE.search(html)
        assert m, "no CSRF token on the page"
        self.csrf = m.group(1) or m.group(2)
        return self.csrf

    def login(self, username: str, password: str = PASSWORD, follow: bool = False):
        """Sign in as ``username``; whoever was signed in before is signed out."""
        self.delete_cookie("session")
        self.csrf = None
        token = self.fetch_csrf()
        resp = self.post("/login", data={"username": username, "password": password,
                                         "csrf_token": token}, follow_redirects=follow)
        if resp.status_code in (302, 303):
            self.fetch_csrf()  # the session was reset at login
        return resp

    def logout(self):
        return self.post("/logout", data={"csrf_token": self.csrf})

    def post_form(self, url: str, data: dict | None = None, **kw):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf or self.fetch_csrf())
        return self.post(url, data=data, **kw)


def _pg_reachable() -> bool:
    try:
        eng = create_engine(PG_URL)
        with eng.connect() as c:
            c.execute(text("SELECT 1"))
        eng.dispose()
        return True
    except Exception:  # noqa: BLE001
        return False


def pytest_configure(config):
    if PG_URL and not _pg_reachable():
        raise pytest.UsageError(f"PostgreSQL is required for this run but unreachable: {PG_URL}")
    if os.environ.get("QUDAO_REQUIRE_POSTGRES") == "1" and not PG_URL:
        raise pytest.UsageError("QUDAO_REQUIRE_POSTGRES=1 but QUDAO_TEST_DATABASE_URL is not set")


def _metadata():
    # Building an app imports every installed plugin's models.
    from core.db import Base

    return Base.metadata


@pytest.fixture(scope="session")
def db_template(tmp_path_factory, worker_id):
    """Per worker: a SQLite file with the full schema, or a PostgreSQL schema."""
    from core.app import create_app

    base = tmp_path_factory.mktemp("dbtemplate")
    if PG_URL:
        schema = f"qt_{worker_id}_{os.getpid()}".replace("-", "_")
        eng = create_engine(PG_URL)
        with eng.begin() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            c.execute(text(f"CREATE SCHEMA {schema}"))
            # The schema's DDL creates pg_trgm in public if missing; on a new
            # database two workers doing that at once collide (one fails
            # with a unique violation), so one worker at a time does it here.
            c.execute(text("SELECT pg_advisory_xact_lock(7160342)"))
            c.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"))
        eng.dispose()
        sep = "&" if "?" in PG_URL else "?"
        url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
        app = create_app({"DATA_DIR": str(base), "DATABASE_URL": url, "SECRET_KEY": "t"})
        _metadata().create_all(app.extensions["qudao"].db.engine)
        app.extensions["qudao"].db.dispose()
        yield ("pg", url)
        eng = create_engine(PG_URL)
        with eng.begin() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        eng.dispose()
    else:
        path = base / "template.db"
        app = create_app({"DATA_DIR": str(base), "DATABASE_URL": f"sqlite:///{path}",
                          "SECRET_KEY": "t"})
        _metadata().create_all(app.extensions["qudao"].db.engine)
        app.extensions["qudao"].db.dispose()
        yield ("sqlite", path)


def _fresh_url(db_template, tmp_path: Path) -> str:
    kind, where = db_template
    if kind == "sqlite":
        target = tmp_path / "qudao.db"
        shutil.copyfile(where, target)
        return f"sqlite:///{target}"
    eng = create_engine(where)
    with eng.begin() as c:
        _empty_pg_schema(c, [t.name for t in _metadata().sorted_tables])
    eng.dispose()
    return where


# Sequences used since the last reset, with their tables.
_USED_SEQUENCES = text("""
    SELECT t.relname, seq.relname FROM pg_class seq
    JOIN pg_namespace n ON n.oid = seq.relnamespace
    JOIN pg_depend d ON d.objid = seq.oid AND d.classid = 'pg_class'::regclass
                    AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
    JOIN pg_class t ON t.oid = d.refobjid
    JOIN pg_sequences ps ON ps.schemaname = n.nspname AND ps.sequencename = seq.relname
    WHERE seq.relkind = 'S' AND n.nspname = current_schema() AND ps.last_value IS NOT NULL
""")


def _empty_pg_schema(conn, tables: list[str]) -> None:
    """Empty the tables a test wrote to and restart their id sequences.

    TRUNCATE of every table costs a new file per table — seconds per test —
    so only tables holding rows are emptied, by DELETE with triggers (foreign
    keys, the ledger's immutability guards) switched off for this
    transaction; without the superuser right to do that, TRUNCATE them."""
    probe = " UNION ALL ".join(
        f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables)
    dirty = set(conn.execute(text(probe)).scalars())
    used = conn.execute(_USED_SEQUENCES).all()
    dirty |= {t for t, _seq in used}
    if not dirty:
        return
    try:
        with conn.begin_nested():
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for t in reversed(tables):
                if t in dirty:
                    conn.execute(text(f'DELETE FROM "{t}"'))
            for _t, seq in used:
                conn.execute(text(f'ALTER SEQUENCE "{seq}" RESTART'))
            conn.execute(text("SET LOCAL session_replication_role = origin"))
    except Exception:  # noqa: BLE001 - not a superuser: the slow, sure way
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in sorted(dirty))
                          + " RESTART IDENTITY CASCADE"))


@pytest.fixture
def enabled_plugins():
    """Override in a plugin's tests to run with only its dependencies enabled."""
    return None  # None = every installed plugin


@pytest.fixture
def app_config():
    """Extra config for ``create_app``; override per test module."""
    return {}


@pytest.fixture
def app(db_template, tmp_path, enabled_plugins, app_config):
    from core import bootstrap, services
    from core.app import create_app
    from core.db import _immediate, set_immediate

    # Test code's own sessions begin deferred, so a test holding a read
    # session open never blocks the request it drives (WAL readers don't
    # block writers).  Requests still choose per method; new threads start
    # with the default (BEGIN IMMEDIATE).
    token = set_immediate(False)
    url = _fresh_url(db_template, tmp_path)
    cfg = {"DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": url, "SECRET_KEY": "test-secret",
           "TESTING": True, "JOB_WORKERS": 2}
    cfg.update(app_config)
    app = create_app(cfg)
    app.test_client_class = QudaoClient
    ext = app.extensions["qudao"]
    with ext.db.session() as s:
        bootstrap.first_setup(s, "admin", PASSWORD)
        if enabled_plugins is not None:
            keep = set(enabled_plugins)
            for name in reversed(ext.host.order):
                if name != "core" and name not in keep:
                    services.disable_plugin(s, name)
    yield app
    jobs = getattr(ext, "jobs", None)
    if jobs is not None and hasattr(jobs, "shutdown"):
        jobs.shutdown()
    ext.db.dispose()
    _immediate.reset(token)


@pytest.fixture
def db(app):
    """A session bound to the test app's database (commit it yourself)."""
    s = app.extensions["qudao"].db.Session()
    yield s
    s.rollback()
    s.close()


@pytest.fixture
def client(app) -> QudaoClient:
    return app.test_client()


@pytest.fixture
def make_user(app):
    """make_user("sales9", "salesperson", org_code="HQ") → User (password PASSWORD)."""
    from sqlalchemy import select

    from core import services
    from core.models import OrgUnit

    def make(username: str, role: str = "salesperson", org_code: str | None = "HQ",
             org_unit=None):
        with app.extensions["qudao"].db.session() as s:
            org = org_unit
            if org is None and org_code:
                org = s.scalar(select(OrgUnit).where(OrgUnit.code == org_code))
            roles = [role] if isinstance(role, str) else list(role)
            user, _ = services.create_user(s, username, PASSWORD, roles, org)
            s.flush()
            s.expunge(user)
        return user

    return make


@pytest.fixture
def make_org(app):
    """make_org("OFF1", "杭州办事处", "office", parent_code="HQ") → OrgUnit."""
    from sqlalchemy import select

    from core import services
    from core.models import OrgUnit

    def make(code: str, name: str | None = None, kind: str = "office", parent_code: str = "HQ"):
        with app.extensions["qudao"].db.session() as s:
            parent = s.scalar(select(OrgUnit).where(OrgUnit.code == parent_code))
            unit = services.create_org_unit(s, code, name or code, kind, parent)
            s.flush()
            s.expunge(unit)
        return unit

    return make


@pytest.fixture
def race(app):
    """race(work, work, …) runs each ``work(session)`` at the same moment in
    its own thread, app context and session (committed when it returns),
    as concurrent requests do; returns what each returned, or the
    ``ServiceError`` it raised.  Load records inside ``work``, after the start."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from core.services import ServiceError

    db = app.extensions["qudao"].db

    def run(*works):
        barrier = threading.Barrier(len(works), timeout=60)

        def go(work):
            with app.app_context():
                barrier.wait()
                try:
                    with db.session() as s:
                        return work(s)
                except ServiceError as e:
                    return e

        with ThreadPoolExecutor(len(works)) as pool:
            return list(pool.map(go, works))

    return run


@pytest.fixture
def empty_db_url(tmp_path):
    """A database with no tables at all, for the migration tests: a SQLite
    file, or a fresh schema of the PostgreSQL test database (dropped after)."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    schema = f"mig_{uuid.uuid4().hex[:12]}"
    eng = create_engine(PG_URL)
    with eng.begin() as c:
        c.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with eng.begin() as c:
        c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    eng.dispose()
