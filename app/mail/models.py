"""The record of every email Unstuck sends: what, to whom, about what, and how it went."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import UTCDateTime, db, utcnow


class MailStatus(enum.StrEnum):
    """Where an email is on its way out."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboundMail(db.Model):
    __tablename__ = "outbound_mail"
    __table_args__ = (sa.Index("ix_outbound_mail_about", "about_type", "about_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Chosen by the caller ("mentorship-proposal:42"); one key is one email, sent once.
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(60))
    to_email: Mapped[str] = mapped_column(sa.String(254))
    to_name: Mapped[str] = mapped_column(sa.String(200), default="")
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    subject: Mapped[str] = mapped_column(sa.Text)
    text_body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str] = mapped_column(sa.Text)
    message_id: Mapped[str] = mapped_column(sa.String(250), unique=True)
    thread_key: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    headers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    status: Mapped[MailStatus] = mapped_column(
        sa.Enum(MailStatus, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e]),
        default=MailStatus.QUEUED, index=True,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When a worker last took the email to send it; a claim that old is taken to be lost.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    about_type: Mapped[str | None] = mapped_column(sa.String(60))
    about_id: Mapped[int | None]

    def __repr__(self) -> str:
        return f"<OutboundMail {self.key} {self.status}>"

    @property
    def about(self) -> str:
        """Name what the email is about, as in `question:42`, for the log."""
        return f"{self.about_type}:{self.about_id}" if self.about_type else "-"
