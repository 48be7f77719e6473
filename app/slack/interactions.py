"""What people do in Slack with Unstuck's messages: click a button (which may ask for a
text first, in a modal), and reply in a message's thread. Each ends in the action or the
thread reply the feature registered (app.notices.actions), as a person linked first."""

from __future__ import annotations

import json
import logging
import re

import sqlalchemy as sa
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import InputBlock, PlainTextInputElement
from slack_sdk.models.views import View

from app.errors import InvalidInput, ServiceError
from app.extensions import db
from app.notices.actions import Done, run_action, run_thread_reply
from app.notices.core import card_from_json
from app.slack.blocks import LINK_ACTION, button_of, short
from app.slack.channel import show
from app.slack.linking import UNKNOWN, person_for
from app.slack.models import SlackMessage
from app.slack.store import seen_before

log = logging.getLogger(__name__)

ANSWER_CALLBACK = "notice_action"
TEXT_BLOCK, TEXT_ACTION = "text", "text"
TEXT_CHARS = 3000


def message_at(channel: str | None, ts: str | None) -> SlackMessage | None:
    if not channel or not ts:
        return None
    return db.session.scalar(sa.select(SlackMessage).where(SlackMessage.channel == channel, SlackMessage.ts == ts))


def tell_ephemeral(client: WebClient, channel: str | None, user: str, text: str) -> None:
    """A line only this person sees, in the channel they acted in (or their direct messages)."""
    try:
        client.chat_postEphemeral(channel=channel or user, user=user, text=short(text, 3000))
    except SlackApiError as exc:
        log.warning("an ephemeral Slack message was not posted: %s", exc)


def error_text(exc: ServiceError) -> str:
    if isinstance(exc, InvalidInput) and exc.fields:
        return " ".join(exc.fields.values())
    return exc.message or "That could not be done."


def acted(client: WebClient, message: SlackMessage | None, channel: str | None, user: str, done: Done) -> None:
    """Show what a button did: the message's new card (with the line under it), else the line alone."""
    if message is not None and done.card is not None:
        show(message, done.card, done.message)
    elif done.message:
        tell_ephemeral(client, channel, user, done.message)


def run_alone(name: str, person, value: str, text: str | None) -> Done:
    """Run an action in a transaction of its own, after this request's earlier work (linking
    the person) is committed: some actions own their transactions, as routing does when a
    question is passed on, and what an action wrote is undone when it refuses."""
    db.session.commit()
    try:
        return run_action(name, person, value, text)
    except ServiceError:
        db.session.rollback()
        raise


def answer_view(button, metadata: dict) -> dict:
    text_input = PlainTextInputElement(action_id=TEXT_ACTION, multiline=True, max_length=TEXT_CHARS)
    return View(
        type="modal",
        callback_id=ANSWER_CALLBACK,
        private_metadata=json.dumps(metadata),
        title=short(button.label, 24),
        submit="Send",
        close="Cancel",
        blocks=[
            InputBlock(
                block_id=TEXT_BLOCK, label=short(button.asks, 2000), element=text_input, optional=button.optional
            )
        ],
    ).to_dict()


def register(bolt: App) -> None:
    """Give the Bolt app its listeners for buttons, their modals and thread replies."""

    @bolt.action(re.compile(r"^(?!ask\.)"))
    def clicked(ack, body, action, context, client: WebClient):
        ack()
        action_id, value = action.get("action_id", ""), action.get("value", "")
        if action_id.startswith(LINK_ACTION):
            return  # it opened a page in the browser
        user = context.user_id
        channel = (body.get("channel") or {}).get("id")
        person = person_for(client, context.team_id, user)
        if person is None:
            tell_ephemeral(client, channel, user, UNKNOWN)
            return
        message = message_at(channel, (body.get("message") or {}).get("ts"))
        card = card_from_json({k: v for k, v in message.card.items() if k != "note"}) if message else None
        button = button_of(card, action_id, value) if card else None
        if button is not None and button.asks:
            metadata = {"action": action_id, "value": value, "channel": channel, "ts": message.ts if message else None}
            client.views_open(trigger_id=body["trigger_id"], view=answer_view(button, metadata))
            return
        try:
            done = run_alone(action_id, person, value, None)
        except ServiceError as exc:
            # A button on something that moved on: the refusal comes with the card it shows now.
            done = Done(error_text(exc), getattr(exc, "card", None))
        acted(client, message, channel, user, done)

    @bolt.view(ANSWER_CALLBACK)
    def answered(ack, body, view, context, client: WebClient):
        metadata = json.loads(view.get("private_metadata") or "{}")
        text = (((view.get("state") or {}).get("values") or {}).get(TEXT_BLOCK) or {}).get(TEXT_ACTION) or {}
        user = context.user_id
        person = person_for(client, context.team_id, user)
        if person is None:
            ack(response_action="errors", errors={TEXT_BLOCK: short(UNKNOWN, 150)})
            return
        try:
            done = run_alone(metadata.get("action", ""), person, metadata.get("value", ""), text.get("value"))
        except ServiceError as exc:
            ack(response_action="errors", errors={TEXT_BLOCK: error_text(exc)})
            return
        ack()
        acted(client, message_at(metadata.get("channel"), metadata.get("ts")), metadata.get("channel"), user, done)

    @bolt.event("message")
    def replied(event, context, client: WebClient, body):
        if event.get("subtype") or event.get("bot_id") or not event.get("user"):
            return  # edits, deletions, bots (this app too) and joins are not replies
        thread_ts = event.get("thread_ts")
        if not thread_ts or thread_ts == event.get("ts"):
            return
        parent = message_at(event.get("channel"), thread_ts)
        if parent is None or parent.thread is None or parent.user_id is None:
            return
        if seen_before(f"event:{body.get('event_id') or event.get('client_msg_id') or event.get('ts')}", 86400):
            return  # Slack sent it again (it retries what it thinks was missed)
        person = person_for(client, context.team_id, event["user"])
        if person is None or person.id != parent.user_id:
            tell_ephemeral(client, event.get("channel"), event["user"], UNKNOWN)
            return
        source_key = f"slack:{event['channel']}:{event['ts']}"
        db.session.commit()  # as for a button: the reply's feature may own its transactions
        try:
            taken = run_thread_reply(parent.thread, person, event.get("text") or "", source_key)
        except ServiceError as exc:
            db.session.rollback()
            tell_ephemeral(client, event.get("channel"), event["user"], error_text(exc))
            return
        if not taken:
            tell_ephemeral(
                client, event.get("channel"), event["user"], "Replies here are not read: open it in Unstuck."
            )
