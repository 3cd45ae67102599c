"""customers purchase history: purchases before the platform, for grading (issue 21 #8)

Revision ID: d4b8e2a61f35
Revises: c3a9f1d27e64
Create Date: 2026-12-06 23:15:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'd4b8e2a61f35'
down_revision = 'c3a9f1d27e64'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customers_purchase_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers_customer.id'], name=op.f('fk_customers_purchase_history_customer_id_customers_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers_purchase_history'))
    )
    with op.batch_alter_table('customers_purchase_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customers_purchase_history_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customers_purchase_history_on'), ['on'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('customers_purchase_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customers_purchase_history_on'))
        batch_op.drop_index(batch_op.f('ix_customers_purchase_history_customer_id'))
    op.drop_table('customers_purchase_history')
