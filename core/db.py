"""Engine, sessions and the declarative base shared by core and plugins.

SQLite is tuned for a web app with several writers (WAL, foreign keys, busy
timeout, ``BEGIN IMMEDIATE`` for writing transactions); PostgreSQL needs none
of that.  Nothing here touches a global: ``Database`` lives on
``app.extensions["qudao"].db``.
"""
from __future__ import annotations

import contextvars
from contextlib import contextmanager
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Iterator

from sqlalchemy import (
    DateTime,
    ForeignKey,
    MetaData,
    Numeric,
    create_engine,
    event,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    declared_attr,
    mapped_column,
    sessionmaker,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = Numeric(18, 2)

# Read-only web requests begin deferred transactions; everything else
# (POSTs, CLI, jobs, tests) takes the SQLite write lock up front so two
# writers never deadlock on a lock upgrade.
_immediate: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "qudao_sqlite_immediate", default=True
)


def set_immediate(value: bool) -> contextvars.Token:
    return _immediate.set(value)


def reset_immediate(token: contextvars.Token) -> None:
    """Undo ``set_immediate`` (nothing when the token belongs to another context)."""
    try:
        _immediate.reset(token)
    except ValueError:
        pass


@contextmanager
def reading() -> Iterator[None]:
    """Transactions begun inside only read: on SQLite they start with a
    deferred ``BEGIN``, so a long one (rendering a PDF) does not hold the
    write lock and other writers go on.  Writing in one of them may fail
    with "database is locked" instead of waiting — do not."""
    token = _immediate.set(False)
    try:
        yield
    finally:
        _immediate.reset(token)


def utcnow() -> datetime:
    """Now in UTC, naive, as timestamps are stored (``core.clock``: frozen in tests)."""
    from .clock import utcnow as now

    return now()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {Decimal: Money, datetime: DateTime()}

    #: Set to True on business models: every change lands in core_audit_log.
    __audited__ = False


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Versioned:
    """Optimistic locking for records people edit in forms.

    Adds a ``version`` integer and makes it SQLAlchemy's ``version_id_col``:
    every ORM UPDATE of the row is ``... WHERE id=? AND version=?`` and sets
    ``version = version + 1``; when no row matches (someone else saved
    first) the flush raises ``sqlalchemy.orm.exc.StaleDataError``.  Edit
    forms carry the version they were loaded with (``core.versions``) so a
    save from a page that is out of date is refused before anything is
    written.  Bulk ``update()`` statements do not move the version.
    """

    version: Mapped[int] = mapped_column(default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class OwnedMixin:
    """Rows that belong to an org unit and (optionally) an owning user.

    The default access rule in ``core.access`` keys on these two columns.
    """

    @declared_attr
    def org_unit_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("core_org_unit.id"), index=True)

    @declared_attr
    def owner_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("core_user.id"), index=True, nullable=True)


class AppSession(Session):
    """The sessions of a Qudao app: a SQLAlchemy ``Session`` that also
    carries the app's registries (``app.extensions["qudao"]``) as ``ext``.

    Services read settings, permissions, sequences, the enabled plugins and
    the data folder through ``session.ext``; it is set by the app factory on
    the session factory (``Database.Session.configure(ext=...)``), so every
    session of that app — web, CLI, jobs, tests — has it.  A session made
    outside an app has ``ext = None``.
    """

    #: The app's ``core.app.Qudao`` (not imported here: the database layer
    #: sits below the app factory).
    ext: Any

    def __init__(self, *args, ext: Any = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.ext = ext


class Database:
    def __init__(self, url: str, echo: bool = False):
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict = {"echo": echo, "future": True}
        if self.is_sqlite:
            kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
            if ":memory:" in url or url in ("sqlite://", "sqlite:///"):
                raise ValueError("use a file-backed SQLite database")
        else:
            kwargs["pool_pre_ping"] = True
            kwargs["pool_size"] = 10
            kwargs["max_overflow"] = 20
        self.engine = create_engine(url, **kwargs)
        if self.is_sqlite:
            self._tune_sqlite()
        self.Session = sessionmaker(self.engine, class_=AppSession, expire_on_commit=False)

    def _tune_sqlite(self) -> None:
        @event.listens_for(self.engine, "connect")
        def _on_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(self.engine, "begin")
        def _on_begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE" if _immediate.get() else "BEGIN")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commit on success, roll back on error."""
        s = self.Session()
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    def dispose(self) -> None:
        self.engine.dispose()
