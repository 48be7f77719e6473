"""Notices in Slack: a direct message to a linked person who chose Slack for the topic,
drawn as valid Block Kit, posted once, carried on in its thread and revised; email for
those Slack cannot reach."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.help.jobs import route_question_job
from app.help.models import Attempt
from app.jobs import enqueue
from app.mail.models import OutboundMail
from app.notices.channels import revise, tell
from app.notices.core import Button, Card, Notice
from app.notices.models import NoticeChoice
from app.slack.channel import post_message_job
from app.slack.models import MessageStatus, SlackLink, SlackMessage
from tests.help.routing_scenes import ask, mentor
from tests.slack.conftest import TEAM, linked


def choose(person, topic: str, *channels: str) -> None:
    db.session.add(NoticeChoice(user_id=person.id, topic=topic, channels=list(channels)))
    db.session.commit()


def mails_of(person) -> list[OutboundMail]:
    return list(db.session.scalars(sa.select(OutboundMail).where(OutboundMail.user_id == person.id)))


def test_a_question_for_a_mentor_who_chose_slack_is_a_direct_message_and_no_mail(app, make, jobs, slack):
    slack.install()
    team = make.team()
    mia = mentor(make, "Mia Mentor", team=team)
    slack.user("UMIA", mia.email)
    db.session.add(SlackLink(user_id=mia.id, workspace_id=TEAM, slack_user_id="UMIA"))
    choose(mia, "questions_blocking", "slack")
    question = ask(make.user(name="Nina New", team=team), goal="Run the <billing> migration")

    enqueue(route_question_job, question.id)
    jobs.run()

    attempt = db.session.scalar(sa.select(Attempt).where(Attempt.question_id == question.id))
    assert attempt.mentor_id == mia.id
    assert slack.problems() == []
    [opened] = slack.calls("conversations.open")
    assert opened["args"]["users"] == "UMIA"
    [post] = slack.calls("chat.postMessage")
    assert post["args"]["channel"] == "DUMIA" and post["args"]["text"] == "Nina New is stuck"
    blocks = slack.blocks(post)
    assert blocks[1]["text"] == {"type": "plain_text", "text": question.goal + "\n\n" + question.stuck, "emoji": False}
    buttons = {b["text"]["text"]: b for b in blocks[-1]["elements"]}
    assert buttons["Take it"]["action_id"] == "question.take" and buttons["Take it"]["value"] == str(attempt.id)
    assert buttons["Open the question"]["url"].endswith(f"/help/questions/{question.id}")
    assert [m.kind for m in mails_of(mia)] == []
    message = db.session.scalar(sa.select(SlackMessage))
    assert (message.status, message.thread, message.ts) == (
        MessageStatus.SENT,
        f"question-{question.id}",
        post["answer"]["ts"],
    )


def test_chose_slack_but_not_linked_is_told_by_email(app, make, jobs, slack):
    slack.install()
    team = make.team()
    mia = mentor(make, "Mia Mentor", team=team)
    choose(mia, "questions_blocking", "slack")
    question = ask(make.user(team=team))

    enqueue(route_question_job, question.id)
    jobs.run()

    assert [m.kind for m in mails_of(mia)] == ["question_ask"]
    assert slack.calls() == []


def test_a_notice_is_posted_once_carried_on_in_its_thread_and_revised(app, make, jobs, slack):
    slack.install()
    nina = linked(make, slack, "UNINA")
    choose(nina, "answers", "slack")
    first = Card(title="Your question is asked", quote="How do I *deploy*? <@U123>", link="http://localhost/q/1")
    assert tell(nina, Notice("n-1", "answers", first, thread="question-1")) == ["slack"]
    db.session.commit()
    jobs.run()
    [row] = db.session.scalars(sa.select(SlackMessage)).all()
    post_message_job(row.id)  # the job again: nothing new
    db.session.commit()
    assert tell(nina, Notice("n-1", "answers", first, thread="question-1")) == ["slack"]  # told again: the same
    db.session.commit()
    jobs.run()
    assert len(slack.calls("chat.postMessage")) == 1

    answer = Card(
        title="Mia answered your question",
        quote="Use the pipeline.",
        buttons=(Button("Helpful", "question.helpful", "1", style="primary"),),
    )
    tell(nina, Notice("n-2", "answers", answer, thread="question-1"))
    db.session.commit()
    jobs.run()
    root, reply = slack.calls("chat.postMessage")
    assert reply["args"]["thread_ts"] == root["answer"]["ts"]
    assert slack.blocks(reply)[-1]["elements"][0]["action_id"] == "question.helpful"

    revise("n-2", Card(title="Mia answered your question", text="You said it helped."))
    db.session.commit()
    jobs.run()
    [update] = slack.calls("chat.update")
    assert update["args"]["ts"] == reply["answer"]["ts"]
    assert "You said it helped." in slack.blocks(update)[0]["text"]["text"]
    assert all(b["type"] != "actions" for b in slack.blocks(update))
    assert slack.problems() == []


def test_a_thread_that_lives_in_slack_carries_its_notices_there_whatever_is_chosen_later(app, make, jobs, slack):
    slack.install()
    nina = linked(make, slack, "UNINA")
    choose(nina, "answers", "slack")
    tell(nina, Notice("n-1", "answers", Card(title="Asked"), thread="question-7"))
    db.session.commit()
    db.session.get(NoticeChoice, (nina.id, "answers")).channels = ["email"]
    db.session.commit()
    assert tell(nina, Notice("n-2", "answers", Card(title="Answered"), thread="question-7")) == [
        "slack"
    ]  # no mail to send
    assert tell(nina, Notice("n-3", "answers", Card(title="Other"), thread="question-8")) == []  # no mail to send
    db.session.commit()
    jobs.run()
    root, reply = slack.calls("chat.postMessage")
    assert reply["args"]["thread_ts"] == root["answer"]["ts"]
