"""Attached files' bytes in the database, for forums with more than one app server (UPLOAD_STORE = "database").

Revision ID: 0017
Revises: 0016
Created: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('upload_contents',
    sa.Column('upload_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['upload_id'], ['uploads.id'], name=op.f('fk_upload_contents_upload_id_uploads'), ondelete='CASCADE', deferrable=True),
    sa.PrimaryKeyConstraint('upload_id', name=op.f('pk_upload_contents'))
    )
    if op.get_bind().dialect.name == "postgresql":
        # Images and PDFs are compressed already: kept as they are, a slice of one
        # (a chunk of a download) is read without decompressing the whole value.
        op.execute("ALTER TABLE upload_contents ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade():
    op.drop_table('upload_contents')
