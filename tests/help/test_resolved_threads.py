"""Adding to a resolved question, one rule on the web and by mail: whoever may see the
question (a mentor who answered, the lead) may add to its thread; it stays resolved, and the
asker is told that it does."""

from __future__ import annotations

import smtplib

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.help import thread
from app.help.models import Post, Question, QuestionState
from app.help.notices import REPLY_PURPOSE
from app.mail.addresses import reply_address
from app.mail.incoming.smtp import start_receiver
from app.mail.models import IncomingMail, IncomingStatus
from tests.help.routing_scenes import mails_to, text_of
from tests.help.threads import scene, sign_in
from tests.mail import incoming_messages as mails
from tests.smtp import free_port


@pytest.fixture
def s(make):
    """Nina's question, answered by Mia and resolved by Nina."""
    world = scene(make)
    thread.post_answer(world.question.id, world.mentor.id, "Run `flask db upgrade` first.")
    db.session.commit()  # the test owns its transaction, as a request or job would
    thread.resolve(world.question.id, world.asker.id)
    db.session.commit()  # the test owns its transaction, as a request or job would
    return world


def posts_of(s) -> list[Post]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Post).where(Post.question_id == s.question.id).order_by(Post.id)))


def state_of(s) -> QuestionState:
    db.session.expire_all()
    return db.session.get(Question, s.question.id).state


def told_asker_it_stays_resolved(s, smtp, words: str) -> None:
    [told] = [m for m in mails_to(smtp, s.asker) if words in text_of(m)]
    text = text_of(told)
    assert "stays resolved" in text
    assert "mark it resolved" not in text  # it is resolved already


def test_a_mentor_adds_to_a_resolved_thread_on_the_page_and_the_asker_is_told(client, auth, s, smtp, jobs):
    jobs.run()
    sign_in(auth, s.mentor)
    page = client.get(f"/help/questions/{s.question.id}").get_data(as_text=True)
    assert "This question is resolved" in page and "stays resolved" in page
    response = client.post(
        f"/help/questions/{s.question.id}/posts", data={"body": "For next time: `alembic heads` shows it."}
    )
    assert response.status_code == 302
    assert [p.body for p in posts_of(s)][-1] == "For next time: `alembic heads` shows it."
    assert state_of(s) == QuestionState.RESOLVED
    jobs.run()
    told_asker_it_stays_resolved(s, smtp, "alembic heads")


def test_a_mentors_mail_to_a_resolved_question_is_posted_and_the_asker_is_told(app, s, smtp, jobs):
    address = reply_address(REPLY_PURPOSE, s.question.id, s.mentor.id)
    db.session.commit()
    jobs.run()
    port = free_port()
    controller = start_receiver(app, "127.0.0.1", port)
    try:
        with smtplib.SMTP("127.0.0.1", port, local_hostname="mail.example.com") as client:
            client.sendmail(
                s.mentor.email,
                [address],
                mails.gmail_reply(
                    s.mentor.email, address, text="For next time: alembic heads shows it.", name="Mia Mentor"
                ),
            )
    finally:
        controller.stop()
    jobs.run()
    db.session.rollback()
    [row] = db.session.scalars(sa.select(IncomingMail)).all()
    assert (row.status, row.reason) == (IncomingStatus.POSTED, "")
    last = posts_of(s)[-1]
    assert (last.author_id, last.body, last.via) == (s.mentor.id, "For next time: alembic heads shows it.", "email")
    assert state_of(s) == QuestionState.RESOLVED
    assert [m for m in mails_to(smtp, s.mentor) if "not posted" in m["Subject"]] == []
    told_asker_it_stays_resolved(s, smtp, "alembic heads")


def test_the_askers_follow_up_on_a_resolved_thread_reaches_who_answered(s, smtp, jobs):
    jobs.run()
    thread.post_answer(s.question.id, s.asker.id, "It came back after the deploy.")
    db.session.commit()  # the test owns its transaction, as a request or job would
    assert state_of(s) == QuestionState.RESOLVED
    jobs.run()
    [told] = [m for m in mails_to(smtp, s.mentor) if "came back" in text_of(m)]
    assert "resolved" in text_of(told)
