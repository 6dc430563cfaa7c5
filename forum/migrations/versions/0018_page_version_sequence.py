"""Page versions from a sequence on PostgreSQL, so a post's writers need not queue for the next one.

Revision ID: 0018
Revises: 0017
Created: 2026-12-06

See forum/page_cache/freshness.py: on SQLite the next version is still the
highest theme version plus one, taken by writers one at a time.
"""
from alembic import op


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE SEQUENCE page_versions")
    # Past every version given so far: a page's key must never come back.
    op.execute("SELECT setval('page_versions', GREATEST((SELECT MAX(page_version) FROM themes), "
               "(SELECT MAX(page_version) FROM threads), 0) + 1)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SEQUENCE page_versions")
