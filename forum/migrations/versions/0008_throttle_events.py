"""login_failures becomes throttle_events: it now counts reset requests, posts and joins too.

Rows keep their keys; the old login keys ("account:", "ip:") simply age out
of their five-minute window.

Revision ID: 0008
Revises: 0007
Created: 2026-12-02
"""
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _rename(old, new):
    with op.batch_alter_table(old, schema=None) as batch_op:
        batch_op.drop_index(f'ix_{old}_key_at')
        batch_op.drop_index(f'ix_{old}_at')
    op.rename_table(old, new)
    with op.batch_alter_table(new, schema=None) as batch_op:
        batch_op.create_index(f'ix_{new}_key_at', ['key', 'at'], unique=False)
        batch_op.create_index(f'ix_{new}_at', ['at'], unique=False)


def upgrade():
    _rename('login_failures', 'throttle_events')


def downgrade():
    _rename('throttle_events', 'login_failures')
