"""one AUM threshold: check-ups read banking_rm.matrix_aum_threshold

The setting ``banking_rm.checkup_aum_line`` said the same thing as the value
matrix's ``banking_rm.matrix_aum_threshold`` (both 500,000).  A value an admin
stored for the old one is kept when the matrix's was never set (so the
check-up schedule does not move on upgrade); the old row is then removed.

Revision ID: 5b0c2e7d9a14
Revises: a05444374894
Create Date: 2026-12-06 22:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '5b0c2e7d9a14'
down_revision = 'a05444374894'
branch_labels = None
depends_on = None

OLD = "banking_rm.checkup_aum_line"
NEW = "banking_rm.matrix_aum_threshold"

setting = sa.table("core_setting", sa.column("key", sa.String), sa.column("value", sa.JSON),
                   sa.column("updated_at", sa.DateTime), sa.column("updated_by", sa.Integer))


def upgrade() -> None:
    conn = op.get_bind()
    old = conn.execute(sa.select(setting.c.value, setting.c.updated_at, setting.c.updated_by)
                       .where(setting.c.key == OLD)).first()
    if old is None:
        return
    has_new = conn.execute(sa.select(setting.c.key).where(setting.c.key == NEW)).first()
    if has_new is None:
        conn.execute(setting.insert().values(key=NEW, value=old.value, updated_at=old.updated_at,
                                             updated_by=old.updated_by))
    conn.execute(setting.delete().where(setting.c.key == OLD))


def downgrade() -> None:
    # The old setting falls back to its default (500,000) when not stored.
    pass
