"""Reply by email: received messages kept before they are answered, and the reply address an
outgoing email carries.

Revision ID: 0022
Revises: 0021
Created: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('incoming_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.Column('byte_size', sa.Integer(), nullable=False),
    sa.Column('sender', sa.String(length=254), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_incoming_messages_post_id_posts'), ondelete='SET NULL', deferrable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_incoming_messages_user_id_users'), ondelete='SET NULL', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incoming_messages')),
    sa.UniqueConstraint('message_id', name=op.f('uq_incoming_messages_message_id'))
    )
    op.create_index('ix_incoming_messages_status', 'incoming_messages', ['status', 'id'], unique=False)
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_to', sa.String(length=254), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_column('reply_to')
    op.drop_index('ix_incoming_messages_status', table_name='incoming_messages')
    op.drop_table('incoming_messages')
