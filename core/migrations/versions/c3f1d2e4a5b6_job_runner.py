"""job runner: the process that runs an in-process job

Revision ID: c3f1d2e4a5b6
Revises: a89294736a3e
Create Date: 2026-11-23 12:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'c3f1d2e4a5b6'
down_revision = 'a89294736a3e'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('core_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('runner', sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('core_job', schema=None) as batch_op:
        batch_op.drop_column('runner')
