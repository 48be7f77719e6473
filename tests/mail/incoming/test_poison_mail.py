"""Received mail that cannot be read or kept is never lost in silence: control characters
never reach the database (a NUL is refused by PostgreSQL), a reply too large in parts or
depth is refused and its person told, and mail whose reading fails again and again ends as
failed, is shown to admins, and its person is told. Through real SMTP sessions and a real
worker, on both databases."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.help.models import Post
from app.mail.addresses import reply_address
from app.mail.incoming.handlers import Reply, register_reply_handler
from app.mail.incoming.intake import READ_ATTEMPTS, read_incoming_mail, receive, requeue_unread_mail
from app.mail.models import IncomingMail, IncomingStatus, OutboundMail
from tests.help.threads import scene
from tests.mail import incoming_messages as mails
from tests.mail.conftest import PURPOSE


class WorkerDied(BaseException):
    """The worker process ends here, as if killed (out of memory, say): nothing after it runs."""


def send(port: int, mail_from: str, rcpt_to: list[str], raw: bytes) -> None:
    with smtplib.SMTP("127.0.0.1", port, local_hostname="mail.example.com") as smtp:
        assert smtp.sendmail(mail_from, rcpt_to, raw) == {}


def rows() -> list[IncomingMail]:
    db.session.rollback()
    return db.session.scalars(sa.select(IncomingMail).order_by(IncomingMail.id)).all()


def told(smtp, person) -> list:
    return [m for m in smtp.messages() if m["To"].addresses[0].addr_spec == person.email]


# -- a NUL byte ------------------------------------------------------------------------


def test_a_reply_with_nul_bytes_is_posted_without_them(app, make, receiver, jobs, smtp):
    s = scene(make)
    address = reply_address("question", s.question.id, s.mentor.id)
    db.session.commit()
    raw = mails.gmail_reply(
        s.mentor.email,
        address,
        text="Run the migration=00 with batch mode on.",
        name="Mia=?utf-8?q?_=00?=",
        subject="Re: =?utf-8?q?stuck=00?= again",
    )
    send(receiver, s.mentor.email, [address], raw)
    jobs.run()

    [row] = rows()
    assert row.status == IncomingStatus.POSTED
    [post] = db.session.scalars(sa.select(Post).where(Post.question_id == s.question.id)).all()
    assert post.body == "Run the migration with batch mode on."
    assert post.via == "email"


def test_a_nul_in_the_envelope_is_kept_without_it(app, replies, mentor, address, jobs):
    row = receive(mails.gmail_reply(mentor.email, address), "http", "grace\x00@example.com", [address + "\x00"])
    assert (row.mail_from, row.rcpt_to) == ("grace@example.com", [address])
    jobs.run()
    assert rows()[0].status == IncomingStatus.POSTED


# -- too large to read -----------------------------------------------------------------


def many_parts(from_addr: str, to: str, count: int) -> bytes:
    parts = "".join(f"--b\nContent-Type: text/plain\n\npart {n}\n" for n in range(count))
    return mails.crlf(
        f"From: Grace Hopper <{from_addr}>\nTo: {to}\nSubject: Re: logs\n"
        f"Message-ID: {mails.new_message_id()}\nMIME-Version: 1.0\n"
        f'Content-Type: multipart/mixed; boundary="b"\n\n{parts}--b--\n'
    )


def deeply_nested(from_addr: str, to: str, depth: int) -> bytes:
    opening = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n' for i in range(depth))
    return mails.crlf(
        f"From: Grace Hopper <{from_addr}>\nTo: {to}\nSubject: Re: logs\n"
        f"Message-ID: {mails.new_message_id()}\nMIME-Version: 1.0\n"
        f"{opening}Content-Type: text/plain\n\nRun it again.\n"
    )


@pytest.mark.parametrize(
    "build, says",
    [
        (lambda f, t: many_parts(f, t, 301), "more than 300 parts"),
        (lambda f, t: deeply_nested(f, t, 21), "nested more than 20 levels deep"),
    ],
)
def test_a_reply_too_large_to_read_is_refused_and_its_person_told(
    app, receiver, replies, mentor, address, jobs, smtp, build, says
):
    send(receiver, mentor.email, [address], build(mentor.email, address))
    jobs.run()

    [row] = rows()
    assert (row.status, row.reason) == (IncomingStatus.REFUSED, "unreadable")
    assert replies == []
    [note] = told(smtp, mentor)
    assert note["Subject"] == "Your reply was not posted"
    text = note.get_body(("plain",)).get_content()
    assert says in text and "Re: logs" in text


def test_a_reply_just_within_the_limits_is_posted(app, receiver, replies, mentor, address, jobs):
    send(receiver, mentor.email, [address], many_parts(mentor.email, address, 299))
    send(receiver, mentor.email, [address], deeply_nested(mentor.email, address, 19))
    jobs.run()
    assert [row.status for row in rows()] == [IncomingStatus.POSTED] * 2
    assert replies[1].text == "Run it again."


def test_an_unreadable_mail_from_anyone_but_the_addresss_person_tells_nobody(
    app, receiver, replies, mentor, address, jobs, smtp
):
    send(receiver, "mallory@evil.example", [address], many_parts("mallory@evil.example", address, 400))
    jobs.run()
    assert rows()[0].reason == "unreadable"
    assert smtp.received == []


# -- failing again and again -----------------------------------------------------------


def age_claim(incoming_id: int) -> None:
    db.session.execute(
        sa.update(IncomingMail)
        .where(IncomingMail.id == incoming_id)
        .values(claimed_at=utcnow() - timedelta(minutes=11))
    )
    db.session.commit()


def test_mail_whose_reading_fails_again_and_again_ends_failed_and_its_person_is_told(
    app, mentor, address, jobs, smtp, make, auth, client
):
    def dies(reply: Reply) -> None:
        raise WorkerDied()

    register_reply_handler(app, PURPOSE, dies)
    row = receive(mails.gmail_reply(mentor.email, address, subject="Re: Kafka lag"), "smtp", mentor.email, [address])
    jobs.connection.flushdb()  # its job is run by hand below
    for _ in range(READ_ATTEMPTS):
        with pytest.raises(WorkerDied):
            read_incoming_mail(row.id)
        db.session.rollback()
        age_claim(row.id)
    assert requeue_unread_mail() == 1
    jobs.run()  # the sweep's job gives up on it

    [row] = rows()
    assert (row.status, row.reason, row.attempts) == (IncomingStatus.FAILED, "failed", READ_ATTEMPTS)
    assert row.processed_at is not None
    [note] = told(smtp, mentor)
    assert note["Subject"] == "Your reply was not posted"
    text = note.get_body(("plain",)).get_content()
    assert "could not be read" in text and "Re: Kafka lag" in text

    assert read_incoming_mail(row.id) == "failed"  # nothing more happens, nobody is told twice
    assert requeue_unread_mail() == 0
    jobs.run()
    assert len(told(smtp, mentor)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMail)) == 1

    auth.sign_in(make.admin())
    page = client.get("/admin/mail")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Re: Kafka lag" in html and "grace@example.com" in html
    assert f"gave up after {READ_ATTEMPTS} attempts" in html
    assert "told grace@example.com" in html
