"""finance tables

Revision ID: 0b2add2aa839
Revises: 
Create Date: 2026-11-23 04:37:45.846955
"""
from alembic import op
import sqlalchemy as sa


revision = '0b2add2aa839'
down_revision = None
branch_labels = ('finance',)
depends_on = ['9e8e64114989', 'a89294736a3e']


# Ledger guards (plugins/finance/triggers.py, copied here as of this
# revision): posted entries, lines and allocations are append-only, a
# complete entry takes no extra line, nothing posts on or before the lock
# date, and the lock date only moves forward.
TRIGGERS_SQLITE = [
    "CREATE TRIGGER finance_lock_date_forward BEFORE UPDATE OF lock_date ON finance_ledger_state\nWHEN OLD.lock_date IS NOT NULL AND (NEW.lock_date IS NULL OR NEW.lock_date < OLD.lock_date)\nBEGIN SELECT RAISE(ABORT, 'finance: the lock date only moves forward'); END",
    "CREATE TRIGGER finance_entry_no_update BEFORE UPDATE ON finance_entry\nBEGIN SELECT RAISE(ABORT, 'finance: posted ledger rows are immutable'); END",
    "CREATE TRIGGER finance_entry_no_delete BEFORE DELETE ON finance_entry\nBEGIN SELECT RAISE(ABORT, 'finance: posted ledger rows are immutable'); END",
    "CREATE TRIGGER finance_entry_lock_date BEFORE INSERT ON finance_entry\nWHEN NEW.date <= (SELECT lock_date FROM finance_ledger_state WHERE id = 1)\nBEGIN SELECT RAISE(ABORT, 'finance: the period is locked'); END",
    "CREATE TRIGGER finance_line_no_update BEFORE UPDATE ON finance_line\nBEGIN SELECT RAISE(ABORT, 'finance: posted ledger rows are immutable'); END",
    "CREATE TRIGGER finance_line_no_delete BEFORE DELETE ON finance_line\nBEGIN SELECT RAISE(ABORT, 'finance: posted ledger rows are immutable'); END",
    "CREATE TRIGGER finance_line_sealed BEFORE INSERT ON finance_line\nWHEN (SELECT COUNT(*) FROM finance_line WHERE entry_id = NEW.entry_id)\n     >= (SELECT line_count FROM finance_entry WHERE id = NEW.entry_id)\nBEGIN SELECT RAISE(ABORT, 'finance: the entry is complete'); END",
    "CREATE TRIGGER finance_allocation_no_update BEFORE UPDATE ON finance_allocation\nBEGIN SELECT RAISE(ABORT, 'finance: posted ledger rows are immutable'); END",
    "CREATE TRIGGER finance_allocation_no_delete BEFORE DELETE ON finance_allocation\nBEGIN SELECT RAISE(ABORT, 'finance: posted ledger rows are immutable'); END",
]

TRIGGERS_POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION finance_lock_date_forward() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF OLD.lock_date IS NOT NULL AND (NEW.lock_date IS NULL OR NEW.lock_date < OLD.lock_date) THEN\n    RAISE EXCEPTION 'finance: the lock date only moves forward' USING ERRCODE = '23001';\n  END IF;\n  RETURN NEW;\nEND $$",
    'CREATE TRIGGER finance_lock_date_forward BEFORE UPDATE OF lock_date ON finance_ledger_state\nFOR EACH ROW EXECUTE FUNCTION finance_lock_date_forward()',
    "CREATE OR REPLACE FUNCTION finance_immutable() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  RAISE EXCEPTION 'finance: posted ledger rows are immutable' USING ERRCODE = '23001';\nEND $$",
    'CREATE TRIGGER finance_entry_immutable BEFORE UPDATE OR DELETE ON finance_entry\nFOR EACH ROW EXECUTE FUNCTION finance_immutable()',
    "CREATE OR REPLACE FUNCTION finance_entry_lock_date() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF NEW.date <= (SELECT lock_date FROM finance_ledger_state WHERE id = 1) THEN\n    RAISE EXCEPTION 'finance: the period is locked' USING ERRCODE = '23001';\n  END IF;\n  RETURN NEW;\nEND $$",
    'CREATE TRIGGER finance_entry_lock_date BEFORE INSERT ON finance_entry\nFOR EACH ROW EXECUTE FUNCTION finance_entry_lock_date()',
    "CREATE OR REPLACE FUNCTION finance_immutable() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  RAISE EXCEPTION 'finance: posted ledger rows are immutable' USING ERRCODE = '23001';\nEND $$",
    'CREATE TRIGGER finance_line_immutable BEFORE UPDATE OR DELETE ON finance_line\nFOR EACH ROW EXECUTE FUNCTION finance_immutable()',
    "CREATE OR REPLACE FUNCTION finance_line_sealed() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF (SELECT COUNT(*) FROM finance_line WHERE entry_id = NEW.entry_id)\n     >= (SELECT line_count FROM finance_entry WHERE id = NEW.entry_id) THEN\n    RAISE EXCEPTION 'finance: the entry is complete' USING ERRCODE = '23001';\n  END IF;\n  RETURN NEW;\nEND $$",
    'CREATE TRIGGER finance_line_sealed BEFORE INSERT ON finance_line\nFOR EACH ROW EXECUTE FUNCTION finance_line_sealed()',
    "CREATE OR REPLACE FUNCTION finance_immutable() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  RAISE EXCEPTION 'finance: posted ledger rows are immutable' USING ERRCODE = '23001';\nEND $$",
    'CREATE TRIGGER finance_allocation_immutable BEFORE UPDATE OR DELETE ON finance_allocation\nFOR EACH ROW EXECUTE FUNCTION finance_immutable()',
]

DROP_POSTGRESQL_FUNCTIONS = [
    "DROP FUNCTION IF EXISTS finance_immutable()",
    "DROP FUNCTION IF EXISTS finance_line_sealed()",
    "DROP FUNCTION IF EXISTS finance_entry_lock_date()",
    "DROP FUNCTION IF EXISTS finance_lock_date_forward()",
]


def _triggers() -> list[str]:
    dialect = op.get_bind().dialect.name
    return {"sqlite": TRIGGERS_SQLITE, "postgresql": TRIGGERS_POSTGRESQL}.get(dialect, [])


def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('finance_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('builtin', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_account')),
    sa.UniqueConstraint('code', name=op.f('uq_finance_account_code'))
    )
    op.create_table('finance_journal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_journal')),
    sa.UniqueConstraint('code', name=op.f('uq_finance_journal_code'))
    )
    op.create_table('finance_budget',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_finance_budget_amount_not_negative')),
    sa.CheckConstraint('month >= 1 AND month <= 12', name=op.f('ck_finance_budget_month_range')),
    sa.ForeignKeyConstraint(['account_id'], ['finance_account.id'], name=op.f('fk_finance_budget_account_id_finance_account')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['core_org_unit.id'], name=op.f('fk_finance_budget_org_unit_id_core_org_unit')),
    sa.ForeignKeyConstraint(['owner_id'], ['core_user.id'], name=op.f('fk_finance_budget_owner_id_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_budget'))
    )
    with op.batch_alter_table('finance_budget', schema=None) as batch_op:
        batch_op.create_index('ix_finance_budget_key', ['org_unit_id', 'owner_id', 'year', 'month', 'kind', 'account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_budget_org_unit_id'), ['org_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_budget_owner_id'), ['owner_id'], unique=False)

    op.create_table('finance_ledger_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lock_date', sa.Date(), nullable=True),
    sa.Column('chain_seq', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.Column('lock_moved_by', sa.Integer(), nullable=True),
    sa.Column('lock_moved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['lock_moved_by'], ['core_user.id'], name=op.f('fk_finance_ledger_state_lock_moved_by_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_ledger_state'))
    )
    op.create_table('finance_credit_commitment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=80), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('amount > 0', name=op.f('ck_finance_credit_commitment_amount_positive')),
    sa.ForeignKeyConstraint(['created_by'], ['core_user.id'], name=op.f('fk_finance_credit_commitment_created_by_core_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers_customer.id'], name=op.f('fk_finance_credit_commitment_customer_id_customers_customer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_credit_commitment')),
    sa.UniqueConstraint('source', name=op.f('uq_finance_credit_commitment_source'))
    )
    with op.batch_alter_table('finance_credit_commitment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finance_credit_commitment_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_credit_commitment_state'), ['state'], unique=False)

    op.create_table('finance_credit_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('source', sa.String(length=80), nullable=True),
    sa.Column('blocks', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers_customer.id'], name=op.f('fk_finance_credit_override_customer_id_customers_customer')),
    sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], name=op.f('fk_finance_credit_override_user_id_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_credit_override'))
    )
    with op.batch_alter_table('finance_credit_override', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finance_credit_override_customer_id'), ['customer_id'], unique=False)

    op.create_table('finance_credit_profile',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('credit_limit', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('terms', sa.String(length=12), nullable=False),
    sa.Column('term_days', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('checks', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('credit_limit >= 0', name=op.f('ck_finance_credit_profile_limit_not_negative')),
    sa.CheckConstraint('term_days >= 0', name=op.f('ck_finance_credit_profile_term_days_not_negative')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers_customer.id'], name=op.f('fk_finance_credit_profile_customer_id_customers_customer')),
    sa.ForeignKeyConstraint(['updated_by'], ['core_user.id'], name=op.f('fk_finance_credit_profile_updated_by_core_user')),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_finance_credit_profile'))
    )
    op.create_table('finance_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('journal_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('memo', sa.String(length=255), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('salesperson_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=80), nullable=True),
    sa.Column('reversal_of_id', sa.Integer(), nullable=True),
    sa.Column('total', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.Column('chain_seq', sa.Integer(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('posted_at', sa.DateTime(), nullable=False),
    sa.Column('posted_by', sa.Integer(), nullable=True),
    sa.CheckConstraint('line_count >= 2', name=op.f('ck_finance_entry_two_lines')),
    sa.CheckConstraint('total > 0', name=op.f('ck_finance_entry_total_positive')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers_customer.id'], name=op.f('fk_finance_entry_customer_id_customers_customer')),
    sa.ForeignKeyConstraint(['journal_id'], ['finance_journal.id'], name=op.f('fk_finance_entry_journal_id_finance_journal')),
    sa.ForeignKeyConstraint(['posted_by'], ['core_user.id'], name=op.f('fk_finance_entry_posted_by_core_user')),
    sa.ForeignKeyConstraint(['reversal_of_id'], ['finance_entry.id'], name=op.f('fk_finance_entry_reversal_of_id_finance_entry')),
    sa.ForeignKeyConstraint(['salesperson_id'], ['core_user.id'], name=op.f('fk_finance_entry_salesperson_id_core_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['core_org_unit.id'], name=op.f('fk_finance_entry_unit_id_core_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_entry')),
    sa.UniqueConstraint('chain_seq', name=op.f('uq_finance_entry_chain_seq')),
    sa.UniqueConstraint('journal_id', 'year', 'seq', name='journal_year_seq'),
    sa.UniqueConstraint('number', name=op.f('uq_finance_entry_number')),
    sa.UniqueConstraint('reversal_of_id', name=op.f('uq_finance_entry_reversal_of_id'))
    )
    with op.batch_alter_table('finance_entry', schema=None) as batch_op:
        batch_op.create_index('ix_finance_entry_customer_date', ['customer_id', 'date'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_entry_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_entry_source'), ['source'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_entry_unit_id'), ['unit_id'], unique=False)

    op.create_table('finance_statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('opening', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('debit', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('credit', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('closing', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('movements', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('issued_by', sa.Integer(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('answer', sa.String(length=10), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('answer_note', sa.Text(), nullable=True),
    sa.Column('answered_by_name', sa.String(length=80), nullable=True),
    sa.Column('answer_recorded_by', sa.Integer(), nullable=True),
    sa.Column('answer_scan_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['answer_recorded_by'], ['core_user.id'], name=op.f('fk_finance_statement_answer_recorded_by_core_user')),
    sa.ForeignKeyConstraint(['answer_scan_id'], ['core_attachment.id'], name=op.f('fk_finance_statement_answer_scan_id_core_attachment')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers_customer.id'], name=op.f('fk_finance_statement_customer_id_customers_customer')),
    sa.ForeignKeyConstraint(['document_id'], ['core_document.id'], name=op.f('fk_finance_statement_document_id_core_document')),
    sa.ForeignKeyConstraint(['issued_by'], ['core_user.id'], name=op.f('fk_finance_statement_issued_by_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_statement')),
    sa.UniqueConstraint('customer_id', 'period', name='customer_period'),
    sa.UniqueConstraint('number', name=op.f('uq_finance_statement_number'))
    )
    with op.batch_alter_table('finance_statement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finance_statement_answer'), ['answer'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_statement_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_statement_period'), ['period'], unique=False)

    op.create_table('finance_accrual',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('counter_account_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('reversal_entry_id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount > 0', name=op.f('ck_finance_accrual_amount_positive')),
    sa.ForeignKeyConstraint(['account_id'], ['finance_account.id'], name=op.f('fk_finance_accrual_account_id_finance_account')),
    sa.ForeignKeyConstraint(['counter_account_id'], ['finance_account.id'], name=op.f('fk_finance_accrual_counter_account_id_finance_account')),
    sa.ForeignKeyConstraint(['created_by'], ['core_user.id'], name=op.f('fk_finance_accrual_created_by_core_user')),
    sa.ForeignKeyConstraint(['entry_id'], ['finance_entry.id'], name=op.f('fk_finance_accrual_entry_id_finance_entry')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['core_org_unit.id'], name=op.f('fk_finance_accrual_org_unit_id_core_org_unit')),
    sa.ForeignKeyConstraint(['owner_id'], ['core_user.id'], name=op.f('fk_finance_accrual_owner_id_core_user')),
    sa.ForeignKeyConstraint(['reversal_entry_id'], ['finance_entry.id'], name=op.f('fk_finance_accrual_reversal_entry_id_finance_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_accrual')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_finance_accrual_entry_id')),
    sa.UniqueConstraint('reversal_entry_id', name=op.f('uq_finance_accrual_reversal_entry_id'))
    )
    with op.batch_alter_table('finance_accrual', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finance_accrual_org_unit_id'), ['org_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_accrual_owner_id'), ['owner_id'], unique=False)

    op.create_table('finance_invoice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('source', sa.String(length=80), nullable=True),
    sa.Column('external_ref', sa.String(length=60), nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_finance_invoice_amount_positive')),
    sa.ForeignKeyConstraint(['created_by'], ['core_user.id'], name=op.f('fk_finance_invoice_created_by_core_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers_customer.id'], name=op.f('fk_finance_invoice_customer_id_customers_customer')),
    sa.ForeignKeyConstraint(['entry_id'], ['finance_entry.id'], name=op.f('fk_finance_invoice_entry_id_finance_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_invoice')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_finance_invoice_entry_id')),
    sa.UniqueConstraint('number', name=op.f('uq_finance_invoice_number'))
    )
    with op.batch_alter_table('finance_invoice', schema=None) as batch_op:
        batch_op.create_index('ix_finance_invoice_customer_due', ['customer_id', 'due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_invoice_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_invoice_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_invoice_source'), ['source'], unique=False)

    op.create_table('finance_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('debit', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('credit', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('memo', sa.String(length=255), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('salesperson_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(debit = 0) <> (credit = 0)', name=op.f('ck_finance_line_one_side')),
    sa.CheckConstraint('debit >= 0 AND credit >= 0', name=op.f('ck_finance_line_not_negative')),
    sa.ForeignKeyConstraint(['account_id'], ['finance_account.id'], name=op.f('fk_finance_line_account_id_finance_account')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers_customer.id'], name=op.f('fk_finance_line_customer_id_customers_customer')),
    sa.ForeignKeyConstraint(['entry_id'], ['finance_entry.id'], name=op.f('fk_finance_line_entry_id_finance_entry')),
    sa.ForeignKeyConstraint(['salesperson_id'], ['core_user.id'], name=op.f('fk_finance_line_salesperson_id_core_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['core_org_unit.id'], name=op.f('fk_finance_line_unit_id_core_org_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_line'))
    )
    with op.batch_alter_table('finance_line', schema=None) as batch_op:
        batch_op.create_index('ix_finance_line_account_date', ['account_id', 'date'], unique=False)
        batch_op.create_index('ix_finance_line_customer_account_date', ['customer_id', 'account_id', 'date'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_line_entry_id'), ['entry_id'], unique=False)

    op.create_table('finance_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('reference', sa.String(length=80), nullable=False),
    sa.Column('memo', sa.String(length=255), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_finance_payment_amount_positive')),
    sa.ForeignKeyConstraint(['created_by'], ['core_user.id'], name=op.f('fk_finance_payment_created_by_core_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers_customer.id'], name=op.f('fk_finance_payment_customer_id_customers_customer')),
    sa.ForeignKeyConstraint(['entry_id'], ['finance_entry.id'], name=op.f('fk_finance_payment_entry_id_finance_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_payment')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_finance_payment_entry_id')),
    sa.UniqueConstraint('number', name=op.f('uq_finance_payment_number'))
    )
    with op.batch_alter_table('finance_payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finance_payment_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_payment_date'), ['date'], unique=False)

    op.create_table('finance_rebate_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('source', sa.String(length=80), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('accrual_entry_id', sa.Integer(), nullable=True),
    sa.Column('redeemed_on', sa.Date(), nullable=True),
    sa.Column('redeemed_by', sa.Integer(), nullable=True),
    sa.Column('redemption', sa.String(length=12), nullable=True),
    sa.Column('redemption_entry_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_finance_rebate_claim_amount_not_negative')),
    sa.ForeignKeyConstraint(['accrual_entry_id'], ['finance_entry.id'], name=op.f('fk_finance_rebate_claim_accrual_entry_id_finance_entry')),
    sa.ForeignKeyConstraint(['created_by'], ['core_user.id'], name=op.f('fk_finance_rebate_claim_created_by_core_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers_customer.id'], name=op.f('fk_finance_rebate_claim_customer_id_customers_customer')),
    sa.ForeignKeyConstraint(['decided_by'], ['core_user.id'], name=op.f('fk_finance_rebate_claim_decided_by_core_user')),
    sa.ForeignKeyConstraint(['redeemed_by'], ['core_user.id'], name=op.f('fk_finance_rebate_claim_redeemed_by_core_user')),
    sa.ForeignKeyConstraint(['redemption_entry_id'], ['finance_entry.id'], name=op.f('fk_finance_rebate_claim_redemption_entry_id_finance_entry')),
    sa.ForeignKeyConstraint(['submitted_by'], ['core_user.id'], name=op.f('fk_finance_rebate_claim_submitted_by_core_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_rebate_claim')),
    sa.UniqueConstraint('number', name=op.f('uq_finance_rebate_claim_number')),
    sa.UniqueConstraint('source', name=op.f('uq_finance_rebate_claim_source'))
    )
    with op.batch_alter_table('finance_rebate_claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finance_rebate_claim_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_rebate_claim_state'), ['state'], unique=False)

    op.create_table('finance_statement_dispute',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('correction_entry_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['correction_entry_id'], ['finance_entry.id'], name=op.f('fk_finance_statement_dispute_correction_entry_id_finance_entry')),
    sa.ForeignKeyConstraint(['entry_id'], ['finance_entry.id'], name=op.f('fk_finance_statement_dispute_entry_id_finance_entry')),
    sa.ForeignKeyConstraint(['resolved_by'], ['core_user.id'], name=op.f('fk_finance_statement_dispute_resolved_by_core_user')),
    sa.ForeignKeyConstraint(['statement_id'], ['finance_statement.id'], name=op.f('fk_finance_statement_dispute_statement_id_finance_statement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_statement_dispute'))
    )
    with op.batch_alter_table('finance_statement_dispute', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finance_statement_dispute_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_statement_dispute_statement_id'), ['statement_id'], unique=False)

    op.create_table('finance_credit_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('rebate_claim_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=80), nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_finance_credit_note_amount_positive')),
    sa.ForeignKeyConstraint(['created_by'], ['core_user.id'], name=op.f('fk_finance_credit_note_created_by_core_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers_customer.id'], name=op.f('fk_finance_credit_note_customer_id_customers_customer')),
    sa.ForeignKeyConstraint(['entry_id'], ['finance_entry.id'], name=op.f('fk_finance_credit_note_entry_id_finance_entry')),
    sa.ForeignKeyConstraint(['invoice_id'], ['finance_invoice.id'], name=op.f('fk_finance_credit_note_invoice_id_finance_invoice')),
    sa.ForeignKeyConstraint(['rebate_claim_id'], ['finance_rebate_claim.id'], name=op.f('fk_finance_credit_note_rebate_claim_id_finance_rebate_claim')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_credit_note')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_finance_credit_note_entry_id')),
    sa.UniqueConstraint('number', name=op.f('uq_finance_credit_note_number')),
    sa.UniqueConstraint('rebate_claim_id', name=op.f('uq_finance_credit_note_rebate_claim_id'))
    )
    with op.batch_alter_table('finance_credit_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finance_credit_note_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_credit_note_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_credit_note_source'), ['source'], unique=False)

    op.create_table('finance_invoice_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=18, scale=3), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['finance_invoice.id'], name=op.f('fk_finance_invoice_line_invoice_id_finance_invoice'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_invoice_line'))
    )
    with op.batch_alter_table('finance_invoice_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finance_invoice_line_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('finance_rebate_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('product', sa.String(length=120), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=18, scale=3), nullable=False),
    sa.Column('unit_amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['finance_rebate_claim.id'], name=op.f('fk_finance_rebate_line_claim_id_finance_rebate_claim'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_rebate_line'))
    )
    with op.batch_alter_table('finance_rebate_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finance_rebate_line_claim_id'), ['claim_id'], unique=False)

    op.create_table('finance_allocation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('credit_note_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('undo_of_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(payment_id IS NULL) <> (credit_note_id IS NULL)', name=op.f('ck_finance_allocation_one_credit')),
    sa.CheckConstraint('amount <> 0', name=op.f('ck_finance_allocation_amount_not_zero')),
    sa.ForeignKeyConstraint(['created_by'], ['core_user.id'], name=op.f('fk_finance_allocation_created_by_core_user')),
    sa.ForeignKeyConstraint(['credit_note_id'], ['finance_credit_note.id'], name=op.f('fk_finance_allocation_credit_note_id_finance_credit_note')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers_customer.id'], name=op.f('fk_finance_allocation_customer_id_customers_customer')),
    sa.ForeignKeyConstraint(['entry_id'], ['finance_entry.id'], name=op.f('fk_finance_allocation_entry_id_finance_entry')),
    sa.ForeignKeyConstraint(['invoice_id'], ['finance_invoice.id'], name=op.f('fk_finance_allocation_invoice_id_finance_invoice')),
    sa.ForeignKeyConstraint(['payment_id'], ['finance_payment.id'], name=op.f('fk_finance_allocation_payment_id_finance_payment')),
    sa.ForeignKeyConstraint(['undo_of_id'], ['finance_allocation.id'], name=op.f('fk_finance_allocation_undo_of_id_finance_allocation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_allocation')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_finance_allocation_entry_id')),
    sa.UniqueConstraint('undo_of_id', name=op.f('uq_finance_allocation_undo_of_id'))
    )
    with op.batch_alter_table('finance_allocation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finance_allocation_credit_note_id'), ['credit_note_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_allocation_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_allocation_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_allocation_payment_id'), ['payment_id'], unique=False)

    # ### end Alembic commands ###
    for sql in _triggers():
        op.execute(sql)


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('finance_allocation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_allocation_payment_id'))
        batch_op.drop_index(batch_op.f('ix_finance_allocation_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_finance_allocation_customer_id'))
        batch_op.drop_index(batch_op.f('ix_finance_allocation_credit_note_id'))

    op.drop_table('finance_allocation')
    with op.batch_alter_table('finance_rebate_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_rebate_line_claim_id'))

    op.drop_table('finance_rebate_line')
    with op.batch_alter_table('finance_invoice_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_invoice_line_invoice_id'))

    op.drop_table('finance_invoice_line')
    with op.batch_alter_table('finance_credit_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_credit_note_source'))
        batch_op.drop_index(batch_op.f('ix_finance_credit_note_date'))
        batch_op.drop_index(batch_op.f('ix_finance_credit_note_customer_id'))

    op.drop_table('finance_credit_note')
    with op.batch_alter_table('finance_statement_dispute', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_statement_dispute_statement_id'))
        batch_op.drop_index(batch_op.f('ix_finance_statement_dispute_state'))

    op.drop_table('finance_statement_dispute')
    with op.batch_alter_table('finance_rebate_claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_rebate_claim_state'))
        batch_op.drop_index(batch_op.f('ix_finance_rebate_claim_customer_id'))

    op.drop_table('finance_rebate_claim')
    with op.batch_alter_table('finance_payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_payment_date'))
        batch_op.drop_index(batch_op.f('ix_finance_payment_customer_id'))

    op.drop_table('finance_payment')
    with op.batch_alter_table('finance_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_line_entry_id'))
        batch_op.drop_index('ix_finance_line_customer_account_date')
        batch_op.drop_index('ix_finance_line_account_date')

    op.drop_table('finance_line')
    with op.batch_alter_table('finance_invoice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_invoice_source'))
        batch_op.drop_index(batch_op.f('ix_finance_invoice_date'))
        batch_op.drop_index(batch_op.f('ix_finance_invoice_customer_id'))
        batch_op.drop_index('ix_finance_invoice_customer_due')

    op.drop_table('finance_invoice')
    with op.batch_alter_table('finance_accrual', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_accrual_owner_id'))
        batch_op.drop_index(batch_op.f('ix_finance_accrual_org_unit_id'))

    op.drop_table('finance_accrual')
    with op.batch_alter_table('finance_statement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_statement_period'))
        batch_op.drop_index(batch_op.f('ix_finance_statement_customer_id'))
        batch_op.drop_index(batch_op.f('ix_finance_statement_answer'))

    op.drop_table('finance_statement')
    with op.batch_alter_table('finance_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_entry_unit_id'))
        batch_op.drop_index(batch_op.f('ix_finance_entry_source'))
        batch_op.drop_index(batch_op.f('ix_finance_entry_date'))
        batch_op.drop_index('ix_finance_entry_customer_date')

    op.drop_table('finance_entry')
    op.drop_table('finance_credit_profile')
    with op.batch_alter_table('finance_credit_override', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_credit_override_customer_id'))

    op.drop_table('finance_credit_override')
    with op.batch_alter_table('finance_credit_commitment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_credit_commitment_state'))
        batch_op.drop_index(batch_op.f('ix_finance_credit_commitment_customer_id'))

    op.drop_table('finance_credit_commitment')
    op.drop_table('finance_ledger_state')
    with op.batch_alter_table('finance_budget', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_budget_owner_id'))
        batch_op.drop_index(batch_op.f('ix_finance_budget_org_unit_id'))
        batch_op.drop_index('ix_finance_budget_key')

    op.drop_table('finance_budget')
    op.drop_table('finance_journal')
    op.drop_table('finance_account')
    # ### end Alembic commands ###
    if op.get_bind().dialect.name == "postgresql":
        for sql in DROP_POSTGRESQL_FUNCTIONS:
            op.execute(sql)
