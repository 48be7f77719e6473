"""The job that sends a delivery: signed, over a short timeout, redirects not followed, the
outcome logged; retried on the schedule of `core.BACKOFF`, in order per object.

This job commits several times, as few flows in Unstuck do (app/unit_of_work.py): the
delivery is claimed and committed before the request goes out (no transaction stays open
while an endpoint takes its time), and the outcome is committed when it comes.
"""

from __future__ import annotations

import logging
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import redis
import requests
import sqlalchemy as sa
from flask import current_app

from app.extensions import db, utcnow
from app.jobs import enqueue, job_queues
from app.webhooks import core
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)

# A worker holds a delivery this long at most: past it, the delivery is taken to be lost.
CLAIM_FOR = timedelta(minutes=2)
USER_AGENT = "Unstuck-Webhooks/1"


@dataclass(frozen=True)
class Answer:
    """What came back from one try."""

    status_code: int | None
    duration_ms: int
    text: str | None = None
    error: str | None = None


def send_delivery(delivery_id: int) -> str:
    """Send a delivery if it is due, first in line for its object and not sent already;
    return what happened ("delivered", "retry", "failed", or why nothing was sent)."""
    now = utcnow()
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return "done"
    if not delivery.endpoint.active:
        return "switched off"
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
        return "not yet"
    if earlier_pending(delivery):
        return "waiting"  # the earlier one, once delivered or failed, sends this one
    if not _claim(delivery.id, now):
        return "claimed"
    delivery = db.session.get(WebhookDelivery, delivery_id)
    endpoint = delivery.endpoint
    answer = post(endpoint, delivery)
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


def post(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> Answer:
    """POST the delivery's body to the endpoint, signed now; read at most the first bytes back."""
    timeout = current_app.config["WEBHOOKS_TIMEOUT_SECONDS"]
    certificates = current_app.config["WEBHOOKS_CA_BUNDLE"] or True
    started = time.monotonic()

    def took() -> int:
        return round((time.monotonic() - started) * 1000)

    refusal = refused_address(endpoint.url)
    if refusal:
        return Answer(None, 0, error=refusal)
    payload = delivery.payload.encode()
    secrets = core.signing_secrets(endpoint.secret, endpoint.previous_secret, endpoint.previous_secret_until, utcnow())
    headers = core.sign(delivery.message_id, utcnow(), payload, secrets) | {"user-agent": USER_AGENT}
    try:
        with requests.post(
            endpoint.url,
            data=payload,
            headers=headers,
            timeout=(timeout, timeout),
            allow_redirects=False,
            stream=True,
            verify=certificates,
        ) as response:
            text = response.raw.read(core.KEPT_ANSWER_BYTES, decode_content=True).decode("utf-8", "replace")
            error = None
            if response.is_redirect or response.is_permanent_redirect:
                error = f"redirected to {response.headers.get('location', '?')[:200]} (not followed)"
            elif not core.delivered(response.status_code):
                error = f"answered {response.status_code}"
            return Answer(response.status_code, took(), text, error)
    except requests.Timeout:
        return Answer(None, took(), error=f"no answer in time ({timeout:g} s)")
    except requests.ConnectionError as exc:
        return Answer(None, took(), error=f"could not connect: {_reason(exc)}")
    except requests.RequestException as exc:
        return Answer(None, took(), error=f"failed: {_reason(exc)}")


def _reason(exc: Exception) -> str:
    text = str(exc.args[0] if exc.args else exc)
    return text[:250]


def refused_address(url: str) -> str | None:
    """Why the endpoint's address may not be called now (None if it may): its host must
    resolve to public addresses only, unless WEBHOOKS_ALLOW_PRIVATE. Checked at every try,
    since a name can come to point elsewhere after the endpoint was added."""
    allow_private = current_app.config["WEBHOOKS_ALLOW_PRIVATE"]
    problem = core.address_problem(url, allow_private)
    if problem or allow_private:
        return problem
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)}
    except OSError:
        return f"could not find {host}"
    private = core.private_address(addresses)
    return f"refused: {host} is {private}, not on the internet" if private else None


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
