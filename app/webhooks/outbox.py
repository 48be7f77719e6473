"""Publishing an event: one delivery row per endpoint that chose it, written in the caller's
transaction, sent by a job after the commit. A rolled-back transaction sends nothing.

A feature calls it where the thing happens, with small plain values:

    publish("question.answered", f"question:{question.id}", {"question_id": question.id, ...})
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.jobs import enqueue_after_commit
from app.webhooks import core
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from app.webhooks.sender import send_delivery


def publish(event_type: str, object_key: str, data: dict) -> int:
    """Record the event for every switched-on endpoint that chose it and send it after the
    commit; return how many deliveries were recorded. Deliveries about one object
    (`object_key`, such as "question:12") reach each endpoint in the order they were published."""
    now = utcnow()
    payload = core.body(event_type, now, data).decode()
    endpoints = db.session.scalars(sa.select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True))).all()
    chosen = [endpoint for endpoint in endpoints if event_type in (endpoint.events or [])]
    for endpoint in chosen:
        delivery = WebhookDelivery(
            endpoint_id=endpoint.id,
            message_id=core.new_message_id(),
            event_type=event_type,
            object_key=object_key[:80],
            payload=payload,
            status=DeliveryStatus.PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        db.session.add(delivery)
        db.session.flush()
        if endpoint.verified_at is not None:  # else it waits, and goes once the endpoint is verified
            enqueue_after_commit(send_delivery, delivery.id)
    return len(chosen)
