"""plugins per part of the org tree

Revision ID: d4e5f6a7b8c9
Revises: ef49d49243b1
Create Date: 2026-12-10 09:00:00

A plugin without rows here is used by the whole company, as before: an
existing database is unchanged.
"""
from alembic import op
import sqlalchemy as sa


revision = 'd4e5f6a7b8c9'
down_revision = 'ef49d49243b1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'core_plugin_scope',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plugin', sa.String(length=64), nullable=False),
        sa.Column('org_unit_id', sa.Integer(), nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.Column('changed_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['changed_by'], ['core_user.id'],
                                name=op.f('fk_core_plugin_scope_changed_by_core_user')),
        sa.ForeignKeyConstraint(['org_unit_id'], ['core_org_unit.id'], ondelete='CASCADE',
                                name=op.f('fk_core_plugin_scope_org_unit_id_core_org_unit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_core_plugin_scope')),
        sa.UniqueConstraint('plugin', 'org_unit_id', name='uq_core_plugin_scope_plugin_unit'),
    )
    with op.batch_alter_table('core_plugin_scope', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_plugin_scope_plugin'), ['plugin'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_plugin_scope_org_unit_id'), ['org_unit_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('core_plugin_scope', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_plugin_scope_org_unit_id'))
        batch_op.drop_index(batch_op.f('ix_core_plugin_scope_plugin'))
    op.drop_table('core_plugin_scope')
