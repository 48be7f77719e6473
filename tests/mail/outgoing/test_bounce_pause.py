"""Mail to an address that keeps bouncing is paused, not stopped for good: after
MAIL_BOUNCE_PAUSE_DAYS from its last bounce the next email is tried, and one more bounce
pauses it again. Bounces of the emails sent arrive through the real incoming path, mail goes
to a real SMTP server, and time passes by moving the last bounce back."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from app.extensions import db
from app.mail.outgoing import MailStatus
from app.mail.outgoing.bounces import mail_pause, mail_pauses, resume_mail
from tests.mail.bounces import bounce, bounce_record, bounce_report, last_bounced, mail_row, mail_to


@pytest.fixture
def grace(make):
    return make.mentor(name="Grace Hopper", email="grace@example.com")


def send(person, key: str, jobs) -> int:
    """Record an email to the person and let the worker send it; return the email's id."""
    mail = mail_to(person, key)
    db.session.commit()
    jobs.run()
    return mail.id


def test_mail_is_paused_after_the_limit_and_tried_again_once_the_pause_is_over(app, grace, jobs, smtp, caplog):
    limit, days = app.config["MAIL_BOUNCE_LIMIT"], app.config["MAIL_BOUNCE_PAUSE_DAYS"]
    for n in range(limit - 1):
        bounce_report(send(grace, f"bounced-{n}", jobs), grace.email)
    under = send(grace, "under-the-limit", jobs)
    assert mail_row(under).status == MailStatus.SENT

    bounce_report(under, grace.email)
    with caplog.at_level(logging.WARNING, logger="app.mail.outgoing.jobs"):
        paused = mail_row(send(grace, "paused", jobs))
    assert paused.status == MailStatus.SUPPRESSED
    assert paused.last_error.startswith(f"mail to this address bounced {limit} times; paused until ")
    assert f"the address bounced {limit} times; paused until" in caplog.text

    last_bounced(grace.email, timedelta(days=days) - timedelta(minutes=1))
    assert mail_row(send(grace, "nearly-over", jobs)).status == MailStatus.SUPPRESSED
    last_bounced(grace.email, timedelta(days=days, minutes=1))
    over = send(grace, "over", jobs)
    assert mail_row(over).status == MailStatus.SENT
    assert [e.rcpt_tos for e in smtp.received] == [[grace.email]] * (limit + 1)

    bounce_report(over, grace.email)  # the mail tried after the pause bounced too: paused again at once
    assert mail_row(send(grace, "paused-again", jobs)).status == MailStatus.SUPPRESSED
    assert len(smtp.received) == limit + 1
    assert bounce_record(grace.email).count == limit + 1  # how often, for the admins


def test_a_pause_ends_its_length_after_the_last_bounce(app, grace):
    bounce(grace.email, times=app.config["MAIL_BOUNCE_LIMIT"])
    pause = mail_pause("Grace@Example.com")
    record = bounce_record(grace.email)
    assert (pause.email, pause.count) == ("grace@example.com", record.count)
    assert (
        pause.last_reason
        == record.last_reason
        == "smtp; 550 5.1.1 <grace@example.com>: Recipient address rejected: User unknown"
    )
    assert pause.until == record.last_bounced_at + timedelta(days=app.config["MAIL_BOUNCE_PAUSE_DAYS"])


def test_only_addresses_that_reached_the_limit_are_paused(app, make):
    paused, nearly, fine = (make.mentor(email=f"{name}@example.com") for name in ("paused", "nearly", "fine"))
    bounce(paused.email, times=app.config["MAIL_BOUNCE_LIMIT"])
    bounce(nearly.email, times=app.config["MAIL_BOUNCE_LIMIT"] - 1)
    assert set(mail_pauses(["PAUSED@example.com", nearly.email, fine.email])) == {"paused@example.com"}
    assert mail_pauses([]) == {}


@pytest.mark.parametrize("setting", ["MAIL_BOUNCE_LIMIT", "MAIL_BOUNCE_PAUSE_DAYS"])
def test_a_limit_or_a_pause_of_zero_never_pauses(app, grace, jobs, smtp, setting):
    bounce(grace.email, times=app.config["MAIL_BOUNCE_LIMIT"])
    bounced = len(smtp.received)  # the emails that bounced
    app.config[setting] = 0
    assert mail_pause(grace.email) is None
    assert mail_row(send(grace, "always", jobs)).status == MailStatus.SENT
    assert len(smtp.received) == bounced + 1


def test_resuming_mail_forgets_the_bounces_of_that_address_only(app, grace, make):
    other = make.mentor(email="other@example.com")
    for person in (grace, other):
        bounce(person.email, times=app.config["MAIL_BOUNCE_LIMIT"])
    ended = resume_mail(" Grace@Example.com ")
    db.session.commit()
    assert (ended.email, ended.count) == ("grace@example.com", app.config["MAIL_BOUNCE_LIMIT"])
    assert bounce_record(grace.email) is None and mail_pause(grace.email) is None
    assert mail_pause(other.email) is not None
    assert resume_mail(grace.email) is None  # nothing left to end


def test_resuming_mail_that_is_not_paused_forgets_its_few_bounces(app, grace):
    bounce(grace.email)
    assert resume_mail(grace.email) is None
    db.session.commit()
    assert bounce_record(grace.email) is None
