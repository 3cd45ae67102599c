"""stores_demo branch

Revision ID: 5d0e1a2b3c4d
Revises:
Create Date: 2026-12-06 16:30:00
"""
revision = '5d0e1a2b3c4d'
down_revision = None
branch_labels = ('stores_demo',)
depends_on = ['9e8e64114989', '0b2add2aa839', 'a89294736a3e']


def upgrade() -> None:
    # The branch's root: the tables come in the revisions after it.
    pass


def downgrade() -> None:
    pass
