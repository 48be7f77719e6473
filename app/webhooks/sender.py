"""The job that sends a delivery: signed, to the address checked for its host (`pinned`), over
a short timeout, redirects not followed, the outcome logged; retried on the schedule of
`core.BACKOFF`, in order per object.

This job commits several times, as few flows in Unstuck do (app/unit_of_work.py): the
delivery is claimed and committed before the request goes out (no transaction stays open
while an endpoint takes its time), and the outcome is committed when it comes.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import redis
import sqlalchemy as sa
from flask import current_app

from app.extensions import db, utcnow
from app.jobs import enqueue, job_queues
from app.webhooks import core, pinned
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from app.webhooks.pinned import Answer

log = logging.getLogger(__name__)

# A worker holds a delivery this long at most: past it, the delivery is taken to be lost.
CLAIM_FOR = timedelta(minutes=2)
USER_AGENT = "Unstuck-Webhooks/1"


def send_delivery(delivery_id: int) -> str:
    """Send a delivery if it is due, first in line for its object and not sent already;
    return what happened ("delivered", "retry", "failed", or why nothing was sent)."""
    now = utcnow()
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return "done"
    if not delivery.endpoint.active:
        return "switched off"
    if delivery.endpoint.verified_at is None:
        return "waiting for verification"  # verifying it sends what waits
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
        return "not yet"
    if earlier_pending(delivery):
        return "waiting"  # the earlier one, once delivered or failed, sends this one
    if not _claim(delivery.id, now):
        return "claimed"
    delivery = db.session.get(WebhookDelivery, delivery_id)
    endpoint = delivery.endpoint
    answer = post(endpoint, delivery.message_id, delivery.payload.encode())
    outcome = record(delivery, answer, utcnow())
    db.session.commit()
    if outcome == "retry":
        schedule(delivery.id, delivery.next_attempt_at)
    else:
        send_next(delivery)
    return outcome


def earlier_pending(delivery: WebhookDelivery) -> bool:
    """Whether an earlier delivery about the same object to the same endpoint is still to go."""
    earlier = sa.select(WebhookDelivery.id).where(
        WebhookDelivery.endpoint_id == delivery.endpoint_id,
        WebhookDelivery.object_key == delivery.object_key,
        WebhookDelivery.id < delivery.id,
        WebhookDelivery.status == DeliveryStatus.PENDING,
    )
    return db.session.scalar(sa.select(earlier.exists())) or False


def _claim(delivery_id: int, now: datetime) -> bool:
    """Take the delivery for this worker, and commit: one worker sends it at a time."""
    statement = (
        sa.update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
            sa.or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until < now),
        )
        .values(claimed_until=now + CLAIM_FOR)
        .execution_options(synchronize_session=False)
    )
    taken = db.session.execute(statement).rowcount == 1
    db.session.commit()
    return taken


def post(endpoint: WebhookEndpoint, message_id: str, payload: bytes) -> Answer:
    """POST a body to the endpoint, signed now, at the address its host had when checked
    (looked up once, `pinned`); read at most the first bytes back."""
    config = current_app.config
    to = pinned.target(endpoint.url, config["WEBHOOKS_ALLOW_PRIVATE"])
    if isinstance(to, str):
        return Answer(None, 0, error=to)
    secrets = core.signing_secrets(endpoint.secret, endpoint.previous_secret, endpoint.previous_secret_until, utcnow())
    headers = core.sign(message_id, utcnow(), payload, secrets) | {"user-agent": USER_AGENT}
    timeout = config["WEBHOOKS_TIMEOUT_SECONDS"]
    return pinned.post(to, payload, headers, timeout, config["WEBHOOKS_CA_BUNDLE"], core.KEPT_ANSWER_BYTES)


def refused_address(url: str) -> str | None:
    """Why the endpoint's address may not be called now (None if it may): its host must
    resolve to public addresses only, unless WEBHOOKS_ALLOW_PRIVATE. Checked at every try,
    since a name can come to point elsewhere after the endpoint was added."""
    to = pinned.target(url, current_app.config["WEBHOOKS_ALLOW_PRIVATE"])
    return to if isinstance(to, str) else None


def record(delivery: WebhookDelivery, answer: Answer, now: datetime) -> str:
    """Write the outcome of a try on the delivery and its endpoint; return "delivered",
    "retry" or "failed"."""
    endpoint = delivery.endpoint
    delivery.attempts += 1
    delivery.claimed_until = None
    delivery.last_attempt_at = now
    delivery.last_status_code = answer.status_code
    delivery.last_duration_ms = answer.duration_ms
    delivery.last_answer = answer.text
    delivery.last_error = answer.error[:300] if answer.error else None
    if core.delivered(answer.status_code):
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        endpoint.failing_since = None
        return "delivered"
    endpoint.failing_since = endpoint.failing_since or now
    delivery.next_attempt_at = core.next_try(delivery.attempts, now)
    if delivery.next_attempt_at is None:
        delivery.status = DeliveryStatus.FAILED
        return "failed"
    return "retry"


def schedule(delivery_id: int, when: datetime | None) -> None:
    """Have a worker try the delivery again at `when`; if Redis is down, the upkeep will."""
    if when is None:
        return
    try:
        job_queues().queues["default"].enqueue_at(when, send_delivery, delivery_id)
    except redis.RedisError:
        log.exception("could not schedule webhook delivery %s; the upkeep will send it", delivery_id)


def send_next(delivery: WebhookDelivery) -> None:
    """Send the next delivery about the same object to the same endpoint, now that this one is done."""
    next_id = db.session.scalar(
        sa.select(sa.func.min(WebhookDelivery.id)).where(
            WebhookDelivery.endpoint_id == delivery.endpoint_id,
            WebhookDelivery.object_key == delivery.object_key,
            WebhookDelivery.id > delivery.id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
        )
    )
    if next_id is not None:
        enqueue(send_delivery, next_id)


def first_pending_per_object(endpoint_id: int) -> list[int]:
    """The deliveries to an endpoint that are next in line, one per object, oldest first."""
    firsts = (
        sa.select(sa.func.min(WebhookDelivery.id))
        .where(WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.status == DeliveryStatus.PENDING)
        .group_by(WebhookDelivery.object_key)
    )
    return sorted(db.session.scalars(firsts))
