"""The search index behind the customer list's search box.

The box searches name, code, phone, licence number, tags and ``search_also``
(legal person, contacts, pinyin initials: ``searchwords``) for a substring
(bench case 2: "杭州" among 100k customers).  A ``LIKE '%…%'`` over five
columns cannot use a B-tree, so:

* **SQLite**: a contentless FTS5 table with the ``trigram`` tokenizer,
  ``fts_customers`` (rowid = customer id, one column per searched field).
  Triggers keep it in step when any writer updates or deletes a customer.
  New customers are added by ``catch_up()`` — every customer whose id is past
  the highest indexed one, in one statement — which the ORM's insert event,
  the import and the bench generator call.  Not an ``AFTER INSERT`` trigger:
  FTS5 flushes its pending rows at every statement savepoint, so with a
  trigger a row-by-row ``executemany`` into the customers table (whose
  unique keys give each statement a savepoint) flushed once per row and
  grew quadratic (40,000 rows: 65 s against 0.4 s without).  A script that
  inserts customers with raw SQL calls ``catch_up()`` after, or runs
  ``qudao customers reindex``.
  Each value is stored with a trailing U+001F so that a two-character
  string is the start of at least one trigram wherever it occurs;
  ``fts_customers_vocab`` (fts5vocab) lists the trigrams, and a
  two-character search becomes an ``OR`` of the trigrams that start with it.
* **PostgreSQL**: a ``pg_trgm`` GIN index on ``customers_search_text(…)``,
  the lower-cased searched fields joined by U+001F, and a GIN index on
  ``customers_bigrams(…)`` of it (its distinct two-character substrings).

Both answer searches of two characters or more from an index; one
character is a ``LIKE`` scan (the
list's page stops after 51 rows and its count after 1,001).

The DDL lives here for the metadata events (``create_all`` in tests and the
bench generator); the migration carries its own copy.
"""
from __future__ import annotations

from sqlalchemy import DDL, event, func

# Outside the ``customers_`` prefix on purpose: the autogenerate comparison
# (core.migrate.pending_changes) compares every ``customers_*`` table with the
# models, and an FTS5 virtual table and its shadow tables cannot be described
# by SQLAlchemy metadata.
FTS = "fts_customers"
VOCAB = "fts_customers_vocab"
SEP = "\x1f"
FIELDS = ("name", "code", "phone", "licence_no", "tags", "search_also")


def _values(prefix: str) -> str:
    return ", ".join(f"coalesce({prefix}.{f}, '') || char(31)" for f in FIELDS)


# Contentless (content=''): the index keeps no copy of the values (the
# search only needs rowids), which makes indexing a third cheaper.  A row
# leaves the index by FTS5's 'delete' command with the values it was indexed
# with — the same expression over old.* — and only if it is indexed at all
# (``_docsize`` holds one row per indexed customer): a customer inserted
# with raw SQL and not caught up yet is left to catch_up().
_INDEXED = f"EXISTS (SELECT 1 FROM {FTS}_docsize WHERE id = old.id)"
_DELETE_OLD = (f"INSERT INTO {FTS}({FTS}, rowid, {', '.join(FIELDS)}) "
               f"VALUES ('delete', old.id, {_values('old')});")
SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5({', '.join(FIELDS)}, "
    "tokenize='trigram', content='')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB} USING fts5vocab({FTS}, 'row')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_ad AFTER DELETE ON customers_customer "
    f"WHEN {_INDEXED} BEGIN {_DELETE_OLD} END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_au AFTER UPDATE OF id, {', '.join(FIELDS)} "
    f"ON customers_customer WHEN {_INDEXED} BEGIN {_DELETE_OLD} "
    f"INSERT INTO {FTS}(rowid, {', '.join(FIELDS)}) VALUES (new.id, {_values('new')}); END",
)
#: Index every customer past the highest indexed id (``_docsize``'s primary
#: key answers that).
SQLITE_CATCH_UP = (f"INSERT INTO {FTS}(rowid, {', '.join(FIELDS)}) "
                   f"SELECT id, {_values('c')} FROM customers_customer AS c "
                   f"WHERE c.id > (SELECT coalesce(max(id), 0) FROM {FTS}_docsize)")
SQLITE_REBUILD = (f"INSERT INTO {FTS}({FTS}) VALUES ('delete-all')", SQLITE_CATCH_UP)
SQLITE_DROP = (
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TABLE IF EXISTS {VOCAB}",
    f"DROP TABLE IF EXISTS {FTS}",
)


#: For a bulk catch-up: a 32 MB pending-terms hash (FTS5's default 1 MB
#: flushes a segment every few thousand customers) and no merging while it
#: runs — twice as fast for 100,000 customers; the defaults come back after.
_BULK_ON = (f"INSERT INTO {FTS}({FTS}, rank) VALUES ('hashsize', 33554432)",
            f"INSERT INTO {FTS}({FTS}, rank) VALUES ('automerge', 0)")
_BULK_OFF = (f"INSERT INTO {FTS}({FTS}, rank) VALUES ('automerge', 4)",
             f"INSERT INTO {FTS}({FTS}, rank) VALUES ('hashsize', 1048576)")


def catch_up(conn, bulk: bool = False) -> None:
    """Index the customers inserted since the last call (SQLite; on
    PostgreSQL the GIN indexes follow every insert by themselves).
    ``bulk``: many customers at once (an import, the bench generator)."""
    if conn.dialect.name != "sqlite":
        return
    for stmt in (*_BULK_ON, SQLITE_CATCH_UP, *_BULK_OFF) if bulk else (SQLITE_CATCH_UP,):
        conn.exec_driver_sql(stmt)


def rebuild(conn) -> None:
    """Index every customer afresh (``qudao customers reindex``)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(SQLITE_REBUILD[0])
        catch_up(conn, bulk=True)
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"REINDEX INDEX {PG_INDEX}")
        conn.exec_driver_sql(f"REINDEX INDEX {PG_BIGRAM_INDEX}")


# concat_ws keeps the function from being inlined, so the index expression
# and the query's read the same on both sides of the autogenerate comparison.
PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION customers_search_text("
    "name text, code text, phone text, licence_no text, tags text, search_also text) "
    "RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
    "$$ SELECT lower(concat_ws(chr(31), name, code, phone, licence_no, tags, search_also)) $$"
)
# pg_trgm extracts no trigram from two characters ("杭州"): a second GIN
# index holds each customer's distinct two-character substrings.
PG_BIGRAMS = (
    "CREATE OR REPLACE FUNCTION customers_bigrams(t text) RETURNS text[] "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS "
    "$$ SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}') "
    "FROM generate_series(1, length(t) - 1) AS i $$"
)
PG_BEFORE = ("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public", PG_FUNCTION, PG_BIGRAMS)
PG_BIGRAM_INDEX = "ix_customers_customer_search_bigram"
PG_INDEX = "ix_customers_customer_search_trgm"
# The operator class is named with the extension's schema, wherever it was
# installed, so the index builds whatever the connection's search_path (the
# test suite gives each worker a schema of its own).
PG_AFTER = (
    "DO $$ DECLARE s text; BEGIN "
    "SELECT n.nspname INTO s FROM pg_extension e "
    "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'; "
    f"EXECUTE format('CREATE INDEX IF NOT EXISTS {PG_INDEX} ON customers_customer USING gin "
    "(customers_search_text(name, code, phone, licence_no, tags, search_also) %%I.gin_trgm_ops)', s); "
    "END $$",
    f"CREATE INDEX IF NOT EXISTS {PG_BIGRAM_INDEX} ON customers_customer USING gin "
    "(customers_bigrams(customers_search_text(name, code, phone, licence_no, tags, "
    "search_also)))",
)


def search_text(cols):
    """The PostgreSQL index expression over the Customer columns."""
    return func.customers_search_text(*(getattr(cols, f) for f in FIELDS))


def bigrams(cols):
    return func.customers_bigrams(search_text(cols))


def install_events(table) -> None:
    """Create the dialect's search objects whenever ``create_all`` creates
    the customers table (tests, bench generator)."""
    for stmt in PG_BEFORE:
        event.listen(table, "before_create", DDL(stmt).execute_if(dialect="postgresql"))
    for stmt in PG_AFTER:
        event.listen(table, "after_create", DDL(stmt).execute_if(dialect="postgresql"))
    for stmt in SQLITE_DDL:
        event.listen(table, "after_create", DDL(stmt).execute_if(dialect="sqlite"))
    for stmt in SQLITE_DROP:
        event.listen(table, "before_drop", DDL(stmt).execute_if(dialect="sqlite"))


def install_orm_events(mapped) -> None:
    """New customers made through the ORM are indexed as they are flushed."""
    event.listen(mapped, "after_insert", lambda _mapper, conn, _obj: catch_up(conn))
