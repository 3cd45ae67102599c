"""running balances: finance_balance holds each account's debit and credit
totals per customer, kept by an insert trigger on finance_line, and filled
from the lines already posted (aged receivables read a customer's 2203
balance from one row instead of the account's whole history); the lines
by account and date carry customer, debit and credit in their index

Revision ID: 5d8c1b7e2f90
Revises: 9e47226719d7
Create Date: 2026-11-23 18:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '5d8c1b7e2f90'
down_revision = '9e47226719d7'
branch_labels = None
depends_on = None


# plugins/finance/triggers.py as of this revision.
TRIGGER_SQLITE = [
    "CREATE TRIGGER finance_line_balance AFTER INSERT ON finance_line\nWHEN NEW.customer_id IS NOT NULL\nBEGIN INSERT INTO finance_balance (account_id, customer_id, debit, credit)\nVALUES (NEW.account_id, NEW.customer_id, NEW.debit, NEW.credit)\nON CONFLICT (account_id, customer_id) DO UPDATE\nSET debit = debit + excluded.debit, credit = credit + excluded.credit; END",
]
TRIGGER_POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION finance_line_balance() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  INSERT INTO finance_balance AS b (account_id, customer_id, debit, credit)\n  SELECT account_id, customer_id, SUM(debit), SUM(credit) FROM new_lines\n  WHERE customer_id IS NOT NULL GROUP BY account_id, customer_id\n  ORDER BY account_id, customer_id\n  ON CONFLICT (account_id, customer_id) DO UPDATE\n  SET debit = b.debit + EXCLUDED.debit, credit = b.credit + EXCLUDED.credit;\n  RETURN NULL;\nEND $$",
    "CREATE TRIGGER finance_line_balance AFTER INSERT ON finance_line\nREFERENCING NEW TABLE AS new_lines\nFOR EACH STATEMENT EXECUTE FUNCTION finance_line_balance()",
]
BACKFILL = ("INSERT INTO finance_balance (account_id, customer_id, debit, credit) "
            "SELECT account_id, customer_id, SUM(debit), SUM(credit) FROM finance_line "
            "WHERE customer_id IS NOT NULL GROUP BY account_id, customer_id")


def upgrade() -> None:
    op.create_table('finance_balance',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('debit', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('credit', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['finance_account.id'], name=op.f('fk_finance_balance_account_id_finance_account')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers_customer.id'], name=op.f('fk_finance_balance_customer_id_customers_customer')),
    sa.PrimaryKeyConstraint('account_id', 'customer_id', name=op.f('pk_finance_balance'))
    )
    # The lines after a date, per account, with customer, debit and credit
    # (read from the index alone); the (account, customer, date) index that
    # aging scanned before has no reader left.
    op.drop_index('ix_finance_line_account_customer_date', table_name='finance_line')
    op.drop_index('ix_finance_line_account_date', table_name='finance_line')
    op.create_index('ix_finance_line_account_date', 'finance_line',
                    ['account_id', 'date', 'customer_id', 'debit', 'credit'], unique=False)
    # Filled and armed in the same transaction, so no line is counted twice
    # or missed (PostgreSQL: the table lock keeps other writers out until then).
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("LOCK TABLE finance_line IN SHARE ROW EXCLUSIVE MODE")
    op.execute(BACKFILL)
    for sql in {"sqlite": TRIGGER_SQLITE, "postgresql": TRIGGER_POSTGRESQL}.get(dialect, []):
        op.execute(sql)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS finance_line_balance"
               + (" ON finance_line" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS finance_line_balance()")
    op.drop_table('finance_balance')
    op.drop_index('ix_finance_line_account_date', table_name='finance_line')
    op.create_index('ix_finance_line_account_date', 'finance_line', ['account_id', 'date'],
                    unique=False)
    op.create_index('ix_finance_line_account_customer_date', 'finance_line',
                    ['account_id', 'customer_id', 'date', 'debit', 'credit'], unique=False)
