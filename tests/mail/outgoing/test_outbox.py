"""Outbound mail through a real worker to a real SMTP server (aiosmtpd on loopback):
each email arrives once, with the headers mail clients and auto-responders need, and a
refusing server leaves it failed until a later run sends it."""

from __future__ import annotations

import logging
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa
from jinja2 import ChoiceLoader, DictLoader

from app.extensions import db, utcnow
from app.jobs import enqueue
from app.mail.addresses import bounce_address
from app.mail.models import MailBounce
from app.mail.outgoing import (
    MailNotSent,
    MailStatus,
    OutboundMail,
    deliver,
    deliver_batch,
    requeue_unsent_mail,
    send_batch,
    send_mail,
)
from app.mail.outgoing.transport import build_message
from app.urls import external_url

TEMPLATES = {
    "test/answer.txt": "{% extends 'mail/layout.txt' %}{% block content %}"
    "Your question {{ title }} has an answer: {{ external_url('people.home') }}{% endblock %}",
    "test/answer.html": "{% extends 'mail/layout.html' %}{% block content %}"
    "<p>Your question {{ title }} has an answer.</p>{% endblock %}",
}
TITLE = "<b>Loops & joins</b>"


@pytest.fixture(autouse=True)
def mail_templates(app, tmp_path):
    """Email templates for the tests, and an outbox of the test's own."""
    app.jinja_env.loader = ChoiceLoader([DictLoader(TEMPLATES), app.jinja_env.loader])
    app.config["MAIL_OUTBOX_DIR"] = str(tmp_path / "outbox")


def answer_mail(to, key="answer:1", **options) -> OutboundMail:
    return send_mail(key, "answer", to, "Your question has an answer", "test/answer", {"title": TITLE}, **options)


def mail_row(mail_id: int) -> OutboundMail:
    db.session.expire_all()
    return db.session.get(OutboundMail, mail_id)


# People here are mentors: a new hire would also set off a mentor proposal and its mail.


def test_a_mail_goes_out_once_through_the_worker(app, make, jobs, smtp, caplog):
    user = make.mentor(name="Ada Lovelace")
    mail = answer_mail(user, about=("question", 7))
    assert jobs.count() == 0  # not before the commit
    db.session.commit()
    assert jobs.count() == 1
    with caplog.at_level(logging.INFO, logger="app.mail"):
        assert jobs.run() == 1

    [envelope] = smtp.received
    assert envelope.mail_from == bounce_address(mail.id)  # its own return path
    assert envelope.rcpt_tos == [user.email]
    [msg] = smtp.messages()
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["Message-ID"] == mail.message_id
    assert msg["Message-ID"].endswith("@localhost>")
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["X-Auto-Response-Suppress"] == "All"
    assert msg["Subject"] == "Your question has an answer"
    assert msg["To"].addresses[0].display_name == "Ada Lovelace"
    assert msg["Date"].datetime is not None
    assert msg["In-Reply-To"] is None
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "Hello Ada Lovelace," in text
    assert f"Your question {TITLE} has an answer: http://localhost/" in text
    assert "&lt;b&gt;Loops &amp; joins&lt;/b&gt;" in html and TITLE not in html
    assert 'href="http://localhost/"' in html

    row = mail_row(mail.id)
    assert (row.status, row.attempts, row.last_error) == (MailStatus.SENT, 1, None)
    assert row.sent_at is not None
    assert f"to={user.email} kind=answer about=question:7 message_id={mail.message_id}" in caplog.text


def test_mails_of_a_thread_refer_to_its_root(app, make, jobs, smtp):
    user = make.mentor()
    first = answer_mail(user, key="answer:1", thread="question:42")
    second = answer_mail(user, key="answer:2", thread="question:42")
    db.session.commit()
    assert jobs.run() == 2
    messages = {m["Message-ID"]: m for m in smtp.messages()}
    assert set(messages) == {first.message_id, second.message_id}
    for msg in messages.values():
        assert msg["In-Reply-To"] == "<thread-question%3A42@localhost>"
        assert msg["References"] == "<thread-question%3A42@localhost>"


def test_the_same_key_and_a_second_run_send_once(app, make, jobs, smtp):
    user = make.mentor()
    mail = answer_mail(user)
    assert answer_mail(user).id == mail.id
    db.session.commit()
    assert answer_mail(user).id == mail.id
    db.session.commit()
    assert jobs.count() == 1
    assert jobs.run() == 1

    assert deliver(mail.id) is False
    enqueue(deliver, mail.id, queue="mail")
    assert jobs.run() == 1
    assert answer_mail(user).id == mail.id
    db.session.commit()
    assert jobs.count() == 0
    assert len(smtp.received) == 1
    assert mail_row(mail.id).attempts == 1


def test_a_rolled_back_transaction_sends_nothing(app, make, jobs, smtp):
    user = make.mentor()
    answer_mail(user)
    db.session.rollback()
    db.session.commit()
    assert jobs.count() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMail)) == 0
    assert jobs.run() == 0
    assert smtp.received == []


@pytest.mark.parametrize(
    "trouble, error",
    [
        ("refused", "554"),
        ("server down", "ConnectionRefusedError"),
    ],
)
def test_a_refused_mail_fails_and_a_later_run_sends_it_once(app, make, jobs, smtp, trouble, error):
    user = make.mentor()
    mail = answer_mail(user)
    db.session.commit()
    if trouble == "refused":
        smtp.refuse_data = "554 5.7.1 Message rejected"
    else:
        smtp.stop()
    assert jobs.run() == 0  # the job failed; it waits for its retry

    row = mail_row(mail.id)
    assert row.status == MailStatus.FAILED
    assert error in row.last_error
    assert row.sent_at is None
    assert smtp.received == []

    if trouble == "refused":
        smtp.refuse_data = None
    else:
        smtp.start(app)
    mail_queue = app.extensions["jobs"].queues["mail"]
    [retry] = mail_queue.scheduled_job_registry.get_job_ids()
    mail_queue.scheduled_job_registry.requeue(retry)  # the retry, due now rather than in a minute
    assert jobs.run() == 1
    assert deliver(mail.id) is False

    [msg] = smtp.messages()
    assert msg["Message-ID"] == mail.message_id
    row = mail_row(mail.id)
    assert (row.status, row.attempts, row.last_error) == (MailStatus.SENT, 2, None)


@pytest.mark.parametrize("claimed_minutes_ago, sent", [(1, False), (11, True)])
def test_only_a_stale_sending_claim_is_taken_over(app, make, jobs, smtp, claimed_minutes_ago, sent):
    mail = answer_mail(make.mentor())
    db.session.commit()
    mail.status, mail.claimed_at = MailStatus.SENDING, utcnow() - timedelta(minutes=claimed_minutes_ago)
    db.session.commit()
    assert deliver(mail.id) is sent
    assert len(smtp.received) == int(sent)


@pytest.mark.parametrize(
    "name, shown",
    [
        ("Eve\r\nBcc: x@evil.test", "Eve Bcc: x@evil.test"),
        ('Mallory "M", <x@evil.test>', 'Mallory "M", <x@evil.test>'),
    ],
)
def test_a_name_cannot_add_headers_or_recipients(app, jobs, smtp, name, shown):
    mail = send_mail(
        "answer:1", "answer", ("eve@example.com", name), "Hello\r\nBcc: y@evil.test", "test/answer", {"title": "t"}
    )
    db.session.commit()
    assert jobs.run() == 1

    [envelope] = smtp.received
    assert envelope.rcpt_tos == ["eve@example.com"]
    header_lines = envelope.content.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    assert not [line for line in header_lines if line.lower().startswith(b"bcc")]
    [msg] = smtp.messages()
    assert msg["Bcc"] is None
    [to] = msg["To"].addresses
    assert (to.display_name, to.addr_spec) == (shown, "eve@example.com")
    assert msg["Subject"] == "Hello Bcc: y@evil.test"
    assert mail_row(mail.id).to_name == shown


@pytest.mark.parametrize(
    "to, headers",
    [
        (("not-an-address", "Nobody"), None),
        (("eve@example.com\r\nBcc: x@evil.test", "Eve"), None),
        (("eve@example.com", "Eve"), {"X-Note": "a\r\nBcc: x@evil.test"}),
        (("eve@example.com", "Eve"), {"Bcc": "x@evil.test"}),
        (("eve@example.com", "Eve"), {"Bad Name": "x"}),
    ],
)
def test_bad_addresses_and_headers_are_refused_at_once(app, jobs, to, headers):
    with pytest.raises(ValueError):
        send_mail("answer:1", "answer", to, "Hi", "test/answer", {"title": "t"}, headers=headers)
    db.session.rollback()
    assert jobs.count() == 0


def test_extra_headers_arrive_unchanged(app, make, jobs, smtp):
    unsubscribe = "<" + external_url("people.profile", t="x" * 200) + ">"
    answer_mail(
        make.mentor(),
        headers={
            "List-Unsubscribe": unsubscribe,
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Reply-To": "reply+abc@localhost",
        },
    )
    db.session.commit()
    jobs.run()
    [msg] = smtp.messages()
    assert msg["List-Unsubscribe"] == unsubscribe
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg["Reply-To"] == "reply+abc@localhost"


def test_a_batch_goes_over_one_connection_and_a_refusal_stops_only_its_mail(app, make, jobs, smtp):
    people = [make.mentor(), make.mentor(email="refused@example.com"), make.mentor()]
    mails = [answer_mail(p, key=f"digest:{p.id}") for p in people]
    db.session.commit()
    smtp.refuse_rcpt = {"refused@example.com"}

    errors = send_batch([build_message(m) for m in mails])
    assert [e is None for e in errors] == [True, False, True]
    assert len({e.peer for e in smtp.received}) == 1

    with pytest.raises(MailNotSent):
        deliver_batch([m.id for m in mails])
    assert [mail_row(m.id).status for m in mails] == [MailStatus.SENT, MailStatus.FAILED, MailStatus.SENT]
    smtp.refuse_rcpt = set()
    assert deliver_batch([m.id for m in mails]) == 1  # only the one still unsent
    assert jobs.run() == 3  # the jobs send_mail enqueued find nothing left to send
    assert [e.rcpt_tos for e in smtp.received[2:]] == [[people[0].email], [people[2].email], [people[1].email]]


def test_a_lost_job_is_enqueued_again_by_the_sweep(app, make, jobs, smtp):
    mail = answer_mail(make.mentor())
    db.session.commit()
    jobs.connection.flushdb()  # the job is lost, as when Redis was down at the commit
    assert requeue_unsent_mail() == 0  # too recent: its job may still be waiting in a queue
    mail.created_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert requeue_unsent_mail() == 1
    assert jobs.run() == 1
    assert len(smtp.received) == 1
    assert requeue_unsent_mail() == 0


def test_without_a_mail_server_mail_is_kept_in_the_outbox(app, make, jobs, tmp_path):
    mail = answer_mail(make.mentor())
    db.session.commit()
    assert jobs.run() == 1
    [path] = (tmp_path / "outbox").glob("*.eml")
    msg = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert msg["Message-ID"] == mail.message_id
    assert mail_row(mail.id).status == MailStatus.SENT


def test_links_in_mail_point_at_the_base_url(app):
    assert external_url("people.home") == "http://localhost/"
    app.config["BASE_URL"] = "https://unstuck.example.com/app"
    assert external_url("people.profile", tab="skills") == "https://unstuck.example.com/app/profile?tab=skills"


def test_mail_to_an_address_that_keeps_bouncing_is_not_sent(app, make, jobs, smtp, caplog):
    alive, gone = make.mentor(), make.mentor(email="Gone@Example.com")
    db.session.add(MailBounce(email="gone@example.com", count=app.config["MAIL_BOUNCE_LIMIT"] - 1))
    db.session.commit()
    first = [answer_mail(p, key=f"first:{p.id}") for p in (alive, gone)]
    db.session.commit()
    assert deliver_batch([m.id for m in first]) == 2  # under the limit: still tried

    db.session.execute(sa.update(MailBounce).values(count=MailBounce.count + 1))
    second = [answer_mail(p, key=f"second:{p.id}") for p in (alive, gone)]
    db.session.commit()
    with caplog.at_level(logging.WARNING, logger="app.mail.outgoing.jobs"):
        assert deliver_batch([m.id for m in second]) == 1  # no error: nothing to retry
    assert [e.rcpt_tos for e in smtp.received] == [[alive.email], [gone.email], [alive.email]]
    suppressed = mail_row(second[1].id)
    assert suppressed.status == MailStatus.SUPPRESSED
    assert suppressed.last_error.startswith("mail to this address bounced 3 times; paused until ")
    assert "the address bounced 3 times; paused until" in caplog.text
    assert jobs.run() == 4  # the jobs send_mail enqueued send nothing more
    assert len(smtp.received) == 3
