"""What admins do with webhook endpoints, and the upkeep that retries and switches off.

Services flush, never commit: the request, or the upkeep job, owns the transaction.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from app.errors import Conflict, InvalidInput, NotFound
from app.extensions import db, utcnow
from app.jobs import enqueue_after_commit, requeue_lost
from app.mail.outgoing.compose import send_mail
from app.people.models import Role, User, UserRole
from app.urls import external_url
from app.webhooks import core
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from app.webhooks.sender import first_pending_per_object, send_delivery
from app.webhooks.verification import ask_to_verify


def _endpoint(endpoint_id: int) -> WebhookEndpoint:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound("There is no such webhook endpoint.")
    return endpoint


def _checked_url(url: str) -> str:
    url = (url or "").strip()
    problem = core.address_problem(url, current_app.config["WEBHOOKS_ALLOW_PRIVATE"])
    if problem:
        raise InvalidInput({"url": problem}, problem)
    return url


def _checked(url: str, events: list[str]) -> tuple[str, list[str]]:
    url = _checked_url(url)
    unknown = [e for e in events if e not in core.EVENTS]
    if unknown:
        raise InvalidInput({"events": f"There is no event {unknown[0]!r}."}, f"Unknown event: {unknown[0]}.")
    if not events:
        raise InvalidInput({"events": "Choose at least one event."}, "Choose at least one event.")
    return url, [e for e in core.EVENTS if e in events]


def add_endpoint(url: str, events: list[str]) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint for the chosen events and ask it to verify itself (its events
    wait until it has); return it and its secret, shown once."""
    url, events = _checked(url, events)
    secret = core.new_secret()
    endpoint = WebhookEndpoint(url=url, events=events, secret=secret, active=True)
    db.session.add(endpoint)
    db.session.flush()
    ask_to_verify(endpoint)
    return endpoint, secret


def change_address(endpoint_id: int, url: str) -> WebhookEndpoint:
    """Move an endpoint to another address, which must verify itself again: until it has,
    the events wait (and then go to the new address)."""
    endpoint = _endpoint(endpoint_id)
    url = _checked_url(url)
    if url != endpoint.url:
        endpoint.url = url
        ask_to_verify(endpoint)
    return endpoint


def verify_again(endpoint_id: int) -> WebhookEndpoint:
    """Send an endpoint waiting for verification a new challenge."""
    endpoint = _endpoint(endpoint_id)
    if endpoint.verified_at is not None:
        raise Conflict("The endpoint is verified already.")
    if not endpoint.active:
        raise Conflict("Switch the endpoint on first.")
    ask_to_verify(endpoint)
    return endpoint


def change_events(endpoint_id: int, events: list[str]) -> WebhookEndpoint:
    """Change which events an endpoint gets (from the next event on)."""
    endpoint = _endpoint(endpoint_id)
    _, endpoint.events = _checked(endpoint.url, events)
    return endpoint


def rotate_secret(endpoint_id: int) -> str:
    """Make a new secret for an endpoint and return it (shown once); the old one keeps signing
    beside it for `core.ROTATION_OVERLAP`, so the receiver can switch without losing events."""
    endpoint = _endpoint(endpoint_id)
    now = utcnow()
    endpoint.previous_secret, endpoint.previous_secret_until = endpoint.secret, now + core.ROTATION_OVERLAP
    endpoint.secret = core.new_secret()
    return endpoint.secret


def switch(endpoint_id: int, on: bool) -> WebhookEndpoint:
    """Switch an endpoint on (its waiting deliveries go out, or it is asked again to verify
    itself) or off (they are marked failed)."""
    endpoint = _endpoint(endpoint_id)
    if on and not endpoint.active:
        endpoint.active, endpoint.switched_off_at, endpoint.failing_since = True, None, None
        if endpoint.verified_at is None:
            ask_to_verify(endpoint)
        else:
            for delivery_id in first_pending_per_object(endpoint.id):
                enqueue_after_commit(send_delivery, delivery_id)
    elif not on and endpoint.active:
        _switch_off(endpoint, "switched off by an admin")
    return endpoint


def delete_endpoint(endpoint_id: int) -> None:
    """Remove an endpoint and its delivery log."""
    endpoint = _endpoint(endpoint_id)
    db.session.execute(sa.delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    db.session.delete(endpoint)
    db.session.flush()


def send_again(delivery_id: int) -> WebhookDelivery:
    """Send a failed delivery again, with the same id and body, on a fresh retry schedule."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise NotFound("There is no such delivery.")
    if not delivery.endpoint.active:
        raise Conflict("Switch the endpoint on first.")
    if delivery.status != DeliveryStatus.FAILED:
        raise Conflict("Only a failed delivery can be sent again.")
    delivery.status, delivery.attempts, delivery.next_attempt_at = DeliveryStatus.PENDING, 0, utcnow()
    enqueue_after_commit(send_delivery, delivery.id)
    return delivery


def _switch_off(endpoint: WebhookEndpoint, why: str) -> None:
    now = utcnow()
    endpoint.active, endpoint.switched_off_at = False, now
    db.session.execute(
        sa.update(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.FAILED, next_attempt_at=None, last_error=f"not sent: the endpoint was {why}")
        .execution_options(synchronize_session=False)
    )


def webhook_upkeep() -> dict[str, int]:
    """Switch off endpoints that failed for a day (telling the admins once), fail deliveries
    that waited too long for their endpoint's verification, and send the deliveries that
    are due and first in line for their object but whose job was lost."""
    now = utcnow()
    switched_off = 0
    failing = db.session.scalars(
        sa.select(WebhookEndpoint).where(
            WebhookEndpoint.active.is_(True), WebhookEndpoint.failing_since <= now - core.FAILING_TOO_LONG
        )
    ).all()
    for endpoint in failing:
        since = endpoint.failing_since
        _switch_off(endpoint, "switched off after a day of failures")
        _tell_admins(endpoint, since)
        switched_off += 1
    expired = _fail_unverified_waiting(now)
    earlier = sa.orm.aliased(WebhookDelivery)
    first_in_line = ~sa.exists().where(
        earlier.endpoint_id == WebhookDelivery.endpoint_id,
        earlier.object_key == WebhookDelivery.object_key,
        earlier.id < WebhookDelivery.id,
        earlier.status == DeliveryStatus.PENDING,
    )
    due = sa.and_(
        WebhookDelivery.status == DeliveryStatus.PENDING,
        WebhookDelivery.next_attempt_at <= now,
        sa.or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until < now),
        WebhookDelivery.endpoint_id.in_(
            sa.select(WebhookEndpoint.id).where(
                WebhookEndpoint.active.is_(True), WebhookEndpoint.verified_at.is_not(None)
            )
        ),
        first_in_line,
    )
    sent = requeue_lost(WebhookDelivery.id, due, send_delivery)
    return {"switched_off": switched_off, "expired": expired, "enqueued": sent}


def _fail_unverified_waiting(now) -> int:
    unverified = sa.select(WebhookEndpoint.id).where(WebhookEndpoint.verified_at.is_(None))
    result = db.session.execute(
        sa.update(WebhookDelivery)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.endpoint_id.in_(unverified),
            WebhookDelivery.created_at <= now - core.WAIT_FOR_VERIFICATION,
        )
        .values(
            status=DeliveryStatus.FAILED, next_attempt_at=None, last_error="not sent: the endpoint was not verified"
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def _tell_admins(endpoint: WebhookEndpoint, failing_since) -> None:
    admins = db.session.scalars(
        sa.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ADMIN, User.active.is_(True))
        .order_by(User.id)
    ).all()
    link = external_url("webhooks.endpoint", endpoint_id=endpoint.id)
    for admin in admins:
        send_mail(
            key=f"webhook-off:{endpoint.id}:{failing_since.isoformat()}:{admin.id}",
            kind="webhook_switched_off",
            to=admin,
            subject="A webhook endpoint was switched off",
            template="webhooks/mail/switched_off",
            context={"endpoint": endpoint, "failing_since": failing_since, "link": link},
            about=("webhook_endpoint", endpoint.id),
        )
