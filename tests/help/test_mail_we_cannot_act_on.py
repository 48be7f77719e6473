"""Mail to us is never silently lost, through the real SMTP receiver and the worker: a
reply to a digest itself is posted on its one question, or answered "which question?" with
each question's links and the sender's words; a person of ours writing to a dead reply
address is answered too; automatic mail and bounces never are; and nobody gets more than
one such answer an hour, however many emails, however many workers."""

from __future__ import annotations

import re
import smtplib
import threading
import time
from datetime import timedelta
from email import message_from_bytes, policy
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.help.models import Post
from app.mail.addresses import find_reply_address
from app.mail.incoming import outcomes as reply_outcomes
from app.mail.incoming.intake import read_incoming_mail, receive
from app.mail.models import IncomingMail, IncomingStatus, OutboundMail
from tests.help.digest_scenes import can_wait, digests, html_of, run_digests
from tests.help.routing_scenes import mails_to, mentor, text_of
from tests.mail import incoming_messages as mails

WORDS = "Use a partial index on status, it keeps the scan short."
WHICH = "Which question does your reply answer?"


def send(port: int, raw: bytes, to: str, mail_from: str) -> None:
    with smtplib.SMTP("127.0.0.1", port, local_hostname="mail.example.com") as smtp:
        assert smtp.sendmail(mail_from, [to], raw) == {}


def answering(digest, person, words: str = WORDS) -> bytes:
    """Their mail program's reply to the digest: to its Reply-To, the digest quoted."""
    return mails.reply_to(digest, person.name, person.email, words).as_bytes(policy=policy.SMTP)


def incoming() -> list[IncomingMail]:
    db.session.rollback()
    return db.session.scalars(sa.select(IncomingMail).order_by(IncomingMail.id)).all()


def posts() -> list[Post]:
    db.session.rollback()
    return db.session.scalars(sa.select(Post).order_by(Post.id)).all()


def answers_to(smtp, person) -> list:
    return [m for m in mails_to(smtp, person) if m["Subject"] in (WHICH, "Your reply was not posted")]


@pytest.fixture
def ari(make):
    return mentor(make, "Ari Mentor", max_open_questions=9)


def digest_of(make, jobs, smtp, ari, goals: list[str]):
    """Questions that can wait, routed to Ari, and the digest that told Ari of them."""
    questions = [can_wait(make.user(name=f"Asker {n}"), goal) for n, goal in enumerate(goals)]
    jobs.run()
    run_digests(jobs)
    [digest] = digests(smtp, ari)
    return digest, questions


def test_a_reply_to_a_digest_of_several_questions_asks_which_and_nothing_is_lost(make, jobs, smtp, ari, receiver):
    digest, (first, second) = digest_of(make, jobs, smtp, ari, ["Tune the report query", "Add an index"])
    assert find_reply_address([digest["Reply-To"]]).purpose == "digest"

    send(receiver, answering(digest, ari), digest["Reply-To"], ari.email)  # accepted with 250
    jobs.run()
    [row] = incoming()
    assert (row.status, row.reason) == (IncomingStatus.REFUSED, "handler")
    assert posts() == []

    [answer] = answers_to(smtp, ari)
    assert answer["Subject"] == WHICH
    text, html = text_of(answer), html_of(answer)
    assert "which told you of 2 questions" in text and "which one does it answer?" in text
    assert WORDS in text and WORDS in html  # their words come back
    for question in (first, second):
        [address] = re.findall(rf"“{question.goal}”: answer by email: (reply\+\w+@localhost)\r?$", text, flags=re.M)
        found = find_reply_address([address])
        assert (found.purpose, found.object_id, found.user_id) == ("question", question.id, ari.id)
        assert f"“{question.goal}”: answer in Unstuck: http://localhost/help/questions/{question.id}" in text

    # One click on a link opens a reply to that question with their words in it; sent, it is posted.
    mailto = re.search(r'href="(mailto:[^"]+)"[^>]*>“Add an index”', html).group(1).replace("&amp;", "&")
    link = urlsplit(mailto)
    query = parse_qs(link.query)
    assert query["subject"] == ["Re: Add an index"] and query["body"] == [WORDS]
    again = mails.gmail_reply(ari.email, link.path, text=query["body"][0], name=ari.name)
    send(receiver, again, link.path, ari.email)
    jobs.run()
    [post] = posts()
    assert (post.question_id, post.author_id, post.body, post.via) == (second.id, ari.id, WORDS, "email")


def test_a_reply_to_a_digest_of_one_question_is_posted_on_it(make, jobs, smtp, ari, receiver):
    digest, [question] = digest_of(make, jobs, smtp, ari, ["Tune the report query"])
    assert "Reply to this email to answer it" in text_of(digest)
    send(receiver, answering(digest, ari), digest["Reply-To"], ari.email)
    jobs.run()
    [row] = incoming()
    assert (row.status, row.reason) == (IncomingStatus.POSTED, "")
    [post] = posts()
    assert (post.question_id, post.author_id, post.body) == (question.id, ari.id, WORDS)
    assert answers_to(smtp, ari) == []
    assert [m["Subject"] for m in mails_to(smtp, question.asker)] == ["Ari Mentor answered: Tune the report query"]


@pytest.mark.parametrize("kind", ["gmail-vacation", "exchange", "de-subject"])
def test_an_out_of_office_answer_to_a_digest_is_never_answered(make, jobs, smtp, ari, receiver, kind):
    digest, _ = digest_of(make, jobs, smtp, ari, ["Tune the report query", "Add an index"])
    send(receiver, mails.out_of_office(kind, ari.email, digest["Reply-To"]), digest["Reply-To"], ari.email)
    jobs.run()
    [row] = incoming()
    assert (row.status, row.reason) == (IncomingStatus.REFUSED, "auto-reply")
    assert answers_to(smtp, ari) == []


def test_a_bounce_to_a_digest_address_is_never_answered(make, jobs, smtp, ari, receiver):
    digest, _ = digest_of(make, jobs, smtp, ari, ["Tune the report query", "Add an index"])
    to = digest["Reply-To"]
    send(receiver, mails.dsn_bounce(to, ari.email), to, "")
    send(receiver, mails.qmail_bounce(to, ari.email), to, ari.email)
    jobs.run()
    assert [(row.status, row.reason) for row in incoming()] == [(IncomingStatus.REFUSED, "bounce")] * 2
    assert answers_to(smtp, ari) == []


def test_a_person_of_ours_writing_to_a_dead_reply_address_is_answered_and_a_stranger_is_not(
    make, jobs, smtp, ari, receiver
):
    dead = "reply+abcdefghijklmnopqrstuvwx@localhost"
    send(receiver, mails.gmail_reply(ari.email, dead, text=WORDS, name=ari.name), dead, ari.email)
    send(receiver, mails.gmail_reply("eve@elsewhere.example", dead, text=WORDS), dead, "eve@elsewhere.example")
    jobs.run()
    assert [row.reason for row in incoming()] == ["unknown-address"] * 2
    [answer] = answers_to(smtp, ari)
    text = text_of(answer)
    assert "not one Unstuck takes replies at" in text and WORDS in text
    assert "Open Unstuck: http://localhost/" in text
    assert len(smtp.messages()) == 1  # nothing to the stranger (or whoever they pretend to be)


def test_at_most_one_answer_an_hour_and_the_next_hour_one_more(make, jobs, smtp, ari, receiver):
    digest, _ = digest_of(make, jobs, smtp, ari, ["Tune the report query", "Add an index"])
    for n in range(3):
        send(receiver, answering(digest, ari, f"{WORDS} ({n})"), digest["Reply-To"], ari.email)
    jobs.run()
    rows = incoming()
    assert [row.reason for row in rows] == ["handler"] * 3
    assert len(answers_to(smtp, ari)) == 1
    assert [row.detail.endswith("not answered: answered within the hour") for row in rows] == [False, True, True]

    assert read_incoming_mail(rows[0].id) == "refused"  # read again: nothing sent again
    jobs.run()
    assert len(answers_to(smtp, ari)) == 1

    db.session.execute(
        sa.update(OutboundMail)
        .where(OutboundMail.kind == "reply_refused")
        .values(created_at=utcnow() - timedelta(minutes=61))
    )
    db.session.commit()
    send(receiver, answering(digest, ari, "An hour later."), digest["Reply-To"], ari.email)
    jobs.run()
    assert len(answers_to(smtp, ari)) == 2


def test_two_workers_refusing_two_emails_of_one_person_at_once_answer_once(app, make, jobs, smtp, ari, monkeypatch):
    digest, _ = digest_of(make, jobs, smtp, ari, ["Tune the report query", "Add an index"])
    ids = [
        receive(answering(digest, ari, f"{WORDS} ({n})"), "smtp", ari.email, [digest["Reply-To"]]).id for n in range(2)
    ]
    real_tell = reply_outcomes.tell

    def slow_tell(*args, **kwargs):
        time.sleep(0.3)  # the other worker reads meanwhile, unless it waits for this one
        return real_tell(*args, **kwargs)

    monkeypatch.setattr(reply_outcomes, "tell", slow_tell)
    outcomes, errors = [], []

    def work(incoming_id: int) -> None:
        with app.app_context():
            try:
                outcomes.append(read_incoming_mail(incoming_id))
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    workers = [threading.Thread(target=work, args=(incoming_id,)) for incoming_id in ids]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == [] and outcomes == ["refused", "refused"]
    db.session.rollback()
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboundMail).where(OutboundMail.kind == "reply_refused")
        )
        == 1
    )


def test_the_answer_shows_what_they_wrote_rendered_and_safe(make, jobs, smtp, ari, receiver):
    digest, _ = digest_of(make, jobs, smtp, ari, ["Tune the report query", "Add an index"])
    words = "Try this:\n\n```sql\nselect 1;\n```\n\n<script>alert(1)</script>"
    send(receiver, answering(digest, ari, words), digest["Reply-To"], ari.email)
    jobs.run()
    [answer] = answers_to(smtp, ari)
    html = html_of(answer)
    assert "```" not in html and "<pre" in html and "select 1;" in html
    assert "<script" not in html and "&lt;script&gt;" in html
    raw = message_from_bytes(answer.as_bytes(), policy=policy.default)
    assert raw["Auto-Submitted"] == "auto-generated"  # so that their mail program does not answer it
