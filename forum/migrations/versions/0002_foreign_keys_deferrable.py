"""Foreign keys DEFERRABLE (checked at once unless a transaction defers them).

An archive import streams rows in file order and asks for its references
to be checked at commit. SQLite allows that for any key; PostgreSQL only
for keys declared DEFERRABLE. Behaviour is otherwise unchanged: keys stay
INITIALLY IMMEDIATE. On SQLite each table is copied once (batch mode).

Revision ID: 0002
Revises: 0001
Created: 2026-12-02
"""
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# table -> (column, referred table, ON DELETE) for every foreign key.
FOREIGN_KEYS = {
    'audit_entries': [('actor_id', 'users', None)],
    'panel_questions': [('theme_id', 'themes', 'CASCADE'), ('post_id', 'posts', None),
                        ('created_by_id', 'users', None), ('scheduled_by_id', 'users', None),
                        ('published_by_id', 'users', None)],
    'panelists': [('theme_id', 'themes', 'CASCADE')],
    'posts': [('thread_id', 'threads', None), ('parent_id', 'posts', None),
              ('author_id', 'users', None), ('hidden_by_id', 'users', None)],
    'resources': [('theme_id', 'themes', 'CASCADE')],
    'threads': [('theme_id', 'themes', None), ('author_id', 'users', None)],
}


def _redeclare(deferrable: bool) -> None:
    for table, keys in FOREIGN_KEYS.items():
        with op.batch_alter_table(table) as batch_op:
            for column, referred, ondelete in keys:
                name = f'fk_{table}_{column}_{referred}'
                batch_op.drop_constraint(name, type_='foreignkey')
                batch_op.create_foreign_key(name, referred, [column], ['id'], ondelete=ondelete,
                                            deferrable=deferrable or None)


def upgrade():
    _redeclare(True)


def downgrade():
    _redeclare(False)
