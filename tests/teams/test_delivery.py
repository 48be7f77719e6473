"""Teams notices posted to a real stand-in for a Workflows webhook: after the commit, once per
notice and recipient, instead of the mail where the person chose Teams alone, by mail where
they chose Teams but gave no address; retried when the webhook fails, then marked failed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.mail.models import OutboundMail
from app.notices.channels import tell, tell_team
from app.notices.core import Button, Card, Notice
from app.notices.models import NoticeChoice
from app.teams.models import MessageStatus, TeamsMessage, TeamsWebhook
from app.teams.sender import BACKOFF, send_message, teams_upkeep
from tests.smtp import free_port
from tests.teams.conftest import in_teams, messages, schema_errors, team_in_teams

CARD = Card(
    title="Mia Mentor answered your question",
    text="Run the billing migration",
    quote="Use **--fake-initial** first.",
    buttons=(Button("Helpful", "question.helpful", "3", "http://localhost/l/helpful"),),
    link="http://localhost/questions/3",
)
MAIL = dict(kind="question_reply", subject="Mia answered", template="mail/reply_refused", context={"why": "Test."})


def notice(key: str = "question-reply:1:2", topic: str = "answers", mail: dict | None = MAIL) -> Notice:
    return Notice(key, topic, CARD, mail)


def mails() -> list[OutboundMail]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboundMail)))


def make_due(message_id: int) -> None:
    """Move a message's next try into the past: its back-off has passed."""
    db.session.execute(
        sa.update(TeamsMessage)
        .where(TeamsMessage.id == message_id)
        .values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()


@pytest.fixture
def nina(make):
    return make.user(name="Nina New", email="nina@example.com")


def test_a_person_who_chose_teams_gets_the_card_there_and_no_mail(nina, teams, jobs):
    in_teams(nina, teams.url("/ok"), "answers")

    assert tell(nina, notice()) == ["teams"]
    assert jobs.count() == 0  # nothing goes before the commit
    db.session.commit()
    jobs.run()

    [got] = teams.received()
    assert got["problems"] == []
    assert got["headers"]["content-type"] == "application/json"
    assert got["card"]["body"][0]["text"] == "Mia Mentor answered your question"
    assert schema_errors(got["card"]) == []
    [message] = messages()
    assert (message.status, message.attempts, message.last_status_code) == (MessageStatus.SENT, 1, 202)
    assert message.sent_at is not None and message.user_id == nina.id
    assert mails() == []


def test_teams_and_email_both_chosen_send_both(nina, teams, jobs, smtp):
    in_teams(nina, teams.url("/ok"))
    db.session.add(NoticeChoice(user_id=nina.id, topic="answers", channels=["email", "teams"]))
    db.session.commit()

    assert tell(nina, notice()) == ["email", "teams"]
    db.session.commit()
    jobs.run()
    assert len(teams.received()) == 1
    assert [m.kind for m in mails()] == ["question_reply"]


def test_teams_chosen_without_an_address_goes_by_email(nina, teams, jobs, make, smtp):
    in_teams(nina, teams.url("/ok"), "answers")
    bo = make.user(name="Bo Berg", email="bo@example.com")
    db.session.add(NoticeChoice(user_id=bo.id, topic="answers", channels=["teams"]))
    db.session.commit()

    assert tell(bo, notice("question-reply:1:9")) == ["email"]
    db.session.commit()
    jobs.run()
    assert teams.received() == [] and messages() == []
    assert [m.to_email for m in mails()] == ["bo@example.com"]


def test_a_notice_told_twice_is_posted_once_and_a_rollback_posts_nothing(nina, teams, jobs):
    in_teams(nina, teams.url("/ok"), "answers")
    tell(nina, notice("question-reply:5:1"))
    db.session.rollback()
    tell(nina, notice())
    tell(nina, notice())
    db.session.commit()
    tell(nina, notice())
    db.session.commit()
    jobs.run()

    assert len(teams.received()) == 1
    [message] = messages()
    assert message.notice_key == "question-reply:1:2"
    assert send_message(message.id) == "done"
    assert len(teams.received()) == 1


def test_a_teams_address_gets_the_teams_notices(make, teams, jobs):
    team = make.team("Payments")
    lead = make.user(name="Lea Lead", email="lea@example.com", team=team)
    assert tell_team(team, notice("session-prompt:1:team", "sessions", None)) == []  # no address yet
    team_in_teams(team, teams.url("/ok/team"), lead)

    assert tell_team(team, notice("session-prompt:2:team", "sessions", None)) == ["teams"]
    db.session.commit()
    jobs.run()
    [got] = teams.received("/ok/team")
    assert got["problems"] == []
    [message] = messages()
    assert (message.team_id, message.recipient, message.status) == (team.id, f"team:{team.id}", MessageStatus.SENT)


def test_a_failing_webhook_is_tried_again_then_the_message_is_marked_failed(nina, teams, jobs):
    in_teams(nina, teams.url("/fail"), "answers")
    tell(nina, notice())
    db.session.commit()
    jobs.run()

    [message] = messages()
    assert (message.status, message.attempts, message.last_status_code) == (MessageStatus.PENDING, 1, 500)
    assert message.last_error == "answered 500: The flow failed."
    assert message.next_attempt_at > utcnow() + BACKOFF[0] - timedelta(seconds=5)
    assert send_message(message.id) == "not yet"  # its back-off has not passed
    for attempt in range(2, len(BACKOFF) + 2):
        make_due(message.id)
        outcome = send_message(message.id)
        assert outcome == ("failed" if attempt == len(BACKOFF) + 1 else "retry")

    [message] = messages()
    assert (message.status, message.attempts, message.next_attempt_at) == (MessageStatus.FAILED, 6, None)
    assert len(teams.received("/fail")) == 6
    assert send_message(message.id) == "done"
    # Nothing is dropped: the notice reaches her by email, drawn from its card, once.
    db.session.commit()
    [mail] = db.session.scalars(sa.select(OutboundMail).where(OutboundMail.kind == "notice_by_email")).all()
    assert (mail.user_id, mail.subject) == (nina.id, notice().card.title)
    assert "Microsoft Teams could not take it (answered 500: The flow failed.)" in mail.text_body


def test_a_redirect_is_not_followed(nina, teams, jobs):
    in_teams(nina, teams.url("/redirect"), "answers")
    tell(nina, notice())
    db.session.commit()
    jobs.run()
    [message] = messages()
    assert message.status == MessageStatus.PENDING and message.last_error.startswith("redirected")
    assert [r["path"] for r in teams.received()] == ["/redirect"]


def test_an_unreachable_address_is_retried_and_its_secret_kept_out_of_the_error(nina, jobs):
    in_teams(nina, f"http://127.0.0.1:{free_port()}/workflows/abc/invoke?sig=Secret1234", "answers")
    tell(nina, notice())
    db.session.commit()
    jobs.run()
    [message] = messages()
    assert message.status == MessageStatus.PENDING and message.last_error.startswith("could not post")
    assert "Secret1234" not in message.last_error and "workflows/abc" not in message.last_error


def test_a_message_whose_address_was_removed_fails_without_posting(nina, teams, jobs):
    in_teams(nina, teams.url("/ok"), "answers")
    tell(nina, notice())
    db.session.commit()
    db.session.execute(sa.delete(TeamsWebhook))
    db.session.commit()
    jobs.run()

    [message] = messages()
    assert (message.status, message.last_error) == (MessageStatus.FAILED, "no Teams webhook address any more")
    assert teams.received() == []


def test_an_address_refused_now_is_not_posted_to(app, nina, teams, jobs):
    in_teams(nina, teams.url("/ok"), "answers")
    app.config["TEAMS_ALLOW_ANY_HOST"] = False  # as in production: loopback is no Microsoft host
    tell(nina, notice())
    db.session.commit()
    jobs.run()
    [message] = messages()
    assert message.status == MessageStatus.PENDING and "https://" in message.last_error
    assert teams.received() == []


def test_the_upkeep_sends_a_message_whose_job_was_lost(nina, teams, jobs):
    in_teams(nina, teams.url("/ok"), "answers")
    tell(nina, notice())
    db.session.commit()
    jobs.connection.flushdb()  # the job is lost
    assert teams_upkeep() == 0  # not yet: a job normally starts within seconds
    db.session.execute(sa.update(TeamsMessage).values(next_attempt_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()

    assert teams_upkeep() == 1
    jobs.run()
    assert len(teams.received()) == 1
    assert teams_upkeep() == 0


def test_a_test_card_shows_the_address_works(client, auth, nina, teams, jobs):
    auth.sign_in(nina)
    assert client.post("/profile/notices/microsoft-teams/test").status_code == 302  # no address: nothing
    client.post("/profile/notices/microsoft-teams", data={"url": teams.url("/ok/mine")})
    response = client.post("/profile/notices/microsoft-teams/test", follow_redirects=True)
    assert "A test card is on its way" in response.get_data(as_text=True)
    jobs.run()
    [got] = teams.received("/ok/mine")
    assert got["problems"] == [] and schema_errors(got["card"]) == []
    assert got["card"]["body"][0]["text"] == "Unstuck can post here"
