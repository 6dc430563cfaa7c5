"""A theme's panel may carry a link to register for or join the live panel.

Revision ID: 0015
Revises: 0014
Created: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('panel_join_url', sa.String(length=500), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.drop_column('panel_join_url')
