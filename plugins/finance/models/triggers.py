"""Database triggers that keep the ledger append-only, whoever writes:
the ORM, a bulk ``update()``, or raw SQL in a console.

- UPDATE and DELETE of ``finance_entry``, ``finance_line`` and
  ``finance_allocation`` fail;
- a line cannot be added to an entry that already has ``line_count`` lines;
- an entry dated on or before the lock date cannot be inserted;
- the lock date cannot move back;
- every inserted line with a customer adds its debit and credit to
  ``finance_balance`` (the account's running totals per customer).

The same statements are attached to the metadata (``create_all`` in tests)
and executed by the plugin's Alembic revision.
"""
from __future__ import annotations

from sqlalchemy import DDL, event

IMMUTABLE_TABLES = ("finance_entry", "finance_line", "finance_allocation")

_SQLITE_ABORT = "BEGIN SELECT RAISE(ABORT, '{msg}'); END"
_PG_IMMUTABLE_FN = """CREATE OR REPLACE FUNCTION finance_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'finance: posted ledger rows are immutable' USING ERRCODE = '23001';
END $$"""


def _sqlite_immutable(t: str) -> list[str]:
    msg = "finance: posted ledger rows are immutable"
    return [f"CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t}\n" + _SQLITE_ABORT.format(msg=msg),
            f"CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {t}\n" + _SQLITE_ABORT.format(msg=msg)]


def _pg_immutable(t: str) -> list[str]:
    # ERRCODE 23001 (restrict_violation) makes psycopg raise IntegrityError,
    # the same class SQLite's RAISE(ABORT) gives.
    return [_PG_IMMUTABLE_FN,
            f"CREATE TRIGGER {t}_immutable BEFORE UPDATE OR DELETE ON {t}\n"
            "FOR EACH ROW EXECUTE FUNCTION finance_immutable()"]


#: The running totals per account and customer (``finance_balance``).  The
#: trigger may be created before that table: SQLite and PL/pgSQL look the
#: table up when the trigger runs.  PostgreSQL adds up a whole statement's
#: lines at once (a transition table), so a ``COPY`` of a million lines
#: costs one upsert per account and customer, in a fixed order.
SQLITE_BALANCE = """CREATE TRIGGER finance_line_balance AFTER INSERT ON finance_line
WHEN NEW.customer_id IS NOT NULL
BEGIN INSERT INTO finance_balance (account_id, customer_id, debit, credit)
VALUES (NEW.account_id, NEW.customer_id, NEW.debit, NEW.credit)
ON CONFLICT (account_id, customer_id) DO UPDATE
SET debit = debit + excluded.debit, credit = credit + excluded.credit; END"""
PG_BALANCE = (
    """CREATE OR REPLACE FUNCTION finance_line_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO finance_balance AS b (account_id, customer_id, debit, credit)
  SELECT account_id, customer_id, SUM(debit), SUM(credit) FROM new_lines
  WHERE customer_id IS NOT NULL GROUP BY account_id, customer_id
  ORDER BY account_id, customer_id
  ON CONFLICT (account_id, customer_id) DO UPDATE
  SET debit = b.debit + EXCLUDED.debit, credit = b.credit + EXCLUDED.credit;
  RETURN NULL;
END $$""",
    """CREATE TRIGGER finance_line_balance AFTER INSERT ON finance_line
REFERENCING NEW TABLE AS new_lines
FOR EACH STATEMENT EXECUTE FUNCTION finance_line_balance()""",
)
#: The totals of the lines already posted, for a database that had none.
BACKFILL = ("INSERT INTO finance_balance (account_id, customer_id, debit, credit) "
            "SELECT account_id, customer_id, SUM(debit), SUM(credit) FROM finance_line "
            "WHERE customer_id IS NOT NULL GROUP BY account_id, customer_id")


#: table -> statements, run right after that table is created.
SQLITE: dict[str, list[str]] = {
    "finance_ledger_state": [
        """CREATE TRIGGER finance_lock_date_forward BEFORE UPDATE OF lock_date ON finance_ledger_state
WHEN OLD.lock_date IS NOT NULL AND (NEW.lock_date IS NULL OR NEW.lock_date < OLD.lock_date)
BEGIN SELECT RAISE(ABORT, 'finance: the lock date only moves forward'); END""",
    ],
    "finance_entry": _sqlite_immutable("finance_entry") + [
        """CREATE TRIGGER finance_entry_lock_date BEFORE INSERT ON finance_entry
WHEN NEW.date <= (SELECT lock_date FROM finance_ledger_state WHERE id = 1)
BEGIN SELECT RAISE(ABORT, 'finance: the period is locked'); END""",
    ],
    "finance_line": _sqlite_immutable("finance_line") + [
        """CREATE TRIGGER finance_line_sealed BEFORE INSERT ON finance_line
WHEN (SELECT COUNT(*) FROM finance_line WHERE entry_id = NEW.entry_id)
     >= (SELECT line_count FROM finance_entry WHERE id = NEW.entry_id)
BEGIN SELECT RAISE(ABORT, 'finance: the entry is complete'); END""",
        SQLITE_BALANCE,
    ],
    "finance_allocation": _sqlite_immutable("finance_allocation"),
}

POSTGRESQL: dict[str, list[str]] = {
    "finance_ledger_state": [
        """CREATE OR REPLACE FUNCTION finance_lock_date_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.lock_date IS NOT NULL AND (NEW.lock_date IS NULL OR NEW.lock_date < OLD.lock_date) THEN
    RAISE EXCEPTION 'finance: the lock date only moves forward' USING ERRCODE = '23001';
  END IF;
  RETURN NEW;
END $$""",
        """CREATE TRIGGER finance_lock_date_forward BEFORE UPDATE OF lock_date ON finance_ledger_state
FOR EACH ROW EXECUTE FUNCTION finance_lock_date_forward()""",
    ],
    "finance_entry": _pg_immutable("finance_entry") + [
        """CREATE OR REPLACE FUNCTION finance_entry_lock_date() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.date <= (SELECT lock_date FROM finance_ledger_state WHERE id = 1) THEN
    RAISE EXCEPTION 'finance: the period is locked' USING ERRCODE = '23001';
  END IF;
  RETURN NEW;
END $$""",
        """CREATE TRIGGER finance_entry_lock_date BEFORE INSERT ON finance_entry
FOR EACH ROW EXECUTE FUNCTION finance_entry_lock_date()""",
    ],
    "finance_line": _pg_immutable("finance_line") + [
        """CREATE OR REPLACE FUNCTION finance_line_sealed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT COUNT(*) FROM finance_line WHERE entry_id = NEW.entry_id)
     >= (SELECT line_count FROM finance_entry WHERE id = NEW.entry_id) THEN
    RAISE EXCEPTION 'finance: the entry is complete' USING ERRCODE = '23001';
  END IF;
  RETURN NEW;
END $$""",
        """CREATE TRIGGER finance_line_sealed BEFORE INSERT ON finance_line
FOR EACH ROW EXECUTE FUNCTION finance_line_sealed()""",
        *PG_BALANCE,
    ],
    "finance_allocation": _pg_immutable("finance_allocation"),
}


def statements(dialect: str) -> list[str]:
    """Every CREATE statement for ``dialect``, in a safe order."""
    by_table = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(dialect, {})
    return [sql for stmts in by_table.values() for sql in stmts]


def attach(tables: dict) -> None:
    """Run each table's statements right after ``create_all`` creates it."""
    for dialect, by_table in (("sqlite", SQLITE), ("postgresql", POSTGRESQL)):
        for name, stmts in by_table.items():
            for sql in stmts:
                # DDL() formats with %; the statements contain no % signs.
                event.listen(tables[name], "after_create", DDL(sql).execute_if(dialect=dialect))
