"""Mentorships, their settings, do-not-pair entries, cohort runs and new hires waiting.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 10:59:28.226383

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "matching_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("weight_skills", sa.Double(), nullable=False),
        sa.Column("weight_role", sa.Double(), nullable=False),
        sa.Column("weight_seniority", sa.Double(), nullable=False),
        sa.Column("weight_overlap", sa.Double(), nullable=False),
        sa.Column("weight_team", sa.Double(), nullable=False),
        sa.Column("weight_load", sa.Double(), nullable=False),
        sa.Column("min_overlap_hours", sa.Double(), nullable=False),
        sa.Column("team_preference", sa.String(length=8), nullable=False),
        sa.Column("objective", sa.String(length=8), nullable=False),
        sa.Column("proposal_days", sa.Integer(), nullable=False),
        sa.Column("programme_days", sa.Integer(), nullable=False),
        sa.Column("fit_check_days", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matching_settings")),
    )
    op.create_table(
        "cohort_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("objective", sa.String(length=8), nullable=False),
        sa.Column("pairs", sa.JSON(), nullable=False),
        sa.Column("unmatched", sa.JSON(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_cohort_runs_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohort_runs")),
    )
    op.create_table(
        "do_not_pair",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("new_hire_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mentor_id"], ["users.id"], name=op.f("fk_do_not_pair_mentor_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["new_hire_id"], ["users.id"], name=op.f("fk_do_not_pair_new_hire_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_do_not_pair")),
        sa.UniqueConstraint("new_hire_id", "mentor_id", name=op.f("uq_do_not_pair_new_hire_id")),
    )
    op.create_table(
        "mentorships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("new_hire_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "proposed",
                "active",
                "declined",
                "expired",
                "withdrawn",
                "ended",
                "completed",
                name="mentorshipstate",
                native_enum=False,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.Column("end_reason", sa.String(length=500), nullable=False),
        sa.Column("ended_badly", sa.Boolean(), nullable=False),
        sa.Column("fit_check_due_at", sa.DateTime(), nullable=True),
        sa.Column("fit_check_sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ended_by_id"], ["users.id"], name=op.f("fk_mentorships_ended_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"], ["users.id"], name=op.f("fk_mentorships_mentor_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["new_hire_id"], ["users.id"], name=op.f("fk_mentorships_new_hire_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentorships")),
    )
    with op.batch_alter_table("mentorships", schema=None) as batch_op:
        batch_op.create_index("ix_mentorships_mentor_state", ["mentor_id", "state"], unique=False)
        batch_op.create_index(batch_op.f("ix_mentorships_new_hire_id"), ["new_hire_id"], unique=False)
        batch_op.create_index(
            "uq_mentorships_live_new_hire",
            ["new_hire_id"],
            unique=True,
            postgresql_where=sa.text("state IN ('proposed', 'active')"),
            sqlite_where=sa.text("state IN ('proposed', 'active')"),
        )

    op.create_table(
        "waiting_for_mentor",
        sa.Column("new_hire_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["new_hire_id"], ["users.id"], name=op.f("fk_waiting_for_mentor_new_hire_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("new_hire_id", name=op.f("pk_waiting_for_mentor")),
    )
    op.create_table(
        "mentorship_fit_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentorship_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("good_fit", sa.Boolean(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mentorship_id"],
            ["mentorships.id"],
            name=op.f("fk_mentorship_fit_answers_mentorship_id_mentorships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_mentorship_fit_answers_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentorship_fit_answers")),
        sa.UniqueConstraint("mentorship_id", "user_id", name=op.f("uq_mentorship_fit_answers_mentorship_id")),
    )


def downgrade():
    op.drop_table("mentorship_fit_answers")
    op.drop_table("waiting_for_mentor")
    with op.batch_alter_table("mentorships", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_mentorships_live_new_hire",
            postgresql_where=sa.text("state IN ('proposed', 'active')"),
            sqlite_where=sa.text("state IN ('proposed', 'active')"),
        )
        batch_op.drop_index(batch_op.f("ix_mentorships_new_hire_id"))
        batch_op.drop_index("ix_mentorships_mentor_state")

    op.drop_table("mentorships")
    op.drop_table("do_not_pair")
    op.drop_table("cohort_runs")
    op.drop_table("matching_settings")
