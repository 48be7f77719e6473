"""A mentor who lives in Slack alone, and an asker who asks and reads answers there (and a
mentor's digests in Slack): every
step through signed requests as Slack sends them, the real features behind the buttons,
real RQ jobs, and the stand-in for Slack's Web API checking each call. Nobody gets mail."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.help.models import Attempt, AttemptState, Post, Question, QuestionState
from app.mail.models import OutboundMail
from app.notices.core import Button
from app.notices.models import NoticeChoice
from app.people.models import Role, SkillKind
from matching import services as mentorships
from matching.models import MentorshipState
from tests.help.digest_scenes import can_wait, digests, run_digests
from tests.help.routing_scenes import ALWAYS, mentor, skill
from tests.slack.conftest import TEAM, linked
from tests.slack.test_asking import submit as submit_question
from tests.slack.test_interactions import click
from tests.slack.test_interactions import submit as submit_text

CHAT_TOPICS = ("questions_blocking", "questions_can_wait", "answers", "mentorship")


def lives_in_slack(make, slack, slack_id: str, **fields):
    """A person linked to Slack who chose Slack, and only Slack, for every notice."""
    person = linked(make, slack, slack_id, **{**ALWAYS, **fields})
    for topic in CHAT_TOPICS:
        db.session.add(NoticeChoice(user_id=person.id, topic=topic, channels=["slack"]))
    db.session.commit()
    return person


def posts_to(slack, slack_id: str) -> list[dict]:
    return [c for c in slack.calls("chat.postMessage") if c["args"]["channel"] == f"D{slack_id}"]


def updates_of(slack, post: dict) -> list[dict]:
    at = (post["answer"]["channel"], post["answer"]["ts"])
    return [c for c in slack.calls("chat.update") if (c["args"]["channel"], c["args"]["ts"]) == at]


def buttons(slack, call: dict) -> dict[str, Button]:
    """The message's buttons that act in Unstuck, by their label."""
    found = {}
    for block in slack.blocks(call):
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element.get("value") is not None and "url" not in element:
                found[element["text"]["text"]] = Button(element["text"]["text"], element["action_id"], element["value"])
    return found


def text_of(slack, call: dict) -> str:
    parts = []
    for block in slack.blocks(call):
        for value in (block.get("text"), *block.get("fields", []), *block.get("elements", [])):
            if isinstance(value, dict) and isinstance(value.get("text"), str):
                parts.append(value["text"])
    return "\n".join(parts)


def ask_in_slack(slack, jobs, asker_slack_id: str) -> Question:
    slack.command(asker_slack_id, "/stuck", "Run the billing migration")
    opened = slack.calls("views.open")[-1]
    done = submit_question(
        slack,
        opened,
        user_id=asker_slack_id,
        goal="Run the billing migration",
        stuck="It fails with relation does not exist.",
        urgency="blocking",
        visibility="named",
        skills="SQL",
    )
    assert done.status_code == 200 and not done.get_data(as_text=True)
    jobs.run()  # routing, then the messages
    return db.session.scalar(sa.select(Question))


def test_a_mentor_takes_and_answers_in_slack_and_the_asker_reads_rates_and_resolves_there(app, make, jobs, slack):
    slack.install()
    team = make.team()
    mia = lives_in_slack(make, slack, "UMIA", name="Mia Mentor", team=team, roles=(Role.MENTOR,))
    nina = lives_in_slack(make, slack, "UNINA", name="Nina New", team=team)
    _teach_sql(make, mia)

    question = ask_in_slack(slack, jobs, "UNINA")

    [asked] = posts_to(slack, "UNINA")
    [ask] = posts_to(slack, "UMIA")
    assert "Nina New is stuck" in text_of(slack, ask) and "Run the billing migration" in text_of(slack, ask)
    assert set(buttons(slack, ask)) == {"Take it", "Answer", "Pass it on"}

    click(slack, "UMIA", ask, buttons(slack, ask)["Take it"])
    jobs.run()
    attempt = db.session.scalar(sa.select(Attempt).where(Attempt.question_id == question.id))
    db.session.refresh(attempt)
    assert attempt.state == AttemptState.WAITING and attempt.taken_at is not None
    taken = updates_of(slack, ask)[-1]
    assert "You took Nina New's question" in text_of(slack, taken)
    assert "Take it" not in buttons(slack, taken)  # it never offers what no longer applies

    click(slack, "UMIA", taken, buttons(slack, taken)["Answer"], trigger="trig-answer")
    opened = slack.calls("views.open")[-1]
    assert opened["args"]["trigger_id"] == "trig-answer"
    assert submit_text(slack, "UMIA", opened, "Run the schema step first, then migrate.").status_code == 200
    jobs.run()

    [post] = db.session.scalars(sa.select(Post).where(Post.question_id == question.id)).all()
    assert (post.author_id, post.body) == (mia.id, "Run the schema step first, then migrate.")
    answer = posts_to(slack, "UNINA")[-1]
    assert answer["args"]["thread_ts"] == asked["answer"]["ts"]  # in the thread where she asked
    assert "Run the schema step first, then migrate." in text_of(slack, answer)
    assert "Helpful" in buttons(slack, answer) and "Resolved" in buttons(slack, answer)
    assert "Answer" not in buttons(slack, updates_of(slack, ask)[-1])

    reply = {
        "type": "message",
        "channel": answer["answer"]["channel"],
        "channel_type": "im",
        "user": "UNINA",
        "text": "Thanks, the schema step did it.",
        "ts": "1700000100.000001",
        "thread_ts": asked["answer"]["ts"],
    }
    assert slack.event(reply, event_id="Ev-thanks").status_code == 200
    jobs.run()
    posts = db.session.scalars(sa.select(Post.body).where(Post.author_id == nina.id)).all()
    assert posts == ["Thanks, the schema step did it."]
    follow_up = posts_to(slack, "UMIA")[-1]
    assert follow_up["args"]["thread_ts"] == ask["answer"]["ts"]  # in the thread of the question she was asked
    assert "Thanks, the schema step did it." in text_of(slack, follow_up)

    click(slack, "UNINA", answer, buttons(slack, answer)["Helpful"])
    jobs.run()
    rated = updates_of(slack, answer)[-1]
    click(slack, "UNINA", rated, buttons(slack, rated)["Resolved"])
    jobs.run()
    db.session.expire_all()
    question = db.session.get(Question, question.id)
    assert question.helpful is True and question.state == QuestionState.RESOLVED

    assert db.session.scalars(sa.select(OutboundMail.kind)).all() == []  # Slack alone carried every notice
    assert slack.problems() == []


def test_a_mentor_passes_in_slack_with_a_hint_and_the_next_mentor_reads_it_there(app, make, jobs, slack):
    slack.install()
    team = make.team()
    mia = lives_in_slack(make, slack, "UMIA", name="Mia Mentor", team=team, roles=(Role.MENTOR,))
    max_ = lives_in_slack(make, slack, "UMAX", name="Max Mentor", team=team, roles=(Role.MENTOR,))
    _teach_sql(make, mia, level=5)
    _teach_sql(make, max_, level=3)
    lives_in_slack(make, slack, "UNINA", name="Nina New", team=team)

    question = ask_in_slack(slack, jobs, "UNINA")
    [ask] = posts_to(slack, "UMIA")
    assert posts_to(slack, "UMAX") == []

    click(slack, "UMIA", ask, buttons(slack, ask)["Pass it on"], trigger="trig-pass")
    opened = slack.calls("views.open")[-1]
    assert submit_text(slack, "UMIA", opened, "Max wrote the billing schema.").status_code == 200
    jobs.run()

    attempts = db.session.scalars(sa.select(Attempt).where(Attempt.question_id == question.id).order_by(Attempt.number))
    assert [(a.mentor_id, a.state) for a in attempts] == [
        (mia.id, AttemptState.PASSED),
        (max_.id, AttemptState.WAITING),
    ]
    [max_ask] = posts_to(slack, "UMAX")
    assert "Max wrote the billing schema." in text_of(slack, max_ask)
    passed = updates_of(slack, ask)[-1]
    assert "You passed this question on" in text_of(slack, passed) and "Take it" not in buttons(slack, passed)

    # A Slack client still showing the old message: its Take button says what happened.
    before = len(updates_of(slack, ask))
    click(slack, "UMIA", ask, buttons(slack, ask)["Take it"])
    jobs.run()
    assert len(updates_of(slack, ask)) == before + 1 and slack.calls("chat.postEphemeral") == []
    stale = updates_of(slack, ask)[-1]
    assert "You passed this question on" in text_of(slack, stale) and "Take it" not in buttons(slack, stale)
    assert db.session.scalar(sa.select(Attempt.taken_at).where(Attempt.mentor_id == mia.id)) is None
    assert slack.problems() == []


def test_a_mentor_accepts_a_mentee_in_slack_and_the_new_hire_hears_there(app, make, jobs, slack):
    slack.install()
    mia = lives_in_slack(make, slack, "UMIA", name="Mia Mentor", roles=(Role.MENTOR,))
    nina = lives_in_slack(make, slack, "UNINA", name="Nina New")
    proposal = mentorships.create_proposal(nina.id, mia.id, 80.0, [], "admin", 3)
    db.session.commit()
    jobs.run()

    [asked] = posts_to(slack, "UMIA")
    assert "Would you mentor Nina New?" in text_of(slack, asked)
    click(slack, "UMIA", asked, buttons(slack, asked)["Accept"])
    jobs.run()

    db.session.expire_all()
    assert db.session.get(type(proposal), proposal.id).state == MentorshipState.ACTIVE
    assert buttons(slack, updates_of(slack, asked)[-1]) == {}
    [told] = posts_to(slack, "UNINA")
    assert "Mia Mentor is your mentor" in text_of(slack, told)
    assert db.session.scalars(sa.select(OutboundMail)).all() == []
    assert slack.problems() == [] and TEAM


def _teach_sql(make, person, level: int = 4) -> None:
    make.user_skill(person, skill(make, "SQL"), SkillKind.TEACH, level)
    db.session.commit()


def test_a_mentor_who_chose_slack_for_questions_that_can_wait_gets_each_digest_as_one_message(
    app, make, jobs, slack, smtp
):
    slack.install()
    mia = lives_in_slack(make, slack, "UMIA", name="Mia Mentor", roles=(Role.MENTOR,), max_open_questions=9)
    _teach_sql(make, mia)
    ari = mentor(make, "Ari Mentor", {"Go": 4}, max_open_questions=9)  # email, as never chosen otherwise
    nina, omar = make.user(name="Nina New"), make.user(name="Omar Other")
    can_wait(nina, "Tune the <b>report</b> query", skills=["SQL"])
    can_wait(omar, "Add an index to invoices", skills=["SQL"])
    can_wait(omar, "Speed up the Go build", skills=["Go"])
    jobs.run()

    run_digests(jobs)

    [digest] = posts_to(slack, "UMIA")
    text = text_of(slack, digest)
    assert "Your Unstuck digest: 2 new questions" in text
    assert "Tune the <b>report</b> query" not in text and "Tune the &lt;b&gt;report&lt;/b&gt; query" in text
    assert "Add an index to invoices" in text
    assert digests(smtp, mia) == [] and len(digests(smtp, ari)) == 1
    assert slack.problems() == []

    run_digests(jobs)  # nothing new: no second message
    assert len(posts_to(slack, "UMIA")) == 1
