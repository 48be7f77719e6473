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
    SUPPRESSED = "suppressed"  # not sent: mail to the address keeps bouncing


class OutboundMail(db.Model):
    __tablename__ = "outbound_mail"
    __table_args__ = (sa.Index("ix_outbound_mail_about", "about_type", "about_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Chosen by the caller ("mentorship-proposal:42"); one key is one email, sent once.
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(60))
    to_email: Mapped[str] = mapped_column(sa.String(254))
    to_name: Mapped[str] = mapped_column(sa.String(200), default="")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str] = mapped_column(sa.Text)
    text_body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str] = mapped_column(sa.Text)
    # An iCalendar object (invite, update, cancellation) sent as a third alternative.
    calendar: Mapped[str | None] = mapped_column(sa.Text)
    message_id: Mapped[str] = mapped_column(sa.String(250), unique=True)
    thread_key: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    headers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    status: Mapped[MailStatus] = mapped_column(
        sa.Enum(MailStatus, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e]),
        default=MailStatus.QUEUED,
        index=True,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When a worker last took the email to send it; a claim that old is taken to be lost.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a delivery report sent to the email's own return path said it failed: one
    # report per email counts against the address (app.mail.outgoing.bounces).
    bounced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    about_type: Mapped[str | None] = mapped_column(sa.String(60))
    about_id: Mapped[int | None]

    def __repr__(self) -> str:
        return f"<OutboundMail {self.key} {self.status}>"

    @property
    def about(self) -> str:
        """Name what the email is about, as in `question:42`, for the log."""
        return f"{self.about_type}:{self.about_id}" if self.about_type else "-"


class ReplyAddress(db.Model):
    """A reply address `reply+<key>@MAIL_DOMAIN`: one purpose, one object, one person.

    The key is random and stored (not signed), so it can be revoked, and it is lower case
    so that mail servers and clients that change the case of an address cannot break it.
    """

    __tablename__ = "reply_addresses"
    __table_args__ = (sa.UniqueConstraint("purpose", "object_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    purpose: Mapped[str] = mapped_column(sa.String(60))
    object_id: Mapped[int]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IncomingStatus(enum.StrEnum):
    """What became of a received email."""

    RECEIVED = "received"  # saved, waiting for the job that reads it
    READING = "reading"  # a job has it; claimed_at says since when
    POSTED = "posted"  # handed to the feature that owns its reply address
    REFUSED = "refused"  # not acted on; `reason` says why
    FAILED = "failed"  # reading it failed READ_ATTEMPTS times (app.mail.incoming.intake); given up


class IncomingMail(db.Model):
    """Every email received, one row per Message-ID; the raw bytes are kept until it is read
    and MAIL_RAW_KEEP_DAYS old, then dropped (the record of what became of it stays)."""

    __tablename__ = "inbound_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The Message-ID, or a digest of the raw bytes when the mail has none: the same mail
    # received twice is read once.
    message_id: Mapped[str] = mapped_column(sa.String(250), unique=True)
    mail_from: Mapped[str] = mapped_column(sa.String(254), default="")  # the envelope sender
    rcpt_to: Mapped[list] = mapped_column(sa.JSON, default=list)  # the envelope recipients
    subject: Mapped[str] = mapped_column(sa.Text, default="")
    raw: Mapped[bytes] = mapped_column(sa.LargeBinary)
    via: Mapped[str] = mapped_column(sa.String(10))  # smtp or http
    status: Mapped[IncomingStatus] = mapped_column(
        # Named as the schema has it, like the table.
        sa.Enum(
            IncomingStatus,
            name="inboundstatus",
            native_enum=False,
            length=10,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=IncomingStatus.RECEIVED,
        index=True,
    )
    reason: Mapped[str] = mapped_column(sa.String(40), default="")  # why it was refused
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    reply_address_id: Mapped[int | None] = mapped_column(sa.ForeignKey("reply_addresses.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When a job last took the email to read it; a claim that old is taken to be lost.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")  # claims so far
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MailOptOut(db.Model):
    """A person who unsubscribed from one kind of email (a topic, such as digests)."""

    __tablename__ = "mail_opt_outs"
    __table_args__ = (sa.UniqueConstraint("user_id", "topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MailBounce(db.Model):
    """An address that mail to it bounced from, and how often."""

    __tablename__ = "mail_bounces"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)  # lower case
    count: Mapped[int] = mapped_column(default=0)
    last_reason: Mapped[str] = mapped_column(sa.Text, default="")
    last_bounced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
