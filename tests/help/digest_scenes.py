"""Test data for digests: mentors' digest settings, questions that can wait, time moved on,
and the digests people got. Shared by the digest tests of this folder."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.help.digest import send_due_digests
from app.help.models import DigestFrequency, DigestSetting, Question, Urgency
from app.help.routing import route_question
from app.jobs import enqueue
from app.mail.models import OutboundMail
from tests.help.routing_scenes import ask, attempts_of, mails_to, text_of

STILL_SENT = "You will still get an email at once when a question is blocking someone."


def choose(person, frequency: DigestFrequency, minute_of_day: int = 9 * 60, weekday: int = 0, **fields):
    """Save the person's digest setting."""
    db.session.add(
        DigestSetting(user_id=person.id, frequency=frequency, minute_of_day=minute_of_day, weekday=weekday, **fields)
    )
    db.session.commit()


def can_wait(asker, goal: str, **fields) -> Question:
    """A question that can wait, routed (to whoever fits best)."""
    question = ask(asker, urgency=Urgency.CAN_WAIT, goal=goal, **fields)
    route_question(question.id)
    return question


def digests(smtp, person=None) -> list:
    """The digests the SMTP server received (for one person), in order."""
    ids = set(db.session.scalars(sa.select(OutboundMail.message_id).where(OutboundMail.kind == "digest")))
    return [m for m in (mails_to(smtp, person) if person else smtp.messages()) if m["Message-ID"] in ids]


def html_of(mail) -> str:
    return mail.get_body(("html",)).get_content()


def run_digests(jobs) -> int:
    """Run the periodic job as the scheduler does; return how many jobs ran (itself included)."""
    enqueue(send_due_digests)
    return jobs.run()


def hour_passes(person) -> None:
    """Move the person's last digest an hour and more into the past."""
    db.session.execute(
        sa.update(DigestSetting)
        .where(DigestSetting.user_id == person.id)
        .values(last_sent_at=utcnow() - timedelta(hours=2))
    )
    db.session.commit()


def backdate(question: Question, by: timedelta) -> None:
    """Make the question and its attempts older, as if asked and routed `by` ago."""
    db.session.expire_all()
    for row in [db.session.get(Question, question.id), *attempts_of(question)]:
        row.created_at -= by
    db.session.commit()


def goals_in(mail) -> list[str]:
    return re.findall(r"^\d+\. (.+?)(?: \[updated\])?$", text_of(mail).replace("\r\n", "\n"), flags=re.M)
