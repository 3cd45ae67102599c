"""List filters shared by the list page and the export: search text, grade,
status, kind, region and last visit, on top of the scoped select.

The search text is looked up in the search index (``searchindex``): FTS5
trigrams on SQLite, pg_trgm trigrams and a bigram array on PostgreSQL.  The
index only narrows the customer ids; the scope and the other filters stay on
``customers_customer``.

Each request's filters are first reduced to a *plan* (:func:`plan`): the
shape of the WHERE clause (which filters, which kind of search) and the
values for its named parameters.  :func:`conditions` writes the clause from
the shape alone, so a statement built for one shape serves every request of
that shape with its own values; the list page keeps its statements per
process (:func:`cached`) — building them cost more than running them
(bench case 2).  Statements are kept, never results.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import (Select, Text, bindparam, cast, column, func, literal, literal_column,
                        or_, select, table)
from sqlalchemy.dialects.postgresql import array

from . import searchindex
from ..models import Customer
from core import clock

_fts = table(searchindex.FTS, column("rowid"))
_vocab = table(searchindex.VOCAB, column("term"))
_SEARCHED = (Customer.name, Customer.code, Customer.phone, Customer.licence_no, Customer.tags,
             Customer.search_also)
#: Kinds of search the SQLite index answers (see _index_ids).
_INDEXED = ("fts3", "fts2")

FILTER_KEYS = ("q", "grade", "status", "kind", "province", "city", "county", "owner_id",
               "last_visit")
LAST_VISIT_CHOICES = ("never", "7", "30", "90", "within7")


def _like_pattern(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _phrase(q: str) -> str:
    return '"' + q.replace('"', '""') + '"'


def _caseless(q: str) -> bool:
    """True when no character of ``q`` has an upper or lower case (Chinese,
    digits, punctuation): then LIKE finds what ILIKE finds."""
    return q.lower() == q == q.upper()


def _clean(q: str) -> str:
    return "".join(ch for ch in q if ch >= " ")  # the index separator never matches


# -- plan: shape and values ---------------------------------------------------
def _search_plan(q: str, dialect: str, many: bool, ordered: bool, params: dict) -> tuple:
    """The kind of search for ``q`` and its parameter values (into ``params``).

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
    if dialect == "sqlite":
        if len(q) >= 3:
            params["cu_phrase"] = _phrase(q)
            return ("fts3", many)
        if len(q) == 2:
            # Every stored value ends with U+001F, so wherever the two
            # characters occur they begin a trigram: match any trigram of the
            # index's vocabulary (case-folded) that starts with them.
            params["cu_low"] = q.lower()
            params["cu_high"] = q.lower() + "\U0010ffff"
            return ("fts2", many)
        # One character: no trigram holds less; SQLite's LIKE ignores ASCII
        # case already (ilike() would wrap both sides in lower()).
        params["cu_like"] = _like_pattern(q)
        return ("like",)
    if dialect == "postgresql" and not many and len(q) >= 2:
        if len(q) >= 3:  # pg_trgm's GIN index
            params["cu_like"] = _like_pattern(q.lower())
            return ("trgm", ordered)
        params["cu_low"] = q.lower()  # two characters: the bigram GIN index
        return ("bigram", ordered)
    # One character, or many matches read in another index's order: plain
    # LIKE/ILIKE on the columns is cheapest per row (no function call).
    # PostgreSQL's ILIKE lower-cases every value it tests (slow for
    # multibyte text); a search with no cased character ("杭州") needs none.
    params["cu_like"] = _like_pattern(q)
    return ("like",) if dialect == "postgresql" and _caseless(q) else ("ilike",)


def plan(f: dict, dialect: str, many: bool = False, ordered: bool = True,
         today: date | None = None) -> tuple[tuple, dict]:
    """``(shape, params)`` of the filters ``f``: the shape says what the
    WHERE clause looks like (:func:`conditions` writes it from the shape
    alone), ``params`` holds the values of its named parameters."""
    params: dict = {}
    shape: list = [dialect]
    q = (f.get("q") or "").strip()
    if q:
        shape.append(("q", *_search_plan(q, dialect, many, ordered, params)))
    grade = f.get("grade")
    if grade == "none":
        shape.append(("grade_none",))
    elif grade:
        shape.append(("grade",))
        params["cu_grade"] = grade
    for key in ("status", "kind", "province", "city", "county"):
        if f.get(key):
            shape.append((key,))
            params[f"cu_{key}"] = f[key]
    if f.get("owner_id"):
        try:
            params["cu_owner_id"] = int(f["owner_id"])
        except ValueError:
            pass
        else:
            shape.append(("owner_id",))
    lv = f.get("last_visit")
    if lv == "never":
        shape.append(("never_visited",))
    elif lv == "within7":
        shape.append(("visited_since",))
        params["cu_visit_cutoff"] = (today or clock.today()) - timedelta(days=7)
    elif lv in ("7", "30", "90"):
        shape.append(("not_visited_since",))
        params["cu_visit_cutoff"] = (today or clock.today()) - timedelta(days=int(lv))
    return tuple(shape), params


# -- conditions: the clause of a shape ------------------------------------------
def _index_ids(kind: str):
    """SELECT of the ids of the customers whose searched fields match, from
    the SQLite FTS5 index (``kind`` "fts3": the phrase ``cu_phrase``;
    "fts2": any trigram from ``cu_low`` up to ``cu_high``)."""
    if kind == "fts3":
        query = bindparam("cu_phrase")
    else:
        terms = (select(func.group_concat(
                    literal('"') + func.replace(_vocab.c.term, '"', '""') + literal('"'),
                    literal(" OR ")))
                 .where(_vocab.c.term >= bindparam("cu_low"),
                        _vocab.c.term < bindparam("cu_high"))
                 .scalar_subquery())
        query = func.coalesce(terms, '""')
    return select(_fts.c.rowid).where(literal_column(searchindex.FTS).op("MATCH")(query))


def _search_condition(kind: str, *flags):
    like = bindparam("cu_like")
    if kind in _INDEXED:
        (many,) = flags
        # "+ 0" keeps SQLite from driving the query by the id list.
        return (Customer.id + 0 if many else Customer.id).in_(_index_ids(kind))
    if kind in ("trgm", "bigram"):
        (ordered,) = flags
        if kind == "trgm":
            cond = searchindex.search_text(Customer).like(like, escape="\\")
        else:
            cond = searchindex.bigrams(Customer).op("@>")(
                array([cast(bindparam("cu_low", type_=Text), Text)]))
        if not ordered:
            return cond
        # OFFSET 0 keeps the planner from walking another index (the page's
        # code order) and calling the search function on every row it meets.
        return Customer.id.in_(select(Customer.id).where(cond).offset(0))
    if kind == "like":
        return or_(*(c.like(like, escape="\\") for c in _SEARCHED))
    return or_(*(c.ilike(like, escape="\\") for c in _SEARCHED))


def conditions(shape: tuple) -> list:
    """The WHERE clauses of a plan's shape, with named parameters."""
    out = []
    for item in shape[1:]:
        name = item[0]
        if name == "q":
            out.append(_search_condition(*item[1:]))
        elif name == "grade_none":
            out.append(Customer.grade.is_(None))
        elif name in ("grade", "status", "kind", "province", "city", "county", "owner_id"):
            out.append(getattr(Customer, name) == bindparam(f"cu_{name}"))
        elif name == "never_visited":
            out.append(Customer.last_visit_on.is_(None))
        elif name == "visited_since":
            out.append(Customer.last_visit_on >= bindparam("cu_visit_cutoff"))
        elif name == "not_visited_since":
            out.append(or_(Customer.last_visit_on.is_(None),
                           Customer.last_visit_on < bindparam("cu_visit_cutoff")))
        else:  # pragma: no cover - plan() and conditions() disagree
            raise ValueError(f"unknown filter shape {item!r}")
    return out


def apply_filters(stmt: Select, f: dict, today: date | None = None,
                  dialect: str = "postgresql", many: bool = False,
                  ordered: bool = True) -> Select:
    """``stmt`` narrowed by the filters ``f``, the values bound (the export)."""
    shape, params = plan(f, dialect, many, ordered, today)
    stmt = stmt.where(*conditions(shape))
    return stmt.params(params) if params else stmt


# -- statements kept per process ------------------------------------------------
_STATEMENTS: dict = {}
#: Statements kept at most (per process); the lot is dropped when full.
MAX_STATEMENTS = 500


def scope_key(clause):
    """A hashable key that is equal for two scope clauses exactly when they
    are the same SQL with the same values (SQLAlchemy's cache key and the
    values of its parameters); ``()`` for no clause, None when the clause
    cannot be keyed (then nothing is kept for it)."""
    if clause is None:
        return ()
    generate = getattr(clause, "_generate_cache_key", None)  # SQLAlchemy's, 1.4+
    ck = generate() if generate is not None else None
    if ck is None:
        return None
    values = tuple(tuple(v) if isinstance(v, list) else v
                   for v in (b.effective_value for b in ck.bindparams))
    try:
        hash(values)
    except TypeError:
        return None
    return (ck.key, values)


def cached(key, build):
    """The statement kept under ``key``, built by ``build()`` the first
    time; with a None key (or one that cannot be hashed) built every time.
    A key must name everything the statement depends on: the scope
    (:func:`scope_key`), the plan's shape and any constant in it."""
    if key is None:
        return build()
    try:
        stmt = _STATEMENTS.get(key)
    except TypeError:
        return build()
    if stmt is None:
        if len(_STATEMENTS) >= MAX_STATEMENTS:
            _STATEMENTS.clear()
        stmt = _STATEMENTS[key] = build()
    return stmt


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
    shape, params = plan(f, dialect, ordered=False, today=today)
    where = scoped.whereclause
    skey = scope_key(where)

    def build():
        if where is None and len(shape) == 2 and shape[1][:2] in (("q", "fts3"), ("q", "fts2")):
            ids = _index_ids(shape[1][1])
        else:
            ids = select(Customer.id)
            if where is not None:
                ids = ids.where(where)
            ids = ids.where(*conditions(shape))
        return select(func.count()).select_from(ids.limit(cap).subquery())

    return session.scalar(cached(None if skey is None else ("count", skey, shape, cap), build),
                          params)
