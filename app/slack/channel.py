"""Slack as a channel of notices: a direct message to a linked person (in the chat thread
where the notice's thread already lives for them), a post in a team's channel, and
messages revised when what they offer changed.

Each message is a slack_messages row written in the transaction where the notice was told,
posted by a job after the commit; the row makes it once-only per notice and recipient."""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from rq import Retry
from slack_sdk.errors import SlackApiError

from app.extensions import db, utcnow
from app.jobs import enqueue_after_commit, requeue_lost
from app.notices.core import Card, Notice, card_from_json, card_to_json
from app.notices.fallback import mail_instead
from app.slack.blocks import blocks_json, short
from app.slack.client import client_for
from app.slack.models import MessageStatus, SlackLink, SlackMessage, SlackTeamChannel

log = logging.getLogger(__name__)

NAME = "slack"
LIVE = (MessageStatus.PENDING, MessageStatus.SENT)
# Slack busy or out of reach: the post is tried again after 30 seconds, 2 and 10 minutes,
# and by the upkeep every minute after that, until it is an hour old; then the person
# gets it by email. What Slack refuses for good (the user gone, the app removed) goes by
# email at once.
RETRY = Retry(max=3, interval=[30, 120, 600])
LOST_JOB_AFTER = timedelta(minutes=2)
GIVE_UP_AFTER = timedelta(hours=1)
# Slack's errors that pass: what it says when it is busy or unwell.
PASSING_ERRORS = {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}


def link_of(person_id: int) -> SlackLink | None:
    """The person's latest link to a workspace where the app is installed."""
    return db.session.scalar(sa.select(SlackLink).where(SlackLink.user_id == person_id).order_by(SlackLink.id.desc()))


class SlackChannel:
    name = NAME
    title = "Slack"
    how_to_link = "link your Slack account by the email address Slack confirmed for you"
    link_endpoint = "slack.link_page"

    def reaches(self, person) -> bool:
        return link_of(person.id) is not None

    def holds(self, person_id: int, thread: str) -> bool:
        return (
            db.session.scalar(
                sa.select(SlackMessage.id)
                .where(SlackMessage.user_id == person_id, SlackMessage.thread == thread, SlackMessage.status.in_(LIVE))
                .limit(1)
            )
            is not None
        )

    def send(self, person, notice: Notice) -> None:
        link = link_of(person.id)
        if link is not None:
            queue = "urgent" if notice.topic == "questions_blocking" else "default"
            _record(notice, f"person:{person.id}", link.workspace_id, queue, user_id=person.id, thread=notice.thread)

    def send_team(self, team, notice: Notice) -> bool:
        chosen = db.session.get(SlackTeamChannel, team.id)
        if chosen is None:
            return False
        _record(notice, f"team:{team.id}", chosen.workspace_id, "default", team_id=team.id, channel=chosen.channel_id)
        return True

    def revise(self, key: str, card: Card) -> None:
        for message in db.session.scalars(sa.select(SlackMessage).where(SlackMessage.notice_key == key)):
            show(message, card)


def show(message: SlackMessage, card: Card, note: str = "") -> None:
    """Make a message show this card (and a note under it), in Slack after the commit."""
    message.card = {**card_to_json(card), "note": note}
    enqueue_after_commit(update_message_job, message.id)


def _record(notice: Notice, recipient: str, workspace_id: str, queue: str, **fields) -> None:
    """Keep the message for a recipient once per notice, and post it after the commit."""
    if _recorded(notice.key, recipient):
        return
    message = SlackMessage(
        notice_key=notice.key,
        recipient=recipient,
        workspace_id=workspace_id,
        card=card_to_json(notice.card),
        **fields,
    )
    db.session.add(message)
    db.session.flush()
    enqueue_after_commit(post_message_job, message.id, queue=queue, retry=RETRY)


def _recorded(key: str, recipient: str) -> bool:
    return (
        db.session.scalar(
            sa.select(SlackMessage.id).where(SlackMessage.notice_key == key, SlackMessage.recipient == recipient)
        )
        is not None
    )


def _card(message: SlackMessage) -> tuple[Card, str]:
    data = dict(message.card)
    note = data.pop("note", "") or ""
    return card_from_json(data), note


def _thread_root(message: SlackMessage) -> SlackMessage | None:
    """The first message posted to the person in the notice's thread, if there is one."""
    if message.thread is None or message.user_id is None:
        return None
    return db.session.scalar(
        sa.select(SlackMessage)
        .where(
            SlackMessage.user_id == message.user_id,
            SlackMessage.thread == message.thread,
            SlackMessage.status == MessageStatus.SENT,
            SlackMessage.id != message.id,
        )
        .order_by(SlackMessage.id)
        .limit(1)
    )


def post_message_job(message_id: int) -> None:
    """Post one recorded message, once: a direct message (in its thread, when the person
    already has one for it) or a team channel's post."""
    message = db.session.scalar(sa.select(SlackMessage).where(SlackMessage.id == message_id).with_for_update())
    if message is None or message.status != MessageStatus.PENDING:
        return
    card, note = _card(message)
    try:
        client = client_for(message.workspace_id)
        if message.user_id is not None:
            link = db.session.scalar(
                sa.select(SlackLink).where(
                    SlackLink.user_id == message.user_id, SlackLink.workspace_id == message.workspace_id
                )
            )
            if link is None:
                raise LookupError("the person is no longer linked in this workspace")
            message.channel = client.conversations_open(users=link.slack_user_id)["channel"]["id"]
        root = _thread_root(message)
        if root is not None and root.channel == message.channel:
            message.thread_ts = root.thread_ts or root.ts
        answer = client.chat_postMessage(
            channel=message.channel,
            text=short(card.title, 3000),
            blocks=blocks_json(card, note),
            thread_ts=message.thread_ts,
            unfurl_links=False,
        )
    except (SlackApiError, LookupError, OSError) as exc:
        if passes(exc):
            raise  # the queue tries again; nothing of this try is kept
        give_up(message, short(described(exc), 200))
        return
    message.channel, message.ts = answer["channel"], answer["ts"]
    message.status, message.sent_at = MessageStatus.SENT, utcnow()


def passes(exc: Exception) -> bool:
    """Whether trying again later may work: Slack busy, unwell or out of reach."""
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", None) or 0
        return status == 429 or status >= 500 or exc.response.get("error") in PASSING_ERRORS
    return isinstance(exc, OSError)  # the network (a timeout, a refused connection)


def described(exc: Exception) -> str:
    """What went wrong, in Slack's own word where it gave one (user_not_found, say)."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc)
    return str(exc)


def give_up(message: SlackMessage, why: str) -> None:
    """Mark a message failed for good; a person's notice then reaches them by email."""
    message.status, message.error = MessageStatus.FAILED, why
    log.warning("a Slack message for %s was not posted: %s", message.notice_key, why)
    if message.user_id is not None:
        card, _ = _card(message)
        mail_instead(message.user_id, message.notice_key, card, f"Slack could not deliver it ({why}).", message.thread)


def slack_upkeep() -> int:
    """Post again the messages whose job was lost or whose retries ran out, and give up on
    those an hour old, by email; return how many were handed on. Safe to run twice: the
    post job locks its row and posts only a pending one."""
    now = utcnow()
    pending = SlackMessage.status == MessageStatus.PENDING
    stale = db.session.scalars(
        sa.select(SlackMessage).where(pending, SlackMessage.created_at < now - GIVE_UP_AFTER).with_for_update()
    ).all()
    for message in stale:
        give_up(message, "not posted within an hour")
    lost = sa.and_(pending, SlackMessage.created_at < now - LOST_JOB_AFTER)
    return len(stale) + requeue_lost(SlackMessage.id, lost, post_message_job, retry=RETRY)


def update_message_job(message_id: int) -> None:
    """Make a posted message show its card as it is now (a message still to be posted
    will be posted with it)."""
    message = db.session.get(SlackMessage, message_id)
    if message is None or message.status != MessageStatus.SENT:
        return
    card, note = _card(message)
    try:
        client_for(message.workspace_id).chat_update(
            channel=message.channel, ts=message.ts, text=short(card.title, 3000), blocks=blocks_json(card, note)
        )
    except (SlackApiError, LookupError) as exc:
        log.warning("a Slack message for %s was not updated: %s", message.notice_key, exc)
