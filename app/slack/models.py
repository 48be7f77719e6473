"""What the Slack app keeps: the workspaces it is installed in (with their bot's token),
which Slack user is which person, every message it posted (so a notice is posted once,
threads carry on and buttons can be revised), and the channel each team posts to.

The bot tokens are kept as Slack gave them: each call to Slack's Web API needs them back.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import UTCDateTime, db, utcnow


class MessageStatus(enum.StrEnum):
    PENDING = "pending"  # recorded, to be posted by its job
    SENT = "sent"  # posted: it has a channel and a ts
    FAILED = "failed"  # Slack refused it; the notice's other channels still carried it


class SlackWorkspace(db.Model):
    """A Slack workspace where an admin installed the app."""

    __tablename__ = "slack_workspaces"

    team_id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    team_name: Mapped[str] = mapped_column(sa.String(200), default="")
    enterprise_id: Mapped[str | None] = mapped_column(sa.String(32))
    bot_token: Mapped[str] = mapped_column(sa.String(255))
    bot_id: Mapped[str] = mapped_column(sa.String(32), default="")
    bot_user_id: Mapped[str] = mapped_column(sa.String(32), default="")
    bot_scopes: Mapped[str] = mapped_column(sa.String(1000), default="")
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SlackLink(db.Model):
    """A Slack user known to be a person, by the verified email address Slack gave."""

    __tablename__ = "slack_links"
    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "slack_user_id", name="uq_slack_links_slack_user"),
        sa.UniqueConstraint("user_id", "workspace_id", name="uq_slack_links_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    workspace_id: Mapped[str] = mapped_column(sa.ForeignKey("slack_workspaces.team_id", ondelete="CASCADE"))
    slack_user_id: Mapped[str] = mapped_column(sa.String(32))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SlackMessage(db.Model):
    """One notice posted (or to be posted) in Slack, to a person or to a team's channel."""

    __tablename__ = "slack_messages"
    __table_args__ = (
        sa.UniqueConstraint("notice_key", "recipient", name="uq_slack_messages_notice"),
        sa.Index("ix_slack_messages_thread", "user_id", "thread"),
        sa.Index("ix_slack_messages_ts", "channel", "ts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_key: Mapped[str] = mapped_column(sa.String(200))
    # "person:12" or "team:3": a notice goes once to each.
    recipient: Mapped[str] = mapped_column(sa.String(40))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    workspace_id: Mapped[str] = mapped_column(sa.ForeignKey("slack_workspaces.team_id", ondelete="CASCADE"))
    thread: Mapped[str | None] = mapped_column(sa.String(80))
    card: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Where it was posted: the direct message's or team's channel, and its timestamp;
    # `thread_ts`, the message it replies in (None: it starts its own thread).
    channel: Mapped[str | None] = mapped_column(sa.String(32))
    ts: Mapped[str | None] = mapped_column(sa.String(32))
    thread_ts: Mapped[str | None] = mapped_column(sa.String(32))
    status: Mapped[MessageStatus] = mapped_column(
        sa.Enum(MessageStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=MessageStatus.PENDING,
    )
    error: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SlackTeamChannel(db.Model):
    """The Slack channel where a team's notices (a session's summary, say) are posted."""

    __tablename__ = "slack_team_channels"

    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(sa.ForeignKey("slack_workspaces.team_id", ondelete="CASCADE"))
    channel_id: Mapped[str] = mapped_column(sa.String(32))
    channel_name: Mapped[str] = mapped_column(sa.String(200), default="")
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
