"""Slack: the workspaces the app is installed in, which Slack user is which person, the
messages it posted (once per notice and recipient), and each team's channel.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 06:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "slack_workspaces",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("team_name", sa.String(length=200), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("bot_token", sa.String(length=255), nullable=False),
        sa.Column("bot_id", sa.String(length=32), nullable=False),
        sa.Column("bot_user_id", sa.String(length=32), nullable=False),
        sa.Column("bot_scopes", sa.String(length=1000), nullable=False),
        sa.Column("installed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", name="pk_slack_workspaces"),
    )
    op.create_table(
        "slack_team_channels",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("channel_name", sa.String(length=200), nullable=False),
        sa.Column("chosen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name="fk_slack_team_channels_team_id_teams", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["slack_workspaces.team_id"],
            name="fk_slack_team_channels_workspace_id_slack_workspaces",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", name="pk_slack_team_channels"),
    )
    op.create_table(
        "slack_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("slack_user_id", sa.String(length=32), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_slack_links_user_id_users", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["slack_workspaces.team_id"],
            name="fk_slack_links_workspace_id_slack_workspaces",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_slack_links"),
        sa.UniqueConstraint("user_id", "workspace_id", name="uq_slack_links_person"),
        sa.UniqueConstraint("workspace_id", "slack_user_id", name="uq_slack_links_slack_user"),
    )
    op.create_index("ix_slack_links_user_id", "slack_links", ["user_id"], unique=False)
    op.create_table(
        "slack_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_key", sa.String(length=200), nullable=False),
        sa.Column("recipient", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("thread", sa.String(length=80), nullable=True),
        sa.Column("card", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("thread_ts", sa.String(length=32), nullable=True),
        sa.Column(
            "status",
            sa.Enum("pending", "sent", "failed", name="messagestatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("error", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name="fk_slack_messages_team_id_teams", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_slack_messages_user_id_users", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["slack_workspaces.team_id"],
            name="fk_slack_messages_workspace_id_slack_workspaces",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_slack_messages"),
        sa.UniqueConstraint("notice_key", "recipient", name="uq_slack_messages_notice"),
    )
    op.create_index("ix_slack_messages_thread", "slack_messages", ["user_id", "thread"], unique=False)
    op.create_index("ix_slack_messages_ts", "slack_messages", ["channel", "ts"], unique=False)


def downgrade():
    op.drop_index("ix_slack_messages_ts", table_name="slack_messages")
    op.drop_index("ix_slack_messages_thread", table_name="slack_messages")
    op.drop_table("slack_messages")
    op.drop_index("ix_slack_links_user_id", table_name="slack_links")
    op.drop_table("slack_links")
    op.drop_table("slack_team_channels")
    op.drop_table("slack_workspaces")
