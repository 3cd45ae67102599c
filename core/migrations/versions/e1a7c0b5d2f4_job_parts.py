"""jobs: a job's parts (parent_id)

A job that splits itself (the month-end statement batch) makes part jobs;
the job list shows one row per job with its parts inside (issue 21, item
24).  Existing parts named their batch in ``params["parent"]``: that is
copied into the new column.

Revision ID: e1a7c0b5d2f4
Revises: d9ac27e7d813
Create Date: 2026-12-06 23:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'e1a7c0b5d2f4'
down_revision = 'd9ac27e7d813'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('core_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_core_job_parent_id', ['parent_id'], unique=False)
        batch_op.create_foreign_key('fk_core_job_parent_id_core_job', 'core_job',
                                    ['parent_id'], ['id'])
    bind = op.get_bind()
    job = sa.table('core_job', sa.column('id', sa.Integer), sa.column('params', sa.JSON),
                   sa.column('parent_id', sa.Integer))
    rows = bind.execute(sa.select(job.c.id, job.c.params)).all()
    ids = {r.id for r in rows}
    for row in rows:
        parent = row.params.get('parent') if isinstance(row.params, dict) else None
        if isinstance(parent, int) and parent in ids and parent != row.id:
            bind.execute(job.update().where(job.c.id == row.id).values(parent_id=parent))


def downgrade() -> None:
    with op.batch_alter_table('core_job', schema=None) as batch_op:
        batch_op.drop_constraint('fk_core_job_parent_id_core_job', type_='foreignkey')
        batch_op.drop_index('ix_core_job_parent_id')
        batch_op.drop_column('parent_id')
