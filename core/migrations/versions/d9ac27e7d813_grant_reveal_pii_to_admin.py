"""grant core.reveal_pii to the admin role

Personal data is masked for users without ``core.reveal_pii`` (issue 18).
Default permissions are granted only when a plugin is first enabled, so an
installation that existed before would leave its admins unable to reveal
anything: this grants it to the admin role, once (running again changes
nothing; a database without an admin role yet gets it from the defaults).

Revision ID: d9ac27e7d813
Revises: d4e5f6a7b8c9
Create Date: 2026-12-06 05:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'd9ac27e7d813'
down_revision = 'd4e5f6a7b8c9'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().execute(sa.text(
        "INSERT INTO core_role_permission (role_id, code) "
        "SELECT r.id, 'core.reveal_pii' FROM core_role r WHERE r.name = 'admin' AND NOT EXISTS ("
        "SELECT 1 FROM core_role_permission p WHERE p.role_id = r.id "
        "AND p.code = 'core.reveal_pii')"))


def downgrade() -> None:
    # Left as it is: the admin may have held the permission before (granted
    # by hand or by the defaults), and a downgrade must not take it away.
    pass
