"""a sample sale below the floor price waits for approval

Revision ID: b7e1c4a2d918
Revises: 472315a61409
Create Date: 2026-12-06 22:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'b7e1c4a2d918'
down_revision = '472315a61409'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dealers_sample_unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_price', sa.Numeric(18, 2), nullable=True))
        batch_op.add_column(sa.Column('pending_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('pending_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('floor_approved_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('floor_approved_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('floor_approval_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_dealers_sample_unit_pending_by_core_user'),
                                    'core_user', ['pending_by'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_dealers_sample_unit_floor_approved_by_core_user'),
                                    'core_user', ['floor_approved_by'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('dealers_sample_unit', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_dealers_sample_unit_floor_approved_by_core_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_dealers_sample_unit_pending_by_core_user'), type_='foreignkey')
        batch_op.drop_column('floor_approval_reason')
        batch_op.drop_column('floor_approved_at')
        batch_op.drop_column('floor_approved_by')
        batch_op.drop_column('pending_by')
        batch_op.drop_column('pending_on')
        batch_op.drop_column('pending_price')
