"""List filters shared by the list page and the export: search text, grade,
status, kind, region and last visit, on top of the scoped select.

The search text is looked up in the search index (``searchindex``): FTS5
trigrams on SQLite, pg_trgm trigrams and a bigram array on PostgreSQL.  The
index only narrows the customer ids; the scope and the other filters stay on
``customers_customer``.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import (Select, Text, cast, column, func, literal, literal_column, or_, select,
                        table)
from sqlalchemy.dialects.postgresql import array

from . import searchindex
from .models import Customer

_fts = table(searchindex.FTS, column("rowid"))
_vocab = table(searchindex.VOCAB, column("term"))
_SEARCHED = (Customer.name, Customer.code, Customer.phone, Customer.licence_no, Customer.tags)


def _matching_ids(query):
    """Customer ids whose indexed fields match the FTS5 ``query``."""
    return select(_fts.c.rowid).where(literal_column(searchindex.FTS).op("MATCH")(query))


def _like_pattern(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _phrase(q: str) -> str:
    return '"' + q.replace('"', '""') + '"'


def _caseless(q: str) -> bool:
    """True when no character of ``q`` has an upper or lower case (Chinese,
    digits, punctuation): then LIKE finds what ILIKE finds."""
    return q.lower() == q == q.upper()


def _sqlite_index_ids(q: str):
    """SELECT of the ids of the customers whose searched fields contain
    ``q``, from the FTS5 index; None when the index cannot answer (one
    character)."""
    if len(q) >= 3:
        return _matching_ids(_phrase(q))
    if len(q) == 2:
        # Every stored value ends with U+001F, so wherever the two
        # characters occur they begin a trigram: match any trigram of the
        # index's vocabulary (case-folded) that starts with them.
        low = q.lower()
        terms = (select(func.group_concat(
                    literal('"') + func.replace(_vocab.c.term, '"', '""') + literal('"'),
                    literal(" OR ")))
                 .where(_vocab.c.term >= low, _vocab.c.term < low + "\U0010ffff")
                 .scalar_subquery())
        return _matching_ids(func.coalesce(terms, '""'))
    return None


def _clean(q: str) -> str:
    return "".join(ch for ch in q if ch >= " ")  # the index separator never matches


def search_condition(q: str, dialect: str, many: bool = False, ordered: bool = True):
    """Customers whose name, code, phone, licence number or tags contain
    ``q`` (case-insensitive for Latin letters).

    ``many``: the caller knows the search matches many rows (the list's
    count reached its cap) and reads them in another index's order (the
    list's page, newest code first): then the database walks that index
    and tests each row (SQLite: its id against the matching set; PostgreSQL:
    LIKE/ILIKE on the columns), stopping at the page's end, instead of
    fetching and sorting every match.

    ``ordered=False``: the caller reads the matches in no order (the list's
    capped count); PostgreSQL then reads the search index directly and
    stops at the LIMIT instead of collecting every match first."""
    q = _clean(q)
    like = _like_pattern(q)
    if dialect == "sqlite":
        ids = _sqlite_index_ids(q)
        if ids is not None:
            # "+ 0" keeps SQLite from driving the query by the id list.
            return (Customer.id + 0 if many else Customer.id).in_(ids)
        # One character: no trigram holds less; SQLite's LIKE ignores ASCII
        # case already (ilike() would wrap both sides in lower()).
        return or_(*(c.like(like, escape="\\") for c in _SEARCHED))
    if dialect == "postgresql" and not many and len(q) >= 2:
        if len(q) >= 3:  # pg_trgm's GIN index
            cond = searchindex.search_text(Customer).like(_like_pattern(q.lower()), escape="\\")
        else:  # two characters: the bigram GIN index
            cond = searchindex.bigrams(Customer).op("@>")(array([cast(q.lower(), Text)]))
        if not ordered:
            return cond
        # OFFSET 0 keeps the planner from walking another index (the page's
        # code order) and calling the search function on every row it meets.
        return Customer.id.in_(select(Customer.id).where(cond).offset(0))
    # One character, or many matches read in another index's order: plain
    # LIKE/ILIKE on the columns is cheapest per row (no function call).
    # PostgreSQL's ILIKE lower-cases every value it tests (slow for
    # multibyte text); a search with no cased character ("杭州") needs none.
    if dialect == "postgresql" and _caseless(q):
        return or_(*(c.like(like, escape="\\") for c in _SEARCHED))
    return or_(*(c.ilike(like, escape="\\") for c in _SEARCHED))


LAST_VISIT_CHOICES = ("never", "7", "30", "90", "within7")


def apply_filters(stmt: Select, f: dict, today: date | None = None,
                  dialect: str = "postgresql", many: bool = False,
                  ordered: bool = True) -> Select:
    today = today or date.today()
    q = (f.get("q") or "").strip()
    if q:
        stmt = stmt.where(search_condition(q, dialect, many, ordered))
    grade = f.get("grade")
    if grade == "none":
        stmt = stmt.where(Customer.grade.is_(None))
    elif grade:
        stmt = stmt.where(Customer.grade == grade)
    if f.get("status"):
        stmt = stmt.where(Customer.status == f["status"])
    if f.get("kind"):
        stmt = stmt.where(Customer.kind == f["kind"])
    for key in ("province", "city", "county"):
        if f.get(key):
            stmt = stmt.where(getattr(Customer, key) == f[key])
    if f.get("owner_id"):
        try:
            stmt = stmt.where(Customer.owner_id == int(f["owner_id"]))
        except ValueError:
            pass
    lv = f.get("last_visit")
    if lv == "never":
        stmt = stmt.where(Customer.last_visit_on.is_(None))
    elif lv == "within7":
        stmt = stmt.where(Customer.last_visit_on >= today - timedelta(days=7))
    elif lv in ("7", "30", "90"):
        cutoff = today - timedelta(days=int(lv))
        stmt = stmt.where(or_(Customer.last_visit_on.is_(None), Customer.last_visit_on < cutoff))
    return stmt


FILTER_KEYS = ("q", "grade", "status", "kind", "province", "city", "county", "owner_id",
               "last_visit")


def count_capped(session, scoped: Select, f: dict, dialect: str, cap: int,
                 today: date | None = None) -> int:
    """How many customers of ``scoped`` (the user's scoped select) match the
    filters ``f``, counting no further than ``cap``.

    When nothing but search text narrows the list (a user who sees every
    customer, no other filter) and the search index answers it (SQLite, two
    characters or more), the index's own rows are counted: it holds exactly
    one row per customer (catch_up() on insert, triggers on update and
    delete), and looking each match up in the customers table as well was
    most of the count's time (bench case 2)."""
    q = _clean((f.get("q") or "").strip())
    only_search = (scoped.whereclause is None
                   and not any(f.get(k) for k in FILTER_KEYS if k != "q"))
    ids = _sqlite_index_ids(q) if dialect == "sqlite" and q and only_search else None
    if ids is not None:
        return session.scalar(select(func.count()).select_from(ids.limit(cap).subquery()))
    stmt = apply_filters(scoped, f, today, dialect, ordered=False)
    return session.scalar(select(func.count()).select_from(
        stmt.with_only_columns(Customer.id).order_by(None).limit(cap).subquery()))
