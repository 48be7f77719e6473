"""The rules of webhooks out, over plain values: the events, the body, the signatures, the
retry schedule, the addresses we send to, and when an endpoint has failed too long.

No Flask and no database here: the models, the sender and the pages use these.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import secrets
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from standardwebhooks.webhooks import Webhook

# Every event an endpoint may choose, with what it means, in the order the pages list them.
EVENTS: dict[str, str] = {
    "question.asked": "A question was asked",
    "question.routed": "A question was sent to a mentor",
    "question.taken": "A mentor took a question",
    "question.answered": "A question was answered",
    "question.resolved": "A question was marked resolved",
    "mentorship.proposed": "A mentor was proposed to a new hire",
    "mentorship.accepted": "A mentor accepted a mentorship",
    "mentorship.declined": "A mentor declined a mentorship",
    "mentorship.ended": "A mentorship ended",
    "session.scheduled": "A weekly session was scheduled",
    "session.summary_sent": "A weekly session's summary was sent",
    "feedback.flag_raised": "A mentorship was flagged for a lead",
    "person.joined": "A person joined",
    "person.deactivated": "A person left",
}

# After the first try fails, the next tries wait this long each; after the last, the
# delivery has failed. Together a little over 27 hours: retried for a day, as Standard
# Webhooks suggests (an endpoint failing all along is switched off after FAILING_TOO_LONG).
BACKOFF: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
# An endpoint whose every try failed for this long is switched off.
FAILING_TOO_LONG = timedelta(days=1)
# How long deliveries wait for an endpoint to be verified before they fail: as long as the
# retries of a delivery last.
WAIT_FOR_VERIFICATION: timedelta = sum(BACKOFF, timedelta())
# The event that asks an endpoint to prove it wants Unstuck's events, answered with its challenge.
VERIFICATION = "webhook.verification"
# After a new secret is made, the old one still signs beside it for this long.
ROTATION_OVERLAP = timedelta(days=1)
# The first bytes of an endpoint's answer kept in the delivery log.
KEPT_ANSWER_BYTES = 2048


def next_try(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed tries; None when the delivery has failed."""
    if attempts < 1:
        return now
    if attempts > len(BACKOFF):
        return None
    return now + BACKOFF[attempts - 1]


def delivered(status_code: int | None) -> bool:
    """Whether an answer means the endpoint took the event: any 2xx. A redirect is not
    followed (it could lead anywhere), so it counts as a failure like any other code."""
    return status_code is not None and 200 <= status_code < 300


def failing_too_long(failing_since: datetime | None, now: datetime) -> bool:
    """Whether an endpoint whose tries have all failed since `failing_since` is to be switched off."""
    return failing_since is not None and now - failing_since >= FAILING_TOO_LONG


def body(event_type: str, occurred_at: datetime, data: dict) -> bytes:
    """The JSON body of an event, as Standard Webhooks shapes it: type, timestamp and data.
    Made once when the event happens, so every try sends (and signs) the same bytes."""
    if event_type not in EVENTS:
        raise ValueError(f"unknown webhook event {event_type!r}")
    envelope = {"type": event_type, "timestamp": iso(occurred_at), "data": data}
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()


def verification_body(challenge: str, occurred_at: datetime, endpoint_id: int) -> bytes:
    """The body that asks an endpoint to prove it wants events: `challenge`, to be sent back."""
    envelope = {
        "type": VERIFICATION,
        "timestamp": iso(occurred_at),
        "data": {"challenge": challenge, "endpoint_id": endpoint_id},
    }
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()


def new_challenge() -> str:
    """A fresh random challenge for a verification."""
    return secrets.token_urlsafe(24)


def verification_problem(status_code: int | None, answer: str | None, challenge: str) -> str | None:
    """Why an answer to a verification does not verify the endpoint (None when it does): it
    must be a 2xx whose body holds the challenge."""
    if not delivered(status_code):
        return f"answered {status_code}" if status_code is not None else "no answer"
    if challenge not in (answer or ""):
        return "the answer did not hold the challenge"
    return None


def iso(moment: datetime) -> str:
    """A moment as the payloads write it: UTC, ISO 8601, whole seconds, with a Z."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def new_secret() -> str:
    """A new signing secret in the Standard Webhooks form: whsec_ and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def new_message_id() -> str:
    """A delivery's stable id, sent as webhook-id on every try so that receivers can drop repeats."""
    return "msg_" + secrets.token_urlsafe(18)


def sign(message_id: str, sent_at: datetime, payload: bytes, signing_secrets: Sequence[str]) -> dict[str, str]:
    """The Standard Webhooks headers for a body: one v1 signature per secret, space-separated,
    so a receiver holding either the new or the old secret during a rotation verifies it."""
    if not signing_secrets:
        raise ValueError("an endpoint needs a secret to sign with")
    signatures = " ".join(Webhook(secret).sign(message_id, sent_at, payload) for secret in signing_secrets)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": signatures,
        "content-type": "application/json",
    }


def address_problem(url: str, allow_private: bool) -> str | None:
    """What is wrong with an endpoint's address as written (None if nothing): an https URL
    with a host, no user name or password in it."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018  (raises ValueError for a port that is no number)
    except ValueError:
        return "That is not a web address."
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        return "Give an https:// address, such as https://hooks.example.com/unstuck."
    if parts.username or parts.password:
        return "Leave the user name and password out of the address; the signature proves it is us."
    if len(url) > 2000:
        return "That address is too long."
    return None


def private_address(addresses: Iterable[str]) -> str | None:
    """The first of a host's addresses that is not on the public internet (loopback, private,
    link-local, reserved...), or None when all are public."""
    for text in addresses:
        try:
            ip = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            return text
        if not ip.is_global or ip.is_multicast:
            return text
    return None


def signing_secrets(secret: str, previous: str | None, previous_until: datetime | None, now: datetime) -> list[str]:
    """The secrets that sign now: the current one, and the one before it while the overlap lasts."""
    if previous and previous_until is not None and now < previous_until:
        return [secret, previous]
    return [secret]
