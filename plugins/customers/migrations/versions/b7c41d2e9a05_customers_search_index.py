"""customers search index: FTS5 trigram table (SQLite), pg_trgm and bigram GIN (PostgreSQL)

Revision ID: b7c41d2e9a05
Revises: 9e8e64114989
Create Date: 2026-11-23 07:15:00

The DDL is copied here (not imported from plugins.customers.services.searchindex) so
that this revision keeps building what it built when the module changes.
"""
from alembic import op


revision = 'b7c41d2e9a05'
down_revision = '9e8e64114989'
branch_labels = None
depends_on = None

FIELDS = "name, code, phone, licence_no, tags"


def _values(prefix: str) -> str:
    return ", ".join(f"coalesce({prefix}.{f}, '') || char(31)" for f in FIELDS.split(", "))


INDEXED = "EXISTS (SELECT 1 FROM fts_customers_docsize WHERE id = old.id)"
DELETE_OLD = (f"INSERT INTO fts_customers(fts_customers, rowid, {FIELDS}) "
              f"VALUES ('delete', old.id, {_values('old')});")
SQLITE_UP = (
    f"CREATE VIRTUAL TABLE fts_customers USING fts5({FIELDS}, tokenize='trigram', content='')",
    "CREATE VIRTUAL TABLE fts_customers_vocab USING fts5vocab(fts_customers, 'row')",
    f"INSERT INTO fts_customers(rowid, {FIELDS}) SELECT id, {_values('c')} "
    "FROM customers_customer AS c",
    # No AFTER INSERT trigger: FTS5 would flush once per row under a row-by-row
    # executemany; the platform indexes new customers itself (searchindex.py).
    f"CREATE TRIGGER fts_customers_ad AFTER DELETE ON customers_customer WHEN {INDEXED} "
    f"BEGIN {DELETE_OLD} END",
    f"CREATE TRIGGER fts_customers_au AFTER UPDATE OF id, {FIELDS} ON customers_customer "
    f"WHEN {INDEXED} BEGIN {DELETE_OLD} "
    f"INSERT INTO fts_customers(rowid, {FIELDS}) VALUES (new.id, {_values('new')}); END",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS fts_customers_au",
    "DROP TRIGGER IF EXISTS fts_customers_ad",
    "DROP TABLE IF EXISTS fts_customers_vocab",
    "DROP TABLE IF EXISTS fts_customers",
)
PG_UP = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public",
    "CREATE OR REPLACE FUNCTION customers_search_text("
    "name text, code text, phone text, licence_no text, tags text) "
    "RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
    "$$ SELECT lower(concat_ws(chr(31), name, code, phone, licence_no, tags)) $$",
    # The operator class named with the extension's schema, wherever it is.
    "DO $$ DECLARE s text; BEGIN "
    "SELECT n.nspname INTO s FROM pg_extension e "
    "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'; "
    "EXECUTE format('CREATE INDEX ix_customers_customer_search_trgm ON customers_customer "
    "USING gin (customers_search_text(name, code, phone, licence_no, tags) %I.gin_trgm_ops)', s); "
    "END $$",
    # Two characters ("杭州") hold no trigram: their own GIN index.
    "CREATE OR REPLACE FUNCTION customers_bigrams(t text) RETURNS text[] "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS "
    "$$ SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}') "
    "FROM generate_series(1, length(t) - 1) AS i $$",
    "CREATE INDEX ix_customers_customer_search_bigram ON customers_customer USING gin "
    "(customers_bigrams(customers_search_text(name, code, phone, licence_no, tags)))",
)
PG_DOWN = (
    "DROP INDEX IF EXISTS ix_customers_customer_search_bigram",
    "DROP FUNCTION IF EXISTS customers_bigrams(text)",
    "DROP INDEX IF EXISTS ix_customers_customer_search_trgm",
    "DROP FUNCTION IF EXISTS customers_search_text(text, text, text, text, text)",
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for stmt in SQLITE_UP if dialect == "sqlite" else PG_UP if dialect == "postgresql" else ():
        op.execute(stmt)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for stmt in SQLITE_DOWN if dialect == "sqlite" else PG_DOWN if dialect == "postgresql" else ():
        op.execute(stmt)
