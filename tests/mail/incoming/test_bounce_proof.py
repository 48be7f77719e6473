"""A bounce counts only when it proves that it answers mail Unstuck sent to that address:
each email goes out with a return path of its own (`bounce+<signed id>@MAIL_DOMAIN`), and
a delivery report sent there counts once, for the one address that email went to. Reports
are sent in real SMTP sessions to the built-in receiver, and read by the worker."""

from __future__ import annotations

import itertools
import smtplib

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.mail.addresses import reply_address
from app.mail.models import IncomingMail, IncomingStatus, MailBounce
from app.mail.outgoing import MailStatus
from app.mail.outgoing.bounces import mail_pause
from tests.mail import incoming_messages as mails
from tests.mail.bounces import bounce_record, mail_row, mail_to
from tests.mail.conftest import PURPOSE

_ids = itertools.count(1)


def report_id() -> str:
    return f"<report-{next(_ids)}@mx.example.com>"


def send(port: int, mail_from: str, rcpt_to: list[str], raw: bytes) -> dict:
    """Send raw mail over SMTP to the receiver; return the recipients it refused."""
    with smtplib.SMTP("127.0.0.1", port, local_hostname="mx.example.com") as smtp:
        return smtp.sendmail(mail_from, rcpt_to, raw)


def sent_to(person, key: str, jobs, smtp) -> tuple[int, str]:
    """Have Unstuck mail the person through the worker; return the email's id and the
    envelope sender it went out with (its return path)."""
    mail = mail_to(person, key)
    db.session.commit()
    jobs.run()
    [envelope] = [e for e in smtp.received if e.rcpt_tos == [person.email]][-1:]
    return mail.id, envelope.mail_from


def incoming() -> list[IncomingMail]:
    db.session.rollback()
    return db.session.scalars(sa.select(IncomingMail).order_by(IncomingMail.id)).all()


@pytest.fixture
def grace(make):
    return make.mentor(name="Grace Hopper", email="grace@example.com")


@pytest.fixture
def admin(make):
    return make.admin(name="Root Admin", email="root@example.com")


def test_each_email_goes_out_with_a_return_path_of_its_own(app, grace, jobs, smtp):
    first_id, first = sent_to(grace, "first", jobs, smtp)
    second_id, second = sent_to(grace, "second", jobs, smtp)
    for path in (first, second):
        local, _, domain = path.rpartition("@")
        assert local.startswith("bounce+") and domain == app.config["MAIL_DOMAIN"]
    assert first != second
    assert str(first_id) in first and str(second_id) in second


def test_forged_reports_to_a_reply_address_pause_nobody(app, receiver, make, admin, jobs, smtp):
    mallory = make.mentor(name="Mallory", email="mallory@evil.example")
    address = reply_address(PURPOSE, 1, mallory.id)  # a real address Mallory was given
    db.session.commit()
    for _ in range(app.config["MAIL_BOUNCE_LIMIT"] + 1):
        send(receiver, "", [address], mails.dsn_bounce(address, admin.email, message_id=report_id()))
    send(receiver, "", [address], mails.qmail_bounce(address, admin.email))
    jobs.run()

    assert [(row.status, row.reason) for row in incoming()] == [(IncomingStatus.REFUSED, "bounce")] * 5
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailBounce)) == 0
    assert mail_pause(admin.email) is None
    mail_id, _ = sent_to(admin, "still-mailed", jobs, smtp)
    assert mail_row(mail_id).status == MailStatus.SENT


@pytest.mark.parametrize(
    "local_part",
    [
        "unstuck",
        "postmaster",
        "mailer-daemon",
        "anything",
        "bounce+1-aaaaaaaaaaaaaaaaaaaaaaaaaa",
        "reply+abcdefghijklmnopqrstuvwx",
    ],
)
def test_addresses_unstuck_never_gave_out_are_refused_at_rcpt(app, receiver, admin, local_part):
    rcpt = f"{local_part}@{app.config['MAIL_DOMAIN']}"
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(receiver, "", [rcpt], mails.dsn_bounce(rcpt, admin.email, message_id=report_id()))
    code, message = refused.value.recipients[rcpt]
    assert code == 550 and message.startswith(b"5.1.1")
    assert incoming() == []


def test_a_return_path_altered_in_any_way_is_refused_at_rcpt(app, receiver, grace, jobs, smtp):
    mail_id, path = sent_to(grace, "real", jobs, smtp)
    signature = path.partition("-")[2].partition("@")[0]
    domain = app.config["MAIL_DOMAIN"]
    flipped = signature[:-1] + ("a" if signature[-1] != "a" else "b")
    for rcpt in (
        f"bounce+{mail_id}-{flipped}@{domain}",  # another signature
        f"bounce+{mail_id + 1}-{signature}@{domain}",  # another email's id
        f"bounce+{mail_id}-{signature}@elsewhere.example",
    ):  # another domain
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            send(receiver, "", [rcpt], mails.dsn_bounce(rcpt, grace.email, message_id=report_id()))
    assert incoming() == []
    send(receiver, "", [path.upper()], mails.dsn_bounce(path, grace.email, message_id=report_id()))
    assert len(incoming()) == 1  # the genuine one, in any case


def test_a_report_to_the_return_path_counts_once_for_the_address_that_email_went_to(
    app, receiver, grace, admin, make, jobs, smtp
):
    _, path = sent_to(grace, "bounced", jobs, smtp)
    others = tuple([admin.email] + [f"person{n}@example.com" for n in range(48)])
    send(receiver, "", [path], mails.dsn_bounce(path, grace.email, also_failed=others, message_id=report_id()))
    jobs.run()

    [row] = incoming()
    assert (row.status, row.reason, row.detail) == (IncomingStatus.REFUSED, "bounce", grace.email)
    assert [(b.email, b.count) for b in db.session.scalars(sa.select(MailBounce))] == [(grace.email, 1)]
    assert bounce_record(grace.email).last_reason.startswith("smtp; 550 5.1.1")

    # The same report again, or another one for that email, counts no more: its return path is spent.
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(receiver, "", [path], mails.dsn_bounce(path, grace.email, message_id=report_id()))
    assert bounce_record(grace.email).count == 1


def test_a_report_that_names_another_address_or_only_a_delay_counts_nothing(app, receiver, grace, admin, jobs, smtp):
    _, path = sent_to(grace, "bounced", jobs, smtp)
    send(receiver, "", [path], mails.dsn_bounce(path, admin.email, message_id=report_id()))
    send(
        receiver,
        "",
        [path],
        mails.dsn_bounce(path, grace.email, action="delayed", status="4.4.1", message_id=report_id()),
    )
    jobs.run()
    assert [row.reason for row in incoming()] == ["bounce", "bounce"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailBounce)) == 0

    # The return path still takes the report that does prove it.
    send(receiver, "", [path], mails.qmail_bounce(path, grace.email))
    jobs.run()
    assert bounce_record(grace.email).count == 1


def test_genuine_bounces_of_three_emails_pause_the_address(app, receiver, grace, jobs, smtp):
    limit = app.config["MAIL_BOUNCE_LIMIT"]
    for n in range(limit):
        _, path = sent_to(grace, f"bounced-{n}", jobs, smtp)
        send(receiver, "", [path], mails.dsn_bounce(path, grace.email, message_id=report_id()))
        jobs.run()
    assert mail_pause(grace.email).count == limit
    paused = mail_to(grace, "paused")
    db.session.commit()
    jobs.run()
    assert mail_row(paused.id).status == MailStatus.SUPPRESSED
