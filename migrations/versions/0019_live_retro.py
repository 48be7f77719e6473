"""The live retro: when the session's current phase began (its timebox counts from there),
and who opened the run page while the session was running (the attendance starts ticked
for them).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 02:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("session_weeks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phase_started_at", sa.DateTime(), nullable=True))

    op.create_table(
        "session_presence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_session_presence_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["week_id"],
            ["session_weeks.id"],
            name=op.f("fk_session_presence_week_id_session_weeks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_presence")),
        sa.UniqueConstraint("week_id", "user_id", name=op.f("uq_session_presence_week_id")),
    )
    with op.batch_alter_table("session_presence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_session_presence_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("session_presence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_presence_user_id"))
    op.drop_table("session_presence")
    with op.batch_alter_table("session_weeks", schema=None) as batch_op:
        batch_op.drop_column("phase_started_at")
