"""A mentor whose email is paused (it keeps bouncing) cannot be told of a question by mail:
the question moves on to the next mentor at once, rather than wait out a deadline nobody
sees. A real worker routes the question and sends the mail to a real SMTP server."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from app.extensions import db
from app.help.jobs import route_question_job
from app.help.models import AttemptState, Urgency
from app.jobs import enqueue
from app.mail.outgoing import MailStatus, OutboundMail
from tests.help.routing_scenes import ask, attempts_of, mentor
from tests.mail.bounces import bounce


def ask_mails() -> list[OutboundMail]:
    db.session.expire_all()
    return list(
        db.session.scalars(sa.select(OutboundMail).where(OutboundMail.kind == "question_ask").order_by(OutboundMail.id))
    )


def test_a_mentor_whose_mail_is_paused_is_passed_over_at_once_and_the_next_one_asked(app, make, jobs, smtp, caplog):
    paused = mentor(make, "Pat Paused", {"SQL": 5}, email="pat@example.com")
    ready = mentor(make, "Rae Ready", {"SQL": 3}, email="rae@example.com")
    bounce(paused.email, times=app.config["MAIL_BOUNCE_LIMIT"])
    question = ask(make.user(name="Nina New"), urgency=Urgency.BLOCKING)

    enqueue(route_question_job, question.id)
    with caplog.at_level(logging.INFO, logger="app.help.routing"):
        jobs.run()

    attempts = attempts_of(question)
    assert [a.mentor_id for a in attempts] == [paused.id, ready.id]
    first, second = attempts
    assert first.state == AttemptState.UNREACHED
    assert first.closed_at is not None
    assert (second.mentor_id, second.state) == (ready.id, AttemptState.WAITING)
    assert [(m.to_email, m.status) for m in ask_mails()] == [
        (paused.email, MailStatus.SUPPRESSED),
        (ready.email, MailStatus.SENT),
    ]
    asked = [m["To"].addresses[0].addr_spec for m in smtp.messages() if "is stuck" in m["Subject"]]
    assert asked == [ready.email]
    assert f"question {question.id} moved on from {paused.id}: not told, mail to this address bounced" in caplog.text

    jobs.run()  # nothing left to do: the pause moved the question on once
    assert len(attempts_of(question)) == 2


def test_a_mentor_who_could_not_be_told_is_no_try_before_the_lead_is_asked(app, make, jobs, smtp):
    app.config["ROUTING_ATTEMPTS"] = 1  # one mentor, then the team lead
    lead = make.mentor(name="Lena Lead", email="lena@example.com")
    team = make.team(lead=lead)
    paused = mentor(make, "Pat Paused", {"SQL": 5}, email="pat@example.com")
    ready = mentor(make, "Rae Ready", {"SQL": 3}, email="rae@example.com")
    bounce(paused.email, times=app.config["MAIL_BOUNCE_LIMIT"])
    question = ask(make.user(name="Nina New", team=team), urgency=Urgency.BLOCKING)

    enqueue(route_question_job, question.id)
    jobs.run()
    assert [(a.mentor_id, a.state) for a in attempts_of(question)] == [
        (paused.id, AttemptState.UNREACHED),
        (ready.id, AttemptState.WAITING),
    ]
