"""Asking from Slack: the /stuck command and the "Ask Unstuck about this message" shortcut
open a modal that shows answered questions like it first, then saves and routes the
question with the web's own service, rules and limits. The asker then gets a direct
message that is the question's Slack thread for them: its answers arrive there."""

from __future__ import annotations

import json
import secrets

from flask import current_app
from limits import parse_many
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from app.errors import InvalidInput, ServiceError
from app.help import search
from app.help.ask import GOAL_MAX, AskInput, ask_question
from app.help.duplicates import AskedBefore
from app.notices.core import Card, Notice
from app.slack.blocks import escaped, short
from app.slack.channel import SlackChannel
from app.slack.interactions import tell_ephemeral
from app.slack.linking import UNKNOWN, person_for
from app.urls import external_url

ASK_CALLBACK = "ask_question"
SHORTCUT = "ask_about_message"
COMMAND = "/stuck"
GOAL_ACTION = "ask.goal"
SIMILAR_LIMIT = 5
INPUT_CHARS = 3000  # the longest text a Slack input takes
FIELDS = ("goal", "stuck", "link", "urgency", "visibility", "skills", "ask_anyway")


def similar_blocks(team_id: int | None, text: str) -> list[Block]:
    """Answered questions of the team like this text, as the web ask form shows them first."""
    if not search.search_terms(text):
        return []
    entries = search.search_knowledge(team_id, text, limit=SIMILAR_LIMIT)
    if not entries:
        return []
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text="*Answered before: maybe one of these gets you unstuck*"))
    ]
    for entry in entries:
        url = external_url("help.knowledge_entry", question_id=entry.id)
        title = escaped(short(entry.goal, 150)).replace("|", "¦")
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=short(f"<{url}|{title}>\n{escaped(entry.excerpt)}", 3000)))
        )
    blocks.append(DividerBlock())
    return blocks


def _option(value: str, text: str) -> Option:
    return Option(value=value, text=text)


def ask_view(person, goal: str = "", stuck: str = "", link: str = "", title: str = "") -> dict:
    """The modal to ask in, prefilled, with similar answered questions first."""
    urgency = [_option("can_wait", "It can wait"), _option("blocking", "It blocks me")]
    visibility = [
        _option("anonymous", "Anonymous in the knowledge base"),
        _option("named", "With my name in the knowledge base"),
        _option("private", "Private: not in the knowledge base"),
    ]

    def text_input(block_id: str, label: str, value: str, hint: str = "", optional: bool = False, **options):
        dispatch = options.pop("dispatch_action", None)  # the block's, not the element's
        element = PlainTextInputElement(
            action_id=f"ask.{block_id}", initial_value=short(value, INPUT_CHARS) or None, **options
        )
        return InputBlock(
            block_id=block_id,
            label=label,
            element=element,
            hint=hint or None,
            optional=optional,
            dispatch_action=dispatch,
        )

    blocks: list[Block] = similar_blocks(person.team_id, f"{goal}\n{stuck}")
    blocks += [
        text_input(
            "goal",
            "What are you trying to do?",
            goal,
            max_length=GOAL_MAX,
            dispatch_action=True,
            dispatch_action_config={"trigger_actions_on": ["on_enter_pressed"]},
        ),
        text_input(
            "stuck",
            "Where are you stuck?",
            stuck,
            "What you tried, the error you see.",
            multiline=True,
            max_length=INPUT_CHARS,
        ),
        text_input("link", "A link to where you are", link, optional=True),
        InputBlock(
            block_id="urgency",
            label="How urgent?",
            element=RadioButtonsElement(action_id="ask.urgency", options=urgency, initial_option=urgency[0]),
        ),
        InputBlock(
            block_id="visibility",
            label="Once it is answered",
            element=RadioButtonsElement(action_id="ask.visibility", options=visibility, initial_option=visibility[0]),
        ),
        text_input("skills", "Skills (comma separated)", "", "Left empty, Unstuck suggests them.", optional=True),
        InputBlock(
            block_id="ask_anyway",
            label="Asked this before?",
            optional=True,
            element=CheckboxesElement(action_id="ask.ask_anyway", options=[_option("yes", "Ask anyway")]),
        ),
    ]
    metadata = {"request_key": secrets.token_urlsafe(24), "title": title[:300]}
    return View(
        type="modal",
        callback_id=ASK_CALLBACK,
        title="Ask Unstuck",
        submit="Ask",
        close="Cancel",
        private_metadata=json.dumps(metadata),
        blocks=blocks,
    ).to_dict()


def _values(view: dict) -> dict[str, str | list[str]]:
    state = (view.get("state") or {}).get("values") or {}
    found: dict[str, str | list[str]] = {}
    for block_id in FIELDS:
        element = (state.get(block_id) or {}).get(f"ask.{block_id}") or {}
        if "selected_option" in element:
            found[block_id] = (element.get("selected_option") or {}).get("value") or ""
        elif "selected_options" in element:
            found[block_id] = [o.get("value") for o in element.get("selected_options") or []]
        else:
            found[block_id] = element.get("value") or ""
    return found


def asking_limits_allow(person_id: int, hit: bool = False) -> bool:
    """The web's limit on asking (RATELIMIT_ASK), counted in the same place as the web's."""
    limiter = current_app.extensions.get("rate_limits")
    if limiter is None or not limiter.enabled:
        return True
    keys = [current_app.config.get("RATELIMIT_KEY_PREFIX") or "", f"person:{person_id}", "ask"]
    keys = [key for key in keys if key]
    check = limiter.limiter.hit if hit else limiter.limiter.test
    return all(check(item, *keys) for item in parse_many(current_app.config["RATELIMIT_ASK"]))


def _open(client: WebClient, trigger_id: str, view: dict) -> None:
    client.views_open(trigger_id=trigger_id, view=view)


def asked_card(question) -> Card:
    return Card(
        title="Your question is asked",
        text="We are finding the right person to help. Their answers arrive in this thread.",
        quote=question.goal,
        link=external_url("help.thread", question_id=question.id),
        link_label="Open the question",
    )


def register(bolt: App) -> None:
    """Give the Bolt app its /stuck command, its message shortcut and the ask modal."""

    @bolt.command(COMMAND)
    def stuck_command(ack, command, context, client: WebClient):
        person = person_for(client, context.team_id, context.user_id)
        if person is None:
            ack(text=UNKNOWN)
            return
        ack()
        _open(client, command["trigger_id"], ask_view(person, goal=(command.get("text") or "").strip()))

    @bolt.shortcut(SHORTCUT)
    def about_message(ack, shortcut, context, client: WebClient):
        ack()
        channel = (shortcut.get("channel") or {}).get("id")
        person = person_for(client, context.team_id, context.user_id)
        if person is None:
            tell_ephemeral(client, channel, context.user_id, UNKNOWN)
            return
        message = shortcut.get("message") or {}
        try:
            link = client.chat_getPermalink(channel=channel, message_ts=message.get("ts"))["permalink"]
        except SlackApiError:
            link = ""
        _open(
            client,
            shortcut["trigger_id"],
            ask_view(person, stuck=message.get("text") or "", link=link, title="A Slack message"),
        )

    @bolt.action(GOAL_ACTION)
    def goal_entered(ack, body, context, client: WebClient):
        """The goal written (enter pressed): show the answered questions like it."""
        ack()
        person = person_for(client, context.team_id, context.user_id)
        view = body.get("view") or {}
        if person is None or not view.get("id"):
            return
        values = _values(view)
        fresh = ask_view(person, str(values["goal"]), str(values["stuck"]), str(values["link"]))
        fresh["private_metadata"] = view.get("private_metadata") or fresh["private_metadata"]
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=fresh)

    @bolt.view(ASK_CALLBACK)
    def submitted(ack, view, context, client: WebClient):
        person = person_for(client, context.team_id, context.user_id)
        if person is None:
            ack(response_action="errors", errors={"goal": short(UNKNOWN, 150)})
            return
        if not asking_limits_allow(person.id):
            ack(
                response_action="errors",
                errors={"goal": "You have asked many questions in a short time; this one was not saved."},
            )
            return
        values, metadata = _values(view), json.loads(view.get("private_metadata") or "{}")
        data = AskInput(
            goal=str(values["goal"]),
            stuck=str(values["stuck"]),
            link=str(values["link"]),
            page_title=str(metadata.get("title") or ""),
            urgency=str(values["urgency"] or "can_wait"),
            visibility=str(values["visibility"] or "anonymous"),
            skills=tuple(s.strip() for s in str(values["skills"]).split(",") if s.strip()),
            request_key=metadata.get("request_key"),
            ask_anyway="yes" in (values["ask_anyway"] or []),
        )
        try:
            question = ask_question(person.id, data)
        except AskedBefore as exc:
            ack(response_action="errors", errors={"goal": f"{exc.message} Tick “Ask anyway” to ask it again."})
            return
        except InvalidInput as exc:
            errors = {(f if f in FIELDS else "goal"): short(m, 150) for f, m in exc.fields.items()}
            ack(response_action="errors", errors=errors or {"goal": exc.message})
            return
        except ServiceError as exc:
            ack(response_action="errors", errors={"goal": short(exc.message, 150)})
            return
        asking_limits_allow(person.id, hit=True)
        ack()
        thread = f"question-{question.id}"
        SlackChannel().send(person, Notice(f"slack-asked:{question.id}", "answers", asked_card(question), None, thread))
