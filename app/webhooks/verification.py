"""Verifying an endpoint: before it gets any event (and again after its address changes),
Unstuck sends it a signed `webhook.verification` event with a random challenge, and the
endpoint proves it wants Unstuck's events by answering 2xx with the challenge in its body.
Until then its deliveries wait; once verified they go out, in order per object.

    ask_to_verify(endpoint)         # a service's part: a new challenge, sent after the commit
    send_verification(endpoint_id)  # the job; commits once, with the outcome
"""

from __future__ import annotations

from app.extensions import db, utcnow
from app.jobs import enqueue, enqueue_after_commit
from app.webhooks import core
from app.webhooks.models import WebhookEndpoint
from app.webhooks.sender import first_pending_per_object, post, send_delivery


def ask_to_verify(endpoint: WebhookEndpoint) -> None:
    """Make the endpoint unverified with a new challenge, and send it after the commit."""
    endpoint.verified_at = None
    endpoint.challenge = core.new_challenge()
    endpoint.verification_sent_at = utcnow()
    endpoint.verification_error = None
    db.session.flush()
    enqueue_after_commit(send_verification, endpoint.id)


def send_verification(endpoint_id: int) -> str:
    """Send an endpoint its challenge; when it answers with it, mark it verified and send
    what waited. Returns "verified", "not verified", or why nothing was sent."""
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.challenge is None:
        return "done"
    if not endpoint.active:
        return "switched off"
    challenge = endpoint.challenge
    payload = core.verification_body(challenge, utcnow(), endpoint.id)
    db.session.commit()  # no transaction stays open while the endpoint takes its time
    answer = post(endpoint, core.new_message_id(), payload)
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.challenge != challenge:
        db.session.rollback()
        return "done"  # removed, or asked again meanwhile: the newer challenge counts
    problem = answer.error if answer.status_code is None else None
    problem = problem or core.verification_problem(answer.status_code, answer.text, challenge)
    if problem:
        endpoint.verification_error = problem[:300]
        db.session.commit()
        return "not verified"
    endpoint.verified_at, endpoint.challenge, endpoint.verification_error = utcnow(), None, None
    waiting = first_pending_per_object(endpoint.id)
    db.session.commit()
    for delivery_id in waiting:
        enqueue(send_delivery, delivery_id)
    return "verified"
