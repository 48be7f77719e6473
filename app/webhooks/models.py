"""What webhooks out keep: the endpoints admins registered, and one delivery per event and
endpoint (the outbox: written in the transaction where the thing happened, sent after it).

The signing secrets are kept as given: they must be read back to sign with (a hash would
not do), as a mail password in the settings must be.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import UTCDateTime, db, utcnow


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # to be sent, now or at next_attempt_at
    DELIVERED = "delivered"  # the endpoint answered 2xx
    FAILED = "failed"  # every try failed, or the endpoint was switched off


class WebhookEndpoint(db.Model):
    """An https address that gets the events it chose, signed with its secret."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    events: Mapped[list] = mapped_column(sa.JSON, default=list)
    secret: Mapped[str] = mapped_column(sa.String(100))
    # The secret before the last rotation, still signing beside the new one until then.
    previous_secret: Mapped[str | None] = mapped_column(sa.String(100))
    previous_secret_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(default=True)
    # Since when every try has failed (None after a success); a day of it switches it off.
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    switched_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the endpoint answered its verification with the challenge; until then (and
    # again after its address changes) its deliveries wait.
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    challenge: Mapped[str | None] = mapped_column(sa.String(64))  # the one it is to send back
    verification_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verification_error: Mapped[str | None] = mapped_column(sa.String(300))  # why the last one failed


class WebhookDelivery(db.Model):
    """One event for one endpoint: its body, fixed when the event happened, and how sending went."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        sa.Index("ix_webhook_deliveries_object", "endpoint_id", "object_key", "id"),
        sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(sa.ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    # The webhook-id header: the same on every try, so a receiver can drop repeats.
    message_id: Mapped[str] = mapped_column(sa.String(40), unique=True)
    event_type: Mapped[str] = mapped_column(sa.String(40))
    # The object the event is about ("question:12"): its deliveries go out in order.
    object_key: Mapped[str] = mapped_column(sa.String(80))
    payload: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[DeliveryStatus] = mapped_column(
        sa.Enum(DeliveryStatus, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e]),
        default=DeliveryStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    # A worker sending it now holds it until then; a worker that died lets go when it passes.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(sa.String(300))
    last_duration_ms: Mapped[int | None] = mapped_column()
    last_answer: Mapped[str | None] = mapped_column(sa.Text)  # the first bytes of the answer
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    endpoint: Mapped[WebhookEndpoint] = relationship()
