"""Privacy: task feedback shared with the team only where its writer chose so; check-ins keep their first answer, which the dashboard counts; what an asker reads of their clarity, kept until three new ratings have come.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    # Feedback written before this choice existed stays with the lead: nobody chose to share it.
    with op.batch_alter_table("task_feedback", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shared", sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table("mentorship_checkins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_score", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("first_answered_at", sa.DateTime(), nullable=True))
        batch_op.create_index(
            "ix_mentorship_checkins_team_first_answered", ["team_id", "first_answered_at"], unique=False
        )
    # An answer given before counts as it is now: what came first was not kept.
    op.execute(
        "UPDATE mentorship_checkins SET first_score = score, first_answered_at = answered_at WHERE score IS NOT NULL"
    )

    op.create_table(
        "clarity_as_shown",
        sa.Column("asker_id", sa.Integer(), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("through_rating_id", sa.Integer(), nullable=False),
        sa.Column("shown_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asker_id"], ["users.id"], name=op.f("fk_clarity_as_shown_asker_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("asker_id", name=op.f("pk_clarity_as_shown")),
    )
    # Askers with three ratings or more read them as they are now, from here on.
    op.execute(
        "INSERT INTO clarity_as_shown (asker_id, responses, total, through_rating_id, shown_at) "
        "SELECT asker_id, COUNT(*), SUM(score), MAX(id), CURRENT_TIMESTAMP FROM question_clarity_ratings "
        "GROUP BY asker_id HAVING COUNT(*) >= 3"
    )


def downgrade():
    op.drop_table("clarity_as_shown")
    with op.batch_alter_table("mentorship_checkins", schema=None) as batch_op:
        batch_op.drop_index("ix_mentorship_checkins_team_first_answered")
        batch_op.drop_column("first_answered_at")
        batch_op.drop_column("first_score")
    with op.batch_alter_table("task_feedback", schema=None) as batch_op:
        batch_op.drop_column("shared")
