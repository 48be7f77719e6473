"""What Teams notices keep: the Workflows webhook address of a person or of a team, and one
message per notice and recipient (written in the transaction where the notice was told,
posted by a job after the commit).

An address works as a password (anyone holding it can post to that chat), so it is kept
as given, as a mail password in the settings must be, and shown again only masked.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import UTCDateTime, db, utcnow


class TeamsWebhook(db.Model):
    """Where a person's (user_id) or a team's (team_id) Teams notices are posted."""

    __tablename__ = "teams_webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), unique=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    # Who set it: the person themselves, or the team's lead or an admin.
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MessageStatus(enum.StrEnum):
    PENDING = "pending"  # to be posted, now or at next_attempt_at
    SENT = "sent"  # the webhook took it (2xx)
    FAILED = "failed"  # every try failed, or there is no address any more


class TeamsMessage(db.Model):
    """One notice for one recipient ("person:12" or "team:3"): the card, fixed when it was
    told, and how posting it went."""

    __tablename__ = "teams_messages"
    __table_args__ = (
        sa.UniqueConstraint("notice_key", "recipient", name="uq_teams_messages_notice_key_recipient"),
        sa.Index("ix_teams_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_key: Mapped[str] = mapped_column(sa.String(120))
    recipient: Mapped[str] = mapped_column(sa.String(40))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    payload: Mapped[str] = mapped_column(sa.Text)
    # The notice's card and thread, for the email that carries it if Teams never takes it.
    card: Mapped[dict | None] = mapped_column(sa.JSON)
    thread: Mapped[str | None] = mapped_column(sa.String(80))
    status: Mapped[MessageStatus] = mapped_column(
        sa.Enum(MessageStatus, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e]),
        default=MessageStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    # A worker posting it now holds it until then; a worker that died lets go when it passes.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
