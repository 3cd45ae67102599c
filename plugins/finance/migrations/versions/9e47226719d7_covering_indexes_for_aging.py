"""covering indexes for aging: allocations by invoice with date and amount,
ledger lines by account and customer with date, debit and credit (aged
receivables read both from the index alone; the first replaces the plain
invoice_id index, its prefix)

Revision ID: 9e47226719d7
Revises: 0b2add2aa839
Create Date: 2026-11-23 06:43:52.575158
"""
from alembic import op


revision = '9e47226719d7'
down_revision = '0b2add2aa839'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_finance_allocation_invoice_date_amount', 'finance_allocation',
                    ['invoice_id', 'date', 'amount'], unique=False)
    op.drop_index('ix_finance_allocation_invoice_id', table_name='finance_allocation')
    op.create_index('ix_finance_line_account_customer_date', 'finance_line',
                    ['account_id', 'customer_id', 'date', 'debit', 'credit'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_finance_line_account_customer_date', table_name='finance_line')
    op.create_index('ix_finance_allocation_invoice_id', 'finance_allocation', ['invoice_id'],
                    unique=False)
    op.drop_index('ix_finance_allocation_invoice_date_amount', table_name='finance_allocation')
