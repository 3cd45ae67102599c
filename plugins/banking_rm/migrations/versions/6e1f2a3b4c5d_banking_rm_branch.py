"""banking_rm branch

Revision ID: 6e1f2a3b4c5d
Revises:
Create Date: 2026-12-06 16:30:00
"""
revision = '6e1f2a3b4c5d'
down_revision = None
branch_labels = ('banking_rm',)
depends_on = ['9e8e64114989', 'a89294736a3e']


def upgrade() -> None:
    # The branch's root: the tables come in the revisions after it.
    pass


def downgrade() -> None:
    pass
