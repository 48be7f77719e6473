"""The job that posts a Teams message to its webhook: over a short timeout, redirects not
followed, the outcome kept on the message; retried on the schedule of `BACKOFF`, then marked
failed. The upkeep sends again what lost its job.

This job commits several times, as few flows in Unstuck do (app/unit_of_work.py): the
message is claimed and committed before the request goes out (no transaction stays open
while Microsoft takes its time), and the outcome is committed when it comes.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import redis
import requests
import sqlalchemy as sa
from flask import current_app

from app.extensions import db, utcnow
from app.jobs import job_queues, requeue_lost
from app.notices.core import card_from_json
from app.notices.fallback import mail_instead
from app.teams.cards import url_problem
from app.teams.models import MessageStatus, TeamsMessage, TeamsWebhook

log = logging.getLogger(__name__)

# A failed post is tried again after 30 seconds, 2 minutes, 10 minutes, 1 hour and 4 hours;
# after the last, the message is marked failed.
BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(hours=1), timedelta(hours=4))
# A worker holds a message this long at most: past it, the message is taken to be lost.
CLAIM_FOR = timedelta(minutes=2)
# A message due this long ago and still pending has lost its job (Redis was down, say).
LOST_AFTER = timedelta(minutes=2)
KEPT_ANSWER_BYTES = 300
USER_AGENT = "Unstuck-Teams/1"


def send_message(message_id: int) -> str:
    """Post a message if it is due and not posted already; return what happened ("sent",
    "retry", "failed", or why nothing was posted)."""
    now = utcnow()
    message = db.session.get(TeamsMessage, message_id)
    if message is None or message.status != MessageStatus.PENDING:
        return "done"
    if message.next_attempt_at is not None and message.next_attempt_at > now:
        return "not yet"
    if not _claim(message_id, now):
        return "claimed"
    message = db.session.get(TeamsMessage, message_id)
    db.session.refresh(message)
    url = address_of(message)
    if url is None:
        error, status = "no Teams webhook address any more", None
    else:
        error = url_problem(url, current_app.config["TEAMS_ALLOW_ANY_HOST"])
        status = None
        if error is None:
            status, error = post(url, message.payload)
    outcome = record(message, status, error, utcnow(), final=url is None)
    if outcome == "failed" and message.user_id is not None and message.card:
        why = f"Microsoft Teams could not take it ({message.last_error or 'no answer'})."
        mail_instead(message.user_id, message.notice_key, card_from_json(message.card), why, message.thread)
    db.session.commit()
    if outcome == "retry":
        schedule(message.id, message.next_attempt_at)
    log.info(
        "teams message %s (%s, %s): %s %s", message.id, message.notice_key, message.recipient, outcome, error or ""
    )
    return outcome


def address_of(message: TeamsMessage) -> str | None:
    """The webhook address of the message's recipient now (None if it was removed)."""
    if message.user_id is not None:
        where = TeamsWebhook.user_id == message.user_id
    elif message.team_id is not None:
        where = TeamsWebhook.team_id == message.team_id
    else:
        return None
    return db.session.scalar(sa.select(TeamsWebhook.url).where(where))


def _claim(message_id: int, now: datetime) -> bool:
    """Take the message for this worker, and commit: one worker posts it at a time."""
    statement = (
        sa.update(TeamsMessage)
        .where(
            TeamsMessage.id == message_id,
            TeamsMessage.status == MessageStatus.PENDING,
            sa.or_(TeamsMessage.claimed_until.is_(None), TeamsMessage.claimed_until < now),
        )
        .values(claimed_until=now + CLAIM_FOR)
        .execution_options(synchronize_session=False)
    )
    taken = db.session.execute(statement).rowcount == 1
    db.session.commit()
    return taken


def post(url: str, payload: str) -> tuple[int | None, str | None]:
    """POST the message; return the status code (None if none came) and what went wrong."""
    timeout = current_app.config["TEAMS_TIMEOUT_SECONDS"]
    try:
        with requests.post(
            url,
            data=payload.encode(),
            headers={"content-type": "application/json", "user-agent": USER_AGENT},
            timeout=(timeout, timeout),
            allow_redirects=False,
            stream=True,
        ) as response:
            text = response.raw.read(KEPT_ANSWER_BYTES, decode_content=True).decode("utf-8", "replace")
            if 200 <= response.status_code < 300:
                return response.status_code, None
            if response.is_redirect or response.is_permanent_redirect:
                return response.status_code, f"redirected (not followed): {response.status_code}"
            return response.status_code, f"answered {response.status_code}: {' '.join(text.split())[:200]}"
    except requests.Timeout:
        return None, f"no answer in time ({timeout:g} s)"
    except requests.RequestException as exc:
        return None, f"could not post: {without_secret(str(exc.args[0] if exc.args else exc), url)[:250]}"


def without_secret(text: str, url: str) -> str:
    """An error's words without the address's path and query, which work as its password."""
    parts = urlsplit(url)
    path_and_query = parts.path + (f"?{parts.query}" if parts.query else "")
    for secret in (url, path_and_query, parts.query, parts.path):
        if len(secret) > 1:
            text = text.replace(secret, "/…")
    return text


def record(message: TeamsMessage, status: int | None, error: str | None, now: datetime, final: bool = False) -> str:
    """Write the outcome of a try on the message; return "sent", "retry" or "failed"."""
    message.attempts += 1
    message.claimed_until = None
    message.last_status_code = status
    message.last_error = error[:300] if error else None
    if error is None:
        message.status, message.sent_at, message.next_attempt_at = MessageStatus.SENT, now, None
        return "sent"
    if final or message.attempts > len(BACKOFF):
        message.status, message.next_attempt_at = MessageStatus.FAILED, None
        return "failed"
    message.next_attempt_at = now + BACKOFF[message.attempts - 1]
    return "retry"


def schedule(message_id: int, when: datetime | None) -> None:
    """Have a worker try the message again at `when`; if Redis is down, the upkeep will."""
    if when is None:
        return
    try:
        job_queues().queues["default"].enqueue_at(when, send_message, message_id)
    except redis.RedisError:
        log.exception("could not schedule teams message %s; the upkeep will send it", message_id)


def teams_upkeep() -> int:
    """Send again the messages whose job was lost: due a while ago, still pending, and not
    held by a worker. Sending one whose job was only slow is harmless: claiming lets one
    job post it. Return how many were enqueued."""
    now = utcnow()
    lost = sa.and_(
        TeamsMessage.status == MessageStatus.PENDING,
        TeamsMessage.next_attempt_at < now - LOST_AFTER,
        sa.or_(TeamsMessage.claimed_until.is_(None), TeamsMessage.claimed_until < now),
    )
    return requeue_lost(TeamsMessage.id, lost, send_message)
