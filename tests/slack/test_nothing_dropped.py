"""A notice Slack cannot carry is not dropped: what Slack refuses for good reaches the
person by email at once, drawn from the notice's card; what fails because Slack is busy is
tried again, and a message still unposted after an hour goes by email too."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.jobs import enqueue
from app.mail.models import OutboundMail
from app.notices.channels import tell
from app.notices.core import Button, Card, Notice
from app.notices.fallback import KIND
from app.notices.models import NoticeChoice
from app.slack.channel import slack_upkeep
from app.slack.models import MessageStatus, SlackMessage
from tests.slack.conftest import linked

CARD = Card(
    title="Nina New is stuck",
    text="You teach SQL.",
    quote="Run the <b>billing</b> migration",
    facts=(("Answer by", "15:00"),),
    buttons=(Button("Take it", "question.take", "7", "https://unstuck.example/take/7"),),
    link="https://unstuck.example/help/questions/7",
)


def told_in_slack(make, slack, key: str = "question-ask:7", also_email: bool = False):
    mia = linked(make, slack, "UMIA", name="Mia Mentor")
    db.session.add(NoticeChoice(user_id=mia.id, topic="questions_blocking", channels=["slack"]))
    db.session.commit()
    mail = None
    if also_email:
        db.session.merge(NoticeChoice(user_id=mia.id, topic="questions_blocking", channels=["slack", "email"]))
        mail = dict(
            kind="test", subject="By email as chosen", template="notices/email/card", context={"card": CARD, "why": ""}
        )
    tell(mia, Notice(key, "questions_blocking", CARD, mail))
    db.session.commit()
    return mia


def fallbacks() -> list[OutboundMail]:
    db.session.expire_all()
    return db.session.scalars(sa.select(OutboundMail).where(OutboundMail.kind == KIND)).all()


def message() -> SlackMessage:
    db.session.expire_all()
    return db.session.scalar(sa.select(SlackMessage))


def test_what_slack_refuses_for_good_reaches_the_person_by_email_at_once(app, make, jobs, slack, smtp):
    slack.install()
    slack.refuse("chat.postMessage", "account_inactive")
    mia = told_in_slack(make, slack)

    jobs.run()

    assert (message().status, message().error) == (MessageStatus.FAILED, "account_inactive")
    [mail] = fallbacks()
    assert (mail.user_id, mail.subject, mail.key) == (mia.id, "Nina New is stuck", "question-ask:7:by-email")
    assert "> Run the <b>billing</b> migration" in mail.text_body
    assert "Take it: https://unstuck.example/take/7" in mail.text_body
    assert "Run the &lt;b&gt;billing&lt;/b&gt; migration" in mail.html_body
    assert "Slack could not deliver it (account_inactive)." in mail.text_body
    [received] = smtp.messages()
    assert received["Subject"] == "Nina New is stuck"

    slack_upkeep()  # giving up again later mails nothing more
    db.session.commit()
    assert len(fallbacks()) == 1


def test_a_notice_mailed_as_chosen_is_not_mailed_twice_when_slack_refuses(app, make, jobs, slack):
    slack.install()
    slack.refuse("conversations.open", "user_not_found")
    told_in_slack(make, slack, also_email=True)
    jobs.run()
    assert message().status == MessageStatus.FAILED
    assert fallbacks() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMail)) == 1


def test_slack_busy_is_tried_again_and_the_message_posted_without_mail(app, make, jobs, slack):
    slack.install()
    slack.rate_limit("chat.postMessage")
    told_in_slack(make, slack)
    jobs.run()  # 429: the job raises, the queue keeps it for a retry
    assert message().status == MessageStatus.PENDING and fallbacks() == []

    slack.rate_limit()
    _older(timedelta(minutes=3))  # its retry is due; the upkeep hands it on too
    enqueue(slack_upkeep)
    jobs.run()

    assert message().status == MessageStatus.SENT and message().ts
    assert fallbacks() == []
    assert len(slack.calls("chat.postMessage")) == 2


def test_a_message_still_unposted_after_an_hour_goes_by_email(app, make, jobs, slack):
    slack.install()
    slack.rate_limit("chat.postMessage")
    told_in_slack(make, slack)
    jobs.run()
    _older(timedelta(hours=1, minutes=1))

    enqueue(slack_upkeep)
    jobs.run()

    assert (message().status, message().error) == (MessageStatus.FAILED, "not posted within an hour")
    [mail] = fallbacks()
    assert "Slack could not deliver it (not posted within an hour)." in mail.text_body


def _older(by: timedelta) -> None:
    for row in db.session.scalars(sa.select(SlackMessage)):
        row.created_at -= by
    db.session.commit()


def test_the_email_threads_with_the_question_and_is_named_as_about_it(app, make, jobs, slack):
    slack.install()
    slack.refuse("chat.postMessage", "account_inactive")
    mia = linked(make, slack, "UMIA", name="Mia Mentor")
    db.session.add(NoticeChoice(user_id=mia.id, topic="questions_blocking", channels=["slack"]))
    tell(mia, Notice("question-ask:9", "questions_blocking", CARD, thread="question-9"))
    db.session.commit()
    jobs.run()
    [mail] = fallbacks()
    assert (mail.about_type, mail.about_id, mail.thread_key) == ("question", 9, "question-9")
