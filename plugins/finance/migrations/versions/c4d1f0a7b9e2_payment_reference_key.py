"""payment reference key: the bank slip / receipt number as compared for
duplicates (no whitespace, upper case), indexed; filled for the payments
already posted (issue 21)

Revision ID: c4d1f0a7b9e2
Revises: 0a5c87ef8671
Create Date: 2026-12-06 22:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'c4d1f0a7b9e2'
down_revision = '0a5c87ef8671'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('finance_payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reference_key', sa.String(length=80), server_default='',
                                      nullable=False))
        batch_op.create_index('ix_finance_payment_reference_key', ['reference_key'], unique=False)
    conn = op.get_bind()
    payment = sa.table('finance_payment', sa.column('id', sa.Integer),
                       sa.column('reference', sa.String), sa.column('reference_key', sa.String))
    rows = conn.execute(sa.select(payment.c.id, payment.c.reference)
                        .where(payment.c.reference != '')).all()
    for ident, reference in rows:
        conn.execute(payment.update().where(payment.c.id == ident)
                     .values(reference_key="".join(reference.split()).upper()[:80]))


def downgrade() -> None:
    with op.batch_alter_table('finance_payment', schema=None) as batch_op:
        batch_op.drop_index('ix_finance_payment_reference_key')
        batch_op.drop_column('reference_key')
