"""Threads and themes get a page_version: what a cached page and an ETag are keyed by.

forum/page_cache/freshness.py raises it in the transaction of every change a page
shows. Existing rows start at 0: no page was cached before this revision.

Revision ID: 0011
Revises: 0010
Created: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('page_version', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('page_version', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index(batch_op.f('ix_themes_page_version'), ['page_version'], unique=False)


def downgrade():
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_themes_page_version'))
        batch_op.drop_column('page_version')
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_column('page_version')
