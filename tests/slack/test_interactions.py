"""What people do in Slack with Unstuck's messages: the first use links them by their
confirmed email; a button runs the feature's action and its message changes; a button
that asks for a text opens a modal whose refusals show in it; a reply in a message's
thread goes to the feature, once."""

from __future__ import annotations

import json
import time

import pytest
import sqlalchemy as sa

from app.errors import InvalidInput
from app.extensions import db
from app.notices.actions import Done, register_action, register_thread_reply
from app.notices.channels import tell
from app.notices.core import Button, Card, Notice
from app.notices.models import NoticeChoice
from app.slack.models import SlackLink, SlackMessage
from tests.slack.conftest import TEAM, linked
from tests.slack.signed import event_body

RATE = Button("Helpful", "test.rate", "12", style="primary")
ANSWER = Button("Answer", "test.answer", "12", asks="Your answer")


@pytest.fixture
def done(app):
    """Actions and thread replies of the test's own, recording what they were given."""
    actions = dict(app.extensions.get("notice_actions", {}))
    replies = dict(app.extensions.get("notice_thread_replies", {}))
    seen: list[tuple] = []

    def rate(person, value, text):
        seen.append(("rate", person.id, value, text))
        return Done("Thanks: counted.", Card(title="You said it helped"))

    def answer(person, value, text):
        if len((text or "").strip()) < 5:
            raise InvalidInput({"text": "Say a little more (at least 5 characters)."})
        seen.append(("answer", person.id, value, text))
        return Done("Your answer is posted.")

    def thread_reply(person, object_id, text, source_key):
        seen.append(("reply", person.id, object_id, text, source_key))

    register_action(app, "test.rate", rate)
    register_action(app, "test.answer", answer)
    register_thread_reply(app, "test", thread_reply)
    yield seen
    app.extensions["notice_actions"], app.extensions["notice_thread_replies"] = actions, replies


def told(person, slack, jobs, *buttons: Button, thread: str = "test-5") -> dict:
    """A notice with these buttons, told to the person in Slack; the stand-in's postMessage call."""
    db.session.merge(NoticeChoice(user_id=person.id, topic="answers", channels=["slack"]))
    tell(
        person,
        Notice(f"n-{thread}", "answers", Card(title="An answer", quote="Try this.", buttons=buttons), thread=thread),
    )
    db.session.commit()
    jobs.run()
    return slack.calls("chat.postMessage")[-1]


def click(slack, user_id: str, post: dict, button: Button, trigger: str = "trig-1"):
    channel, ts = post["answer"]["channel"], post["answer"]["ts"]
    return slack.interaction(
        {
            "type": "block_actions",
            "user": {"id": user_id, "team_id": TEAM},
            "trigger_id": trigger,
            "container": {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": False},
            "channel": {"id": channel, "name": "directmessage"},
            "message": {"type": "message", "ts": ts, "text": "An answer"},
            "response_url": "https://hooks.slack.invalid/actions/1",
            "actions": [
                {
                    "type": "button",
                    "action_id": button.action,
                    "block_id": "b1",
                    "value": button.value,
                    "action_ts": str(time.time()),
                }
            ],
        }
    )


def test_a_button_runs_its_action_for_the_person_and_their_message_changes(app, make, jobs, slack, done):
    slack.install()
    nina = linked(make, slack, "UNINA")
    post = told(nina, slack, jobs, RATE)

    assert click(slack, "UNINA", post, RATE).status_code == 200
    jobs.run()

    assert done == [("rate", nina.id, "12", None)]
    [update] = slack.calls("chat.update")
    assert (update["args"]["channel"], update["args"]["ts"]) == (post["answer"]["channel"], post["answer"]["ts"])
    blocks = slack.blocks(update)
    assert blocks[0]["text"]["text"] == "*You said it helped*"
    assert blocks[-1]["elements"][0]["text"] == "Thanks: counted."
    assert slack.problems() == []


def test_the_first_click_links_a_slack_user_by_their_confirmed_email(app, make, jobs, slack, done):
    slack.install()
    nina = linked(make, slack, "UNINA")
    post = told(nina, slack, jobs, RATE)
    db.session.execute(sa.delete(SlackLink))
    db.session.commit()

    click(slack, "UNINA", post, RATE)

    [link] = db.session.scalars(sa.select(SlackLink)).all()
    assert (link.user_id, link.workspace_id, link.slack_user_id) == (nina.id, TEAM, "UNINA")
    assert done == [("rate", nina.id, "12", None)]
    assert [c["args"]["user"] for c in slack.calls("users.info")] == ["UNINA"]


@pytest.mark.parametrize("who", ["unconfirmed", "stranger", "left"])
def test_someone_unstuck_does_not_know_by_a_confirmed_email_is_told_to_ask_their_admin(
    app, make, jobs, slack, done, who
):
    slack.install()
    nina = linked(make, slack, "UNINA")
    post = told(nina, slack, jobs, RATE)
    db.session.execute(sa.delete(SlackLink))
    if who == "unconfirmed":
        slack.user("UNINA", nina.email, confirmed=False)
    elif who == "stranger":
        slack.user("UNINA", "someone.else@example.com")
    else:
        nina.active = False
    db.session.commit()

    assert click(slack, "UNINA", post, RATE).status_code == 200

    assert done == [] and db.session.scalars(sa.select(SlackLink)).all() == []
    [ephemeral] = slack.calls("chat.postEphemeral")
    assert ephemeral["args"]["user"] == "UNINA" and "Ask your Unstuck admin" in ephemeral["args"]["text"]


def submit(slack, user_id: str, opened: dict, text: str):
    view = slack.view(opened)
    return slack.interaction(
        {
            "type": "view_submission",
            "user": {"id": user_id, "team_id": TEAM},
            "trigger_id": "trig-2",
            "view": {
                **view,
                "id": "V0001",
                "team_id": TEAM,
                "hash": "h1",
                "state": {"values": {"text": {"text": {"type": "plain_text_input", "value": text}}}},
            },
        }
    )


def test_a_button_that_asks_opens_a_modal_whose_refusal_shows_in_it(app, make, jobs, slack, done):
    slack.install()
    nina = linked(make, slack, "UNINA")
    post = told(nina, slack, jobs, ANSWER)

    click(slack, "UNINA", post, ANSWER, trigger="trig-9")
    [opened] = slack.calls("views.open")
    assert opened["args"]["trigger_id"] == "trig-9"
    view = slack.view(opened)
    assert view["blocks"][0]["label"]["text"] == "Your answer" and view["blocks"][0].get("optional") is False

    refused = submit(slack, "UNINA", opened, "no")
    assert refused.status_code == 200
    assert refused.get_json() == {
        "response_action": "errors",
        "errors": {"text": "Say a little more (at least 5 characters)."},
    }
    assert done == []

    taken = submit(slack, "UNINA", opened, "Restart the worker first.")
    assert taken.status_code == 200 and not taken.get_data(as_text=True)
    assert done == [("answer", nina.id, "12", "Restart the worker first.")]
    [ephemeral] = slack.calls("chat.postEphemeral")
    assert ephemeral["args"]["text"] == "Your answer is posted."
    assert slack.problems() == []


def test_a_button_nobody_handles_any_more_says_so(app, make, jobs, slack, done):
    slack.install()
    nina = linked(make, slack, "UNINA")
    gone = Button("Old", "test.gone", "1")
    post = told(nina, slack, jobs, gone)
    assert click(slack, "UNINA", post, gone).status_code == 200
    [ephemeral] = slack.calls("chat.postEphemeral")
    assert ephemeral["args"]["text"] == "That button does nothing any more."


def reply_event(post: dict, text: str, **extra) -> dict:
    return {
        "type": "message",
        "channel": post["answer"]["channel"],
        "channel_type": "im",
        "user": "UNINA",
        "text": text,
        "ts": "1700000100.000001",
        "thread_ts": post["answer"]["ts"],
        "client_msg_id": "c-1",
        **extra,
    }


def test_a_reply_in_a_messages_thread_goes_to_its_feature_once(app, make, jobs, slack, done):
    slack.install()
    nina = linked(make, slack, "UNINA")
    post = told(nina, slack, jobs, RATE)
    event = reply_event(post, "That worked, thanks!")

    assert slack.event(event, event_id="Ev100").status_code == 200
    assert (
        slack.send(event_body(event, TEAM, "Ev100"), "application/json", timestamp=int(time.time()) + 1).status_code
        == 200
    )
    slack.event({**event, "bot_id": "B0001", "ts": "1700000100.000002"}, event_id="Ev101")
    slack.event({**event, "subtype": "message_changed", "ts": "1700000100.000003"}, event_id="Ev102")
    slack.event({**event, "thread_ts": None, "ts": "1700000100.000004"}, event_id="Ev103")

    source = f"slack:{post['answer']['channel']}:1700000100.000001"
    assert done == [("reply", nina.id, 5, "That worked, thanks!", source)]


def test_a_reply_where_no_feature_reads_replies_is_answered_so(app, make, jobs, slack, done):
    slack.install()
    nina = linked(make, slack, "UNINA")
    post = told(nina, slack, jobs, RATE, thread="nobody-5")
    slack.event(reply_event(post, "hello?"), event_id="Ev200")
    assert done == []
    [ephemeral] = slack.calls("chat.postEphemeral")
    assert "not read" in ephemeral["args"]["text"]
    assert json.dumps(db.session.scalar(sa.select(SlackMessage.card)))


def test_slack_refusing_a_call_while_answering_keeps_nothing_and_answers_slack(app, make, jobs, slack, done):
    slack.install()
    nina = linked(make, slack, "UNINA")
    post = told(nina, slack, jobs, ANSWER)
    db.session.execute(sa.delete(SlackLink))
    db.session.commit()

    assert click(slack, "UNINA", post, ANSWER, trigger="expired").status_code == 200

    assert [c["answer"]["error"] for c in slack.calls("views.open")] == ["expired_trigger_id"]
    assert done == [] and db.session.scalars(sa.select(SlackLink)).all() == []  # the link made on the way: undone
