"""The built-in SMTP receiver, in real SMTP sessions: mail for our live addresses is kept and
read by the worker, other recipients are refused at RCPT, and mail that cannot be kept (or
checked) is answered 451 so that the sender tries again."""

from __future__ import annotations

import os
import smtplib

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.factory import create_app
from app.mail.addresses import bounce_address
from app.mail.incoming.smtp import start_receiver
from app.mail.models import IncomingMail, IncomingStatus, MailBounce
from app.mail.outgoing import send_mail
from config import TestConfig
from tests.mail import incoming_messages as mails
from tests.smtp import free_port


def rows() -> list[IncomingMail]:
    db.session.rollback()  # see what the receiver's thread committed
    return db.session.scalars(sa.select(IncomingMail).order_by(IncomingMail.id)).all()


def test_a_reply_sent_over_smtp_is_posted_by_the_worker(app, receiver, replies, mentor, address, jobs):
    with smtplib.SMTP("127.0.0.1", receiver, local_hostname="mail.example.com") as smtp:
        code, banner = smtp.ehlo()
        assert code == 250 and b"SIZE" in banner
        refused = smtp.sendmail(mentor.email, [address], mails.gmail_reply(mentor.email, address))
    assert refused == {}
    [row] = rows()
    assert (row.via, row.mail_from, row.rcpt_to) == ("smtp", mentor.email, [address])
    assert row.status == IncomingStatus.RECEIVED
    assert jobs.run() == 1
    assert rows()[0].status == IncomingStatus.POSTED
    assert [r.text for r in replies] == ["Run the migration with batch mode on."]


def test_recipients_outside_our_domain_are_refused_at_rcpt(app, receiver, mentor, address):
    with smtplib.SMTP("127.0.0.1", receiver, local_hostname="mail.example.com") as smtp:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            smtp.sendmail(mentor.email, ["someone@elsewhere.example"], mails.gmail_reply(mentor.email, address))
        code, message = refused.value.recipients["someone@elsewhere.example"]
        assert code == 550 and message.startswith(b"5.1.1")
        # Of two recipients, the one outside the domain is refused and the mail kept for the other.
        partly = smtp.sendmail(
            mentor.email, ["x@localhost.evil.example", address], mails.gmail_reply(mentor.email, address)
        )
    assert partly == {"x@localhost.evil.example": (550, b"5.1.1 No such mailbox here")}
    assert [row.rcpt_to for row in rows()] == [[address]]


def test_a_bounce_with_an_empty_envelope_sender_is_counted(app, receiver, address, jobs):
    mail = send_mail(
        "gone",
        "reply_refused",
        ("gone@example.com", ""),
        "Your reply was not posted",
        "mail/reply_refused",
        {"subject": "x", "why": "", "text": ""},
    )
    db.session.commit()
    jobs.run()  # sent, with its own return path
    path = bounce_address(mail.id)
    with smtplib.SMTP("127.0.0.1", receiver, local_hostname="mx.example.com") as smtp:
        smtp.sendmail("", [path], mails.dsn_bounce(path, "gone@example.com"))
    assert rows()[0].mail_from == "<>"
    jobs.run()
    [row] = rows()
    assert (row.status, row.reason) == (IncomingStatus.REFUSED, "bounce")
    assert db.session.scalar(sa.select(MailBounce.count).where(MailBounce.email == "gone@example.com")) == 1


def test_mail_over_the_size_limit_is_refused(app, mentor, address):
    app.config["MAX_CONTENT_LENGTH"] = 4000
    port = free_port()
    controller = start_receiver(app, "127.0.0.1", port)
    try:
        raw = mails.reply_with_attachment(mentor.email, address, filename="big.txt") + b"x" * 5000
        with smtplib.SMTP("127.0.0.1", port, local_hostname="mail.example.com") as smtp:
            with pytest.raises((smtplib.SMTPSenderRefused, smtplib.SMTPDataError)) as refused:
                smtp.sendmail(mentor.email, [address], raw)
        assert refused.value.smtp_code == 552
    finally:
        controller.stop()
    assert rows() == []


def test_mail_that_cannot_be_kept_is_answered_451(app, backend, redis_url, tmp_path, mentor, address):
    broken_url = (
        f"sqlite:///{tmp_path}/no/such/folder/unstuck.db"
        if backend == "sqlite"
        else "postgresql+psycopg://postgres@127.0.0.1:1/unstuck"
    )
    unreachable = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=broken_url, REDIS_URL=redis_url)
    port = free_port()
    controller = start_receiver(unreachable, "127.0.0.1", port)
    try:
        with smtplib.SMTP("127.0.0.1", port, local_hostname="mail.example.com") as smtp:
            with pytest.raises(smtplib.SMTPDataError) as refused:
                smtp.sendmail(mentor.email, [address], mails.gmail_reply(mentor.email, address))
            assert refused.value.smtp_code == 451 and b"try again later" in refused.value.smtp_error
            with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:  # a bounce's recipient
                smtp.sendmail("", [address], mails.gmail_reply(mentor.email, address))  # cannot be checked
        code, message = refused.value.recipients[address]
        assert code == 451 and b"try again later" in message
    finally:
        controller.stop()
        unreachable.extensions["jobs"].connection.close()
    assert not os.path.exists(tmp_path / "no")


def test_the_receive_command_is_there(app):
    result = app.test_cli_runner().invoke(args=["mail", "receive", "--help"])
    assert result.exit_code == 0
    assert "--port" in result.output and "MAIL_RECEIVER_PORT" in result.output
