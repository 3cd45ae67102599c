"""customers search also by legal person, contacts and pinyin initials (issue 21 #6)

Revision ID: c3a9f1d27e64
Revises: dd7e276428b5
Create Date: 2026-12-06 23:05:00

Adds ``customers_customer.search_also`` (the legal person, the contacts'
names and phones, the pinyin initials of the names), fills it, and rebuilds
the search index with it as a sixth column.  The DDL is copied here, as in
b7c41d2e9a05, so that this revision keeps building what it built.
"""
import sqlalchemy as sa
from alembic import op
from pypinyin import Style, lazy_pinyin

revision = 'c3a9f1d27e64'
down_revision = 'dd7e276428b5'
branch_labels = None
depends_on = None

OLD = "name, code, phone, licence_no, tags"
NEW = "name, code, phone, licence_no, tags, search_also"
SEP = "\x1f"


def _values(prefix: str, fields: str) -> str:
    return ", ".join(f"coalesce({prefix}.{f}, '') || char(31)" for f in fields.split(", "))


def _sqlite(fields: str) -> tuple:
    indexed = "EXISTS (SELECT 1 FROM fts_customers_docsize WHERE id = old.id)"
    delete_old = (f"INSERT INTO fts_customers(fts_customers, rowid, {fields}) "
                  f"VALUES ('delete', old.id, {_values('old', fields)});")
    return (
        "DROP TRIGGER IF EXISTS fts_customers_au",
        "DROP TRIGGER IF EXISTS fts_customers_ad",
        "DROP TABLE IF EXISTS fts_customers_vocab",
        "DROP TABLE IF EXISTS fts_customers",
        f"CREATE VIRTUAL TABLE fts_customers USING fts5({fields}, tokenize='trigram', content='')",
        "CREATE VIRTUAL TABLE fts_customers_vocab USING fts5vocab(fts_customers, 'row')",
        f"INSERT INTO fts_customers(rowid, {fields}) SELECT id, {_values('c', fields)} "
        "FROM customers_customer AS c",
        f"CREATE TRIGGER fts_customers_ad AFTER DELETE ON customers_customer WHEN {indexed} "
        f"BEGIN {delete_old} END",
        f"CREATE TRIGGER fts_customers_au AFTER UPDATE OF id, {fields} ON customers_customer "
        f"WHEN {indexed} BEGIN {delete_old} "
        f"INSERT INTO fts_customers(rowid, {fields}) VALUES (new.id, {_values('new', fields)}); END",
    )


def _pg(fields: str) -> tuple:
    args = ", ".join(f"{f} text" for f in fields.split(", "))
    types = ", ".join("text" for _f in fields.split(", "))
    return (
        "DROP INDEX IF EXISTS ix_customers_customer_search_bigram",
        "DROP INDEX IF EXISTS ix_customers_customer_search_trgm",
        "DROP FUNCTION IF EXISTS customers_search_text(text, text, text, text, text)",
        "DROP FUNCTION IF EXISTS customers_search_text(text, text, text, text, text, text)",
        f"CREATE OR REPLACE FUNCTION customers_search_text({args}) "
        "RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
        f"$$ SELECT lower(concat_ws(chr(31), {fields})) $$",
        "DO $$ DECLARE s text; BEGIN "
        "SELECT n.nspname INTO s FROM pg_extension e "
        "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'; "
        "EXECUTE format('CREATE INDEX ix_customers_customer_search_trgm ON customers_customer "
        f"USING gin (customers_search_text({fields}) %I.gin_trgm_ops)', s); "
        "END $$",
        "CREATE INDEX ix_customers_customer_search_bigram ON customers_customer USING gin "
        f"(customers_bigrams(customers_search_text({fields})))",
    ) if types else ()


def _initials(text):
    if not text:
        return ""
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")).lower()


def _fill(bind) -> None:
    contacts: dict = {}
    for cid, name, phone in bind.execute(sa.text(
            "SELECT customer_id, name, phone FROM customers_contact ORDER BY id")):
        contacts.setdefault(cid, []).append((name, phone))
    rows = []
    for cid, name, legal in bind.execute(sa.text(
            "SELECT id, name, legal_person FROM customers_customer")):
        parts = [legal or "", _initials(name), _initials(legal)]
        for cname, phone in contacts.get(cid, []):
            parts += [cname or "", phone or "", _initials(cname)]
        rows.append({"i": cid, "v": SEP.join(p for p in parts if p)})
    for i in range(0, len(rows), 1000):
        bind.execute(sa.text("UPDATE customers_customer SET search_also = :v WHERE id = :i"),
                     rows[i:i + 1000])


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("customers_customer") as batch:
        batch.add_column(sa.Column("search_also", sa.Text(), nullable=False, server_default=""))
    dialect = bind.dialect.name
    if dialect == "sqlite":  # the old triggers would fire on every filled row
        for stmt in _sqlite(NEW)[:4]:
            op.execute(stmt)
    _fill(bind)
    for stmt in _sqlite(NEW) if dialect == "sqlite" else _pg(NEW) if dialect == "postgresql" else ():
        op.execute(stmt)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for stmt in _sqlite(OLD) if dialect == "sqlite" else _pg(OLD) if dialect == "postgresql" else ():
        op.execute(stmt)
    with op.batch_alter_table("customers_customer") as batch:
        batch.drop_column("search_also")
