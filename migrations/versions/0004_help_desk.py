"""Help desk: questions, their skills, posts, routing attempts and knowledge-base self-solves.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 11:07:09.045005

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asker_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('goal', sa.String(length=300), nullable=False),
    sa.Column('stuck', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=2000), nullable=False),
    sa.Column('page_title', sa.String(length=300), nullable=False),
    sa.Column('urgency', sa.Enum('can_wait', 'blocking', name='urgency', native_enum=False, length=10), nullable=False),
    sa.Column('state', sa.Enum('open', 'answered', 'resolved', name='questionstate', native_enum=False, length=10), nullable=False),
    sa.Column('visibility', sa.Enum('named', 'anonymous', 'private', name='visibility', native_enum=False, length=10), nullable=False),
    sa.Column('request_key', sa.String(length=64), nullable=True),
    sa.Column('escalated', sa.Boolean(), nullable=False),
    sa.Column('helpful', sa.Boolean(), nullable=True),
    sa.Column('helpful_note', sa.String(length=300), nullable=False),
    sa.Column('kb_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('first_routed_at', sa.DateTime(), nullable=True),
    sa.Column('first_reply_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['asker_id'], ['users.id'], name=op.f('fk_questions_asker_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_questions_team_id_teams'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questions')),
    sa.UniqueConstraint('asker_id', 'request_key', name=op.f('uq_questions_asker_id'))
    )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questions_asker_id'), ['asker_id'], unique=False)
        batch_op.create_index('ix_questions_state_created', ['state', 'created_at'], unique=False)
        batch_op.create_index('ix_questions_team_created', ['team_id', 'created_at'], unique=False)

    op.create_table('question_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('via', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_question_posts_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_posts_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_posts'))
    )
    with op.batch_alter_table('question_posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_posts_question_id'), ['question_id'], unique=False)

    op.create_table('question_skills',
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_skills_question_id_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_question_skills_skill_id_skills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('question_id', 'skill_id', name=op.f('pk_question_skills'))
    )
    with op.batch_alter_table('question_skills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_skills_skill_id'), ['skill_id'], unique=False)

    op.create_table('routing_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=30), nullable=False),
    sa.Column('state', sa.Enum('waiting', 'answered', 'passed', 'timed_out', 'closed', name='attemptstate', native_enum=False, length=10), nullable=False),
    sa.Column('deadline_at', sa.DateTime(), nullable=False),
    sa.Column('hint', sa.String(length=300), nullable=False),
    sa.Column('notified_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['mentor_id'], ['users.id'], name=op.f('fk_routing_attempts_mentor_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_routing_attempts_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_attempts')),
    sa.UniqueConstraint('question_id', 'number', name=op.f('uq_routing_attempts_question_id'))
    )
    with op.batch_alter_table('routing_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_routing_attempts_mentor_state', ['mentor_id', 'state'], unique=False)
        batch_op.create_index('ix_routing_attempts_state_deadline', ['state', 'deadline_at'], unique=False)
        batch_op.create_index('uq_routing_attempts_live', ['question_id'], unique=True, postgresql_where=sa.text("state = 'waiting'"), sqlite_where=sa.text("state = 'waiting'"))

    op.create_table('self_solves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_self_solves_question_id_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_self_solves_team_id_teams'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_self_solves_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_solves'))
    )
    with op.batch_alter_table('self_solves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_self_solves_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_self_solves_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('self_solves', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_self_solves_user_id'))
        batch_op.drop_index(batch_op.f('ix_self_solves_question_id'))

    op.drop_table('self_solves')
    with op.batch_alter_table('routing_attempts', schema=None) as batch_op:
        batch_op.drop_index('uq_routing_attempts_live', postgresql_where=sa.text("state = 'waiting'"), sqlite_where=sa.text("state = 'waiting'"))
        batch_op.drop_index('ix_routing_attempts_state_deadline')
        batch_op.drop_index('ix_routing_attempts_mentor_state')

    op.drop_table('routing_attempts')
    with op.batch_alter_table('question_skills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_skills_skill_id'))

    op.drop_table('question_skills')
    with op.batch_alter_table('question_posts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_posts_question_id'))

    op.drop_table('question_posts')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index('ix_questions_team_created')
        batch_op.drop_index('ix_questions_state_created')
        batch_op.drop_index(batch_op.f('ix_questions_asker_id'))

    op.drop_table('questions')
