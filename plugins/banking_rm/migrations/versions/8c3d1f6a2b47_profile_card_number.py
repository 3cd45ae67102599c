"""retail profile: the customer's bank-card number (masked personal data),
indexed so the teller's referral picker finds a customer by it

Revision ID: 8c3d1f6a2b47
Revises: 5b0c2e7d9a14
Create Date: 2026-12-06 23:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '8c3d1f6a2b47'
down_revision = '5b0c2e7d9a14'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('banking_rm_profile', schema=None) as batch_op:
        batch_op.add_column(sa.Column('card_number', sa.String(length=19), nullable=True))
        batch_op.create_index(batch_op.f('ix_banking_rm_profile_card_number'), ['card_number'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('banking_rm_profile', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_banking_rm_profile_card_number'))
        batch_op.drop_column('card_number')
