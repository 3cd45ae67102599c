"""Gapless numbering per key and year (``INV/2026/00042``).

The counter row is bumped with a single ``UPDATE … RETURNING`` inside the
caller's transaction: concurrent callers serialise on the row lock (SQLite:
the database write lock), and a rolled-back document gives its number back,
so numbers have no gaps.

A year outside the business date window (``core.datewindow``) is refused
before any row is touched: no sequence is ever opened for year 9999.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from .datewindow import check_year
from .models import Sequence
from . import clock


def _insert_ignore(session: Session):
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as ins
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as ins
    else:  # pragma: no cover - only the two supported databases
        return insert(Sequence)
    return ins(Sequence).on_conflict_do_nothing()


def next_value(session: Session, key: str, year: int) -> int:
    check_year(session, year)
    stmt = (
        update(Sequence)
        .where(Sequence.key == key, Sequence.year == year)
        .values(last_value=Sequence.last_value + 1)
        .returning(Sequence.last_value)
    )
    value = session.execute(stmt).scalar()
    if value is None:
        session.execute(_insert_ignore(session).values(key=key, year=year, last_value=0))
        value = session.execute(stmt).scalar_one()
    return value


def next_number(session: Session, key: str, when: date | None = None) -> str:
    """Next number for a sequence declared with ``register_sequences``."""
    ext = session.ext
    spec = ext.sequences.get(key)
    if spec is None:
        raise KeyError(f"no sequence declared with key {key!r}")
    year = (when or clock.today()).year
    n = next_value(session, key, year)
    return spec.pattern.format(year=year, n=n)


def next_numbers(session: Session, key: str, count: int, when: date | None = None) -> list[str]:
    """``count`` consecutive numbers in one statement (bulk imports): the
    counter moves by ``count`` at once, so the block has no gaps either."""
    if count <= 0:
        return []
    ext = session.ext
    spec = ext.sequences.get(key)
    if spec is None:
        raise KeyError(f"no sequence declared with key {key!r}")
    year = check_year(session, (when or clock.today()).year)
    stmt = (
        update(Sequence)
        .where(Sequence.key == key, Sequence.year == year)
        .values(last_value=Sequence.last_value + count)
        .returning(Sequence.last_value)
    )
    last = session.execute(stmt).scalar()
    if last is None:
        session.execute(_insert_ignore(session).values(key=key, year=year, last_value=0))
        last = session.execute(stmt).scalar_one()
    return [spec.pattern.format(year=year, n=n) for n in range(last - count + 1, last + 1)]
