"""Microsoft Teams: the Workflows webhook addresses of people and teams, and one message per
notice and recipient.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 05:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "teams_webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["users.id"], name=op.f("fk_teams_webhooks_set_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_teams_webhooks_team_id_teams"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_teams_webhooks_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams_webhooks")),
        sa.UniqueConstraint("team_id", name=op.f("uq_teams_webhooks_team_id")),
        sa.UniqueConstraint("user_id", name=op.f("uq_teams_webhooks_user_id")),
    )
    with op.batch_alter_table("teams_webhooks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_teams_webhooks_set_by_id"), ["set_by_id"], unique=False)
    op.create_table(
        "teams_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_key", sa.String(length=120), nullable=False),
        sa.Column("recipient", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("pending", "sent", "failed", name="messagestatus", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_teams_messages_team_id_teams"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_teams_messages_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams_messages")),
        sa.UniqueConstraint("notice_key", "recipient", name="uq_teams_messages_notice_key_recipient"),
    )
    with op.batch_alter_table("teams_messages", schema=None) as batch_op:
        batch_op.create_index("ix_teams_messages_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_teams_messages_team_id"), ["team_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_teams_messages_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("teams_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_teams_messages_user_id"))
        batch_op.drop_index(batch_op.f("ix_teams_messages_team_id"))
        batch_op.drop_index("ix_teams_messages_due")
    op.drop_table("teams_messages")
    with op.batch_alter_table("teams_webhooks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_teams_webhooks_set_by_id"))
    op.drop_table("teams_webhooks")
