"""the sign-in log (core_sign_in); sign-ins leave the change history

Every sign-in wrote ``last_login_at`` on the user, which the change history
recorded as a change "by the system" (issue 21, item 25).  Sign-ins now go
to ``core_sign_in``; the history rows that held nothing but a sign-in are
moved there.

Revision ID: f2b8d1c6e3a7
Revises: e1a7c0b5d2f4
Create Date: 2026-12-06 23:10:00
"""
from datetime import datetime

from alembic import op
import sqlalchemy as sa


revision = 'f2b8d1c6e3a7'
down_revision = 'e1a7c0b5d2f4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'core_sign_in',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('ip', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], ondelete='CASCADE',
                                name=op.f('fk_core_sign_in_user_id_core_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_core_sign_in')),
    )
    op.create_index(op.f('ix_core_sign_in_user_id'), 'core_sign_in', ['user_id'], unique=False)
    op.create_index(op.f('ix_core_sign_in_at'), 'core_sign_in', ['at'], unique=False)
    bind = op.get_bind()
    log = sa.table('core_audit_log', sa.column('id', sa.Integer), sa.column('at', sa.DateTime),
                   sa.column('table_name', sa.String), sa.column('record_id', sa.String),
                   sa.column('action', sa.String), sa.column('changes', sa.JSON))
    users = {str(i) for i in bind.execute(sa.text("SELECT id FROM core_user")).scalars()}
    rows = bind.execute(sa.select(log.c.id, log.c.at, log.c.record_id, log.c.changes).where(
        log.c.table_name == 'core_user', log.c.action == 'update')).all()
    moved, sign_ins = [], []
    for row in rows:
        changes = row.changes if isinstance(row.changes, dict) else {}
        if set(changes) != {'last_login_at'}:
            continue
        moved.append(row.id)
        if row.record_id in users:
            new = changes['last_login_at'][1] if isinstance(changes['last_login_at'], list) else None
            try:
                at = datetime.fromisoformat(new) if isinstance(new, str) else row.at
            except ValueError:
                at = row.at
            sign_ins.append({'user_id': int(row.record_id), 'at': at, 'ip': ''})
    if sign_ins:
        op.bulk_insert(sa.table('core_sign_in', sa.column('user_id', sa.Integer),
                                sa.column('at', sa.DateTime), sa.column('ip', sa.String)),
                       sign_ins)
    for i in range(0, len(moved), 500):
        bind.execute(log.delete().where(log.c.id.in_(moved[i:i + 500])))


def downgrade() -> None:
    op.drop_index(op.f('ix_core_sign_in_at'), table_name='core_sign_in')
    op.drop_index(op.f('ix_core_sign_in_user_id'), table_name='core_sign_in')
    op.drop_table('core_sign_in')
