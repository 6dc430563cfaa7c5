"""The panel in the open: a question answered live keeps its minute in the recording, a moderator may
show a question's text before it is posted, members ask the panel ahead on the forum (source
"forum", linked to the member), and the asker's notifications may name a question instead of a post.

Revision ID: 0020
Revises: 0019
Created: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = "0019"
branch_labels = None
depends_on = None

OLD_SOURCES = "source IN ('webinar_qa', 'webinar_chat', 'email')"
NEW_SOURCES = "source IN ('webinar_qa', 'webinar_chat', 'email', 'forum')"


def upgrade():
    with op.batch_alter_table('panel_questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('asked_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('answered_at_second', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('show_ahead', sa.Boolean(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_panel_questions_asked_by_id'), ['asked_by_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_panel_questions_asked_by_id_users'), 'users', ['asked_by_id'],
                                    ['id'], ondelete='SET NULL', deferrable=True)
        batch_op.drop_constraint(op.f('ck_panel_questions_source'), type_='check')
        batch_op.create_check_constraint('source', NEW_SOURCES)

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('panel_question_id', sa.Integer(), nullable=True))
        batch_op.alter_column('post_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_notifications_panel_question_id'), ['panel_question_id'], unique=False)
        batch_op.create_unique_constraint('uq_notifications_user_question_kind',
                                          ['user_id', 'panel_question_id', 'kind'])
        batch_op.create_foreign_key(batch_op.f('fk_notifications_panel_question_id_panel_questions'),
                                    'panel_questions', ['panel_question_id'], ['id'], ondelete='CASCADE',
                                    deferrable=True)


def downgrade():
    # Notifications of questions answered live have no post: they go, as the column that names them does.
    op.execute("DELETE FROM notifications WHERE post_id IS NULL")
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notifications_panel_question_id_panel_questions'), type_='foreignkey')
        batch_op.drop_constraint('uq_notifications_user_question_kind', type_='unique')
        batch_op.drop_index(batch_op.f('ix_notifications_panel_question_id'))
        batch_op.alter_column('post_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('panel_question_id')

    # Members' questions become email ones, the nearest source the older schema knows, credited
    # to the member's name as it is now, since the link to their account goes.
    op.execute("UPDATE panel_questions SET source = 'email', asked_by = COALESCE("
               "(SELECT users.display_name FROM users WHERE users.id = panel_questions.asked_by_id), asked_by) "
               "WHERE source = 'forum'")
    with op.batch_alter_table('panel_questions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_panel_questions_source'), type_='check')
        batch_op.create_check_constraint('source', OLD_SOURCES)
        batch_op.drop_constraint(batch_op.f('fk_panel_questions_asked_by_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_panel_questions_asked_by_id'))
        batch_op.drop_column('show_ahead')
        batch_op.drop_column('answered_at_second')
        batch_op.drop_column('asked_by_id')
