"""custom-order deposit refunds, after-sale postings to finance

Revision ID: b3f1c2d4e5a6
Revises: acae55738d85
Create Date: 2026-12-06 22:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'b3f1c2d4e5a6'
down_revision = 'acae55738d85'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('stores_demo_custom_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('refund', sa.Numeric(precision=18, scale=2), nullable=True))
        batch_op.add_column(sa.Column('refund_reference', sa.String(length=80), nullable=True))
    with op.batch_alter_table('stores_demo_service', schema=None) as batch_op:
        batch_op.add_column(sa.Column('finance_reference', sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('stores_demo_service', schema=None) as batch_op:
        batch_op.drop_column('finance_reference')
    with op.batch_alter_table('stores_demo_custom_order', schema=None) as batch_op:
        batch_op.drop_column('refund_reference')
        batch_op.drop_column('refund')
        batch_op.drop_column('cancelled_on')
