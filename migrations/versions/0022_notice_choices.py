"""Notices: each person's choice of channels per topic.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 05:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notice_choices",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_notice_choices_user_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "topic", name="pk_notice_choices"),
    )


def downgrade():
    op.drop_table("notice_choices")
