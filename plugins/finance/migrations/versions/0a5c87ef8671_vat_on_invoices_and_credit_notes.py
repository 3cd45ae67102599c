"""VAT on invoices and credit notes (issue 21 §15)

Existing invoices and credit notes keep their books as they are: every old
line is treated as tax-exempt (rate "exempt", tax 0.00, net = amount), every
old invoice as a sales slip (销售单, not a tax invoice) with prices including
tax.  Nothing already posted is re-split or re-posted.  The output VAT
account 222101 is added to a chart that is already seeded, and the credit
note journal takes the desk's name (红字发票).

Revision ID: 0a5c87ef8671
Revises: 5607e0575bbd
Create Date: 2026-12-06 22:45:00
"""
from datetime import datetime

from alembic import op
import sqlalchemy as sa
from core import clock


revision = '0a5c87ef8671'
down_revision = '5607e0575bbd'
branch_labels = None
depends_on = None

MONEY = sa.Numeric(18, 2)


def _tax_columns(batch_op) -> None:
    batch_op.add_column(sa.Column('net_amount', MONEY, server_default='0', nullable=False))
    batch_op.add_column(sa.Column('tax_amount', MONEY, server_default='0', nullable=False))


def upgrade() -> None:
    with op.batch_alter_table('finance_invoice', schema=None) as batch_op:
        _tax_columns(batch_op)
        batch_op.add_column(sa.Column('invoice_type', sa.String(length=10), server_default='slip',
                                      nullable=False))
        # A literal default: an expression (sa.true()) makes SQLite's batch
        # mode copy the table, which the foreign keys pointing at it refuse.
        batch_op.add_column(sa.Column('prices_include_tax', sa.Boolean(),
                                      server_default='1', nullable=False))
        batch_op.add_column(sa.Column('buyer_name', sa.String(length=200), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('buyer_tax_id', sa.String(length=20), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('buyer_address_phone', sa.String(length=255),
                                      server_default='', nullable=False))
        batch_op.add_column(sa.Column('buyer_bank_account', sa.String(length=255),
                                      server_default='', nullable=False))
    with op.batch_alter_table('finance_invoice_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tax_rate', sa.String(length=8), server_default='exempt',
                                      nullable=False))
        _tax_columns(batch_op)
    with op.batch_alter_table('finance_credit_note', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tax_rate', sa.String(length=8), server_default='exempt',
                                      nullable=False))
        _tax_columns(batch_op)
    # Old documents: net = amount, no tax (what was booked to 6001).
    for table in ('finance_invoice', 'finance_invoice_line', 'finance_credit_note'):
        op.execute(f"UPDATE {table} SET net_amount = amount, tax_amount = 0")
    op.execute("UPDATE finance_journal SET name = '红字发票' WHERE code = 'CRN' "
               "AND name = '贷项通知单'")
    bind = op.get_bind()
    seeded = bind.execute(sa.text("SELECT 1 FROM finance_account WHERE code = '2221'")).first()
    present = bind.execute(sa.text("SELECT 1 FROM finance_account WHERE code = '222101'")).first()
    if seeded and not present:
        now = clock.utcnow()
        bind.execute(sa.text(
            "INSERT INTO finance_account (code, name, name_en, kind, active, builtin, created_at, "
            "updated_at) VALUES ('222101', :name, :name_en, 'liability', :t, :t, :now, :now)"),
            {"name": "应交税费-应交增值税（销项税额）",
             "name_en": "Taxes payable - VAT (output tax)", "t": True, "now": now})


def downgrade() -> None:
    op.execute("UPDATE finance_journal SET name = '贷项通知单' WHERE code = 'CRN' "
               "AND name = '红字发票'")
    with op.batch_alter_table('finance_credit_note', schema=None) as batch_op:
        for col in ('tax_amount', 'net_amount', 'tax_rate'):
            batch_op.drop_column(col)
    with op.batch_alter_table('finance_invoice_line', schema=None) as batch_op:
        for col in ('tax_amount', 'net_amount', 'tax_rate'):
            batch_op.drop_column(col)
    with op.batch_alter_table('finance_invoice', schema=None) as batch_op:
        for col in ('buyer_bank_account', 'buyer_address_phone', 'buyer_tax_id', 'buyer_name',
                    'prices_include_tax', 'invoice_type', 'tax_amount', 'net_amount'):
            batch_op.drop_column(col)
