"""Members' name keys: names as @mentions compare them (letters and digits, case and accents folded).

Existing members get theirs computed here, with the rule as it stands
today; the function is copied rather than imported, so that this
migration keeps doing what it did when forum.discussions.mentions changes.

Revision ID: 0004
Revises: 0003
Created: 2026-12-02
"""
import unicodedata

from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def _name_key(name):
    folded = unicodedata.normalize("NFKD", (name or "").casefold())
    return "".join(ch for ch in folded if ch.isalnum())[:80]


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=80), nullable=False, server_default=''))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('display_name', sa.String),
                     sa.column('name_key', sa.String))
    connection = op.get_bind()
    for user_id, display_name in connection.execute(sa.select(users.c.id, users.c.display_name)).all():
        connection.execute(users.update().where(users.c.id == user_id).values(name_key=_name_key(display_name)))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_name_key'), ['name_key'], unique=False)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_name_key'))
        batch_op.drop_column('name_key')
