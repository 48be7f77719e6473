"""Asking from Slack: /stuck and the message shortcut open a modal with answered questions
like it first; the question is saved and routed as on the web, refusals show in the
modal's fields, and the asker's answers arrive in the thread of the message that says it
was asked."""

from __future__ import annotations

import json

import sqlalchemy as sa

from app.extensions import db
from app.help import notices
from app.help.models import Attempt, Post, Question, Urgency, Visibility
from app.security import reset_rate_limits
from app.slack.models import SlackMessage
from tests.help.routing_scenes import mentor
from tests.help.test_search import answered
from tests.slack.conftest import TEAM, linked


def values(goal="", stuck="", link="", urgency="can_wait", visibility="anonymous", skills="", anyway=False) -> dict:
    def text(value):
        return {"type": "plain_text_input", "value": value or None}

    def radio(value):
        return {
            "type": "radio_buttons",
            "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}},
        }

    return {
        "goal": {"ask.goal": text(goal)},
        "stuck": {"ask.stuck": text(stuck)},
        "link": {"ask.link": text(link)},
        "urgency": {"ask.urgency": radio(urgency)},
        "visibility": {"ask.visibility": radio(visibility)},
        "skills": {"ask.skills": text(skills)},
        "ask_anyway": {
            "ask.ask_anyway": {"type": "checkboxes", "selected_options": [{"value": "yes"}] if anyway else []}
        },
    }


def submit(slack, opened: dict, user_id: str = "UNINA", **fields):
    view = slack.view(opened)
    return slack.interaction(
        {
            "type": "view_submission",
            "user": {"id": user_id, "team_id": TEAM},
            "trigger_id": "trig-2",
            "view": {**view, "id": "V0001", "team_id": TEAM, "hash": "h1", "state": {"values": values(**fields)}},
        }
    )


def test_stuck_opens_a_modal_with_the_teams_answered_questions_like_it_first(app, make, jobs, slack):
    slack.install()
    team = make.team()
    nina = linked(make, slack, "UNINA", team=team)
    entry = answered(
        make.user(team=team), "Deploy the billing service", "The deploy job times out.", "Use the pipeline."
    )
    answered(make.user(team=make.team()), "Deploy the billing service", "Another team's.", "Theirs.")

    response = slack.command("UNINA", "/stuck", "deploy the billing service")

    assert response.status_code == 200 and not response.get_data(as_text=True)
    [opened] = slack.calls("views.open")
    view = slack.view(opened)
    assert view["callback_id"] == "ask_question" and view["title"]["text"] == "Ask Unstuck"
    assert view["blocks"][0]["text"]["text"].startswith("*Answered before")
    similar = [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"][1:]
    assert similar == [
        f"<http://localhost/help/knowledge/{entry.id}|Deploy the billing service>\nThe deploy job times out."
    ]
    goal = next(b for b in view["blocks"] if b.get("block_id") == "goal")
    assert goal["element"]["initial_value"] == "deploy the billing service"
    assert slack.problems() == []
    assert nina.id


def test_a_question_asked_in_slack_is_routed_and_its_answers_come_to_its_thread(app, make, jobs, slack, smtp):
    slack.install()
    team = make.team()
    mia = mentor(make, "Mia Mentor", team=team)
    nina = linked(make, slack, "UNINA", team=team, name="Nina New")
    jobs.connection.flushdb()
    slack.command("UNINA", "/stuck", "Run the billing migration")
    [opened] = slack.calls("views.open")

    done = submit(
        slack,
        opened,
        goal="Run the billing migration",
        stuck="It fails with relation does not exist.",
        urgency="blocking",
        visibility="named",
        skills="SQL",
    )

    assert done.status_code == 200 and not done.get_data(as_text=True)
    question = db.session.scalar(sa.select(Question))
    assert (question.asker_id, question.urgency, question.visibility) == (nina.id, Urgency.BLOCKING, Visibility.NAMED)
    assert [s.name for s in question.skills] == ["SQL"]
    jobs.run()  # routing, as for a question asked on the web; then the message to the asker
    attempt = db.session.scalar(sa.select(Attempt).where(Attempt.question_id == question.id))
    assert attempt.mentor_id == mia.id
    [asked] = slack.calls("chat.postMessage")
    assert asked["args"]["channel"] == "DUNINA" and asked["args"]["text"] == "Your question is asked"

    post = Post(question_id=question.id, author_id=mia.id, body="Run the schema step first.")
    db.session.add(post)
    db.session.flush()
    notices.reply(question, post, nina)
    db.session.commit()
    jobs.run()

    answer = slack.calls("chat.postMessage")[-1]
    assert answer["args"]["thread_ts"] == asked["answer"]["ts"]
    assert slack.blocks(answer)[1]["text"]["text"] == "Run the schema step first."
    threads = db.session.scalars(sa.select(SlackMessage.thread).where(SlackMessage.user_id == nina.id)).all()
    assert threads == [f"question-{question.id}"] * 2
    assert slack.problems() == []


def test_what_cannot_be_asked_is_shown_in_the_modals_fields(app, make, jobs, slack):
    slack.install()
    linked(make, slack, "UNINA", team=make.team())
    slack.command("UNINA", "/stuck")
    [opened] = slack.calls("views.open")

    refused = submit(slack, opened, goal="ab", stuck="short", link="ftp://x")

    assert refused.status_code == 200
    answer = refused.get_json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"goal", "stuck", "link"}
    assert "at least 3 characters" in answer["errors"]["goal"]
    assert db.session.scalars(sa.select(Question)).all() == []


def test_the_same_question_again_asks_to_tick_ask_anyway(app, make, jobs, slack):
    slack.install()
    linked(make, slack, "UNINA", team=make.team())
    slack.command("UNINA", "/stuck", trigger_id="trig-1")
    slack.command("UNINA", "/stuck", trigger_id="trig-2")
    first, second = slack.calls("views.open")
    question = {"goal": "Run the billing migration", "stuck": "It fails with relation does not exist."}
    assert not submit(slack, first, **question).get_data(as_text=True)
    again = submit(slack, second, **question).get_json()
    assert "Ask anyway" in again["errors"]["goal"]
    assert not submit(slack, second, anyway=True, **question).get_data(as_text=True)
    assert len(db.session.scalars(sa.select(Question)).all()) == 2


def test_the_message_shortcut_prefills_the_modal_with_the_message_and_its_permalink(app, make, jobs, slack):
    slack.install()
    linked(make, slack, "UNINA", team=make.team())

    response = slack.interaction(
        {
            "type": "message_action",
            "callback_id": "ask_about_message",
            "trigger_id": "trig-5",
            "user": {"id": "UNINA", "team_id": TEAM},
            "channel": {"id": "C0BUILDS", "name": "builds"},
            "message": {"type": "message", "user": "UOTHER", "ts": "1700000050.000200", "text": "Build fails: ENOSPC"},
            "message_ts": "1700000050.000200",
            "response_url": "https://hooks.slack.invalid/actions/2",
        }
    )

    assert response.status_code == 200
    [permalink] = slack.calls("chat.getPermalink")
    assert (permalink["args"]["channel"], permalink["args"]["message_ts"]) == ("C0BUILDS", "1700000050.000200")
    [opened] = slack.calls("views.open")
    blocks = {b.get("block_id"): b for b in slack.view(opened)["blocks"]}
    assert blocks["stuck"]["element"]["initial_value"] == "Build fails: ENOSPC"
    assert blocks["link"]["element"]["initial_value"] == "https://acme.slack.com/archives/C0BUILDS/p1700000050000200"
    assert json.loads(slack.view(opened)["private_metadata"])["title"] == "A Slack message"
    assert slack.problems() == []


def test_someone_unstuck_does_not_know_is_told_to_ask_their_admin(app, make, jobs, slack):
    slack.install()
    slack.user("USTRANGER", "stranger@elsewhere.example")
    response = slack.command("USTRANGER", "/stuck", "help")
    assert response.status_code == 200
    assert "Ask your Unstuck admin" in response.get_data(as_text=True)  # shown to them alone
    assert slack.calls("views.open") == []


def test_pressing_enter_on_the_goal_shows_answered_questions_like_it(app, make, jobs, slack):
    slack.install()
    team = make.team()
    linked(make, slack, "UNINA", team=team)
    entry = answered(
        make.user(team=team), "Deploy the billing service", "The deploy job times out.", "Use the pipeline."
    )
    slack.command("UNINA", "/stuck")
    [opened] = slack.calls("views.open")
    goal = slack.view(opened)["blocks"][0]
    assert goal["block_id"] == "goal"  # nothing to compare with yet
    assert goal["dispatch_action"] is True  # Slack tells Unstuck when enter is pressed in it
    assert goal["element"]["dispatch_action_config"] == {"trigger_actions_on": ["on_enter_pressed"]}

    view = {
        **slack.view(opened),
        "id": "V0001",
        "hash": "h1",
        "team_id": TEAM,
        "state": {"values": values(goal="deploy the billing service")},
    }
    response = slack.interaction(
        {
            "type": "block_actions",
            "user": {"id": "UNINA", "team_id": TEAM},
            "trigger_id": "trig-3",
            "container": {"type": "view", "view_id": "V0001"},
            "view": view,
            "actions": [
                {
                    "type": "plain_text_input",
                    "action_id": "ask.goal",
                    "block_id": "goal",
                    "value": "deploy the billing service",
                    "action_ts": "1700000000.1",
                }
            ],
        }
    )

    assert response.status_code == 200
    [updated] = slack.calls("views.update")
    assert (updated["args"]["view_id"], updated["args"]["hash"]) == ("V0001", "h1")
    blocks = slack.view(updated)["blocks"]
    assert f"/help/knowledge/{entry.id}|Deploy the billing service>" in blocks[1]["text"]["text"]
    private = json.loads(slack.view(updated)["private_metadata"])
    assert private == json.loads(view["private_metadata"])  # the same request key: one question
    assert slack.problems() == []


def test_asking_in_slack_counts_against_the_same_limit_as_asking_on_the_web(app, make, jobs, slack, client, auth):
    app.config["RATELIMIT_ASK"] = "1 per hour"
    reset_rate_limits(app)
    try:
        slack.install()
        nina = linked(make, slack, "UNINA", team=make.team())
        auth.sign_in(nina)
        web = {
            "goal": "Deploy the ledger",
            "stuck": "The deploy hangs at the health check.",
            "urgency": "can_wait",
            "visibility": "named",
        }
        assert client.post("/help/ask", data=web).status_code == 302
        slack.command("UNINA", "/stuck")
        [opened] = slack.calls("views.open")

        refused = submit(
            slack, opened, goal="Run the billing migration", stuck="It fails with relation does not exist."
        )

        assert refused.get_json() == {
            "response_action": "errors",
            "errors": {"goal": "You have asked many questions in a short time; this one was not saved."},
        }
        assert [q.goal for q in db.session.scalars(sa.select(Question))] == ["Deploy the ledger"]
    finally:
        reset_rate_limits(app)
