"""Guest experts: a theme's panelists invited as members, with a badge on their posts in its threads;
panel questions found by their post (a thread page marks the panel's answers with it).

Revision ID: 0021
Revises: 0020
Created: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('guest_experts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('panelist', sa.String(length=120), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', sa.DateTime(), nullable=False),
    sa.Column('emails_declined_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_guest_experts_invited_by_id_users'), ondelete='SET NULL', deferrable=True),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_guest_experts_theme_id_themes'), ondelete='CASCADE', deferrable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_guest_experts_user_id_users'), ondelete='CASCADE', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guest_experts')),
    sa.UniqueConstraint('user_id', 'theme_id', name='uq_guest_experts_user_theme')
    )
    op.create_index('ix_guest_experts_theme_id', 'guest_experts', ['theme_id'], unique=False)
    op.create_index('ix_panel_questions_post_id', 'panel_questions', ['post_id'], unique=False)


def downgrade():
    op.drop_index('ix_panel_questions_post_id', table_name='panel_questions')
    op.drop_index('ix_guest_experts_theme_id', table_name='guest_experts')
    op.drop_table('guest_experts')
