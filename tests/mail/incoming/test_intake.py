"""Received mail through the job that reads it: a reply from the address's own person is
handed to its feature once, whatever happens to the worker or the job."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.mail.incoming.handlers import Reply, register_reply_handler
from app.mail.incoming.intake import read_incoming_mail, receive, requeue_unread_mail
from app.mail.models import IncomingMail, IncomingStatus, ReplyAddress
from tests.mail import incoming_messages as mails
from tests.mail.conftest import OBJECT_ID, PURPOSE
from tests.mail.incoming.intake_scene import (
    WORDS,
    WorkerDied,
    fresh,
    key_of,
    notes,
    read,
)

# -- posted ----------------------------------------------------------------------------


def test_a_reply_from_its_person_is_posted_with_their_words(app, replies, mentor, address, log):
    raw = mails.gmail_reply(mentor.email, address, message_id="<CAH-posted@mail.gmail.com>")
    row = read(raw)

    assert row.status == IncomingStatus.POSTED
    assert replies == [
        Reply(PURPOSE, OBJECT_ID, mentor.id, WORDS, f"Re: {mails.ORIGINAL_SUBJECT}", "<CAH-posted@mail.gmail.com>", ())
    ]
    assert row.reply_address_id is not None
    assert db.session.get(ReplyAddress, row.reply_address_id).last_used_at is not None
    assert notes() == []
    [line] = [r.getMessage() for r in log.records if r.getMessage().startswith("mail posted")]
    assert f"purpose={PURPOSE} object={OBJECT_ID} from=grace@example.com" in line
    assert key_of(address) not in log.text


def test_received_mail_is_read_by_the_worker_after_the_commit(app, replies, mentor, address, jobs):
    row = receive(mails.gmail_reply(mentor.email, address), "http")
    assert row.status == IncomingStatus.RECEIVED
    assert jobs.run() == 1
    assert fresh(row.id).status == IncomingStatus.POSTED
    assert [r.text for r in replies] == [WORDS]


def test_a_key_in_upper_case_and_a_sender_in_upper_case_still_post(app, replies, mentor, address):
    row = read(mails.outlook_reply(mentor.email.upper(), address.upper()))
    assert row.status == IncomingStatus.POSTED
    assert replies[0].text.startswith("Ja, das liegt an der Sequenz – sie wird nicht zurückgesetzt.")
    assert replies[0].attachments == ()  # the signature logo is no file


def test_the_envelope_recipient_finds_the_address_when_the_header_does_not(app, replies, mentor, address):
    raw = mails.gmail_reply(mentor.email, "team@example.com").replace(b"Delivered-To: team@example.com\r\n", b"")
    assert read(raw, rcpt_to=[address]).status == IncomingStatus.POSTED
    assert len(replies) == 1


def test_an_html_only_reply_posts_its_text(app, replies, mentor, address):
    assert read(mails.html_only_reply(mentor.email, address)).status == IncomingStatus.POSTED
    assert "op.batch_alter_table" in replies[0].text
    assert mails.QUOTED_QUESTION not in replies[0].text


def test_attachments_are_named_to_the_feature_and_the_sender_hears_they_were_not_kept(
    app, replies, mentor, address, jobs, smtp
):
    row = read(mails.reply_with_attachment(mentor.email, address, filename="migration-log.txt"))
    assert row.status == IncomingStatus.POSTED
    assert replies[0].text == "See the log excerpt I attached."
    assert replies[0].attachments == ("migration-log.txt",)
    [note] = notes()
    assert (note.kind, note.to_email) == ("reply_attachments", mentor.email)
    jobs.run()
    [msg] = smtp.messages()
    assert msg["To"].addresses[0].addr_spec == mentor.email
    text = msg.get_body(("plain",)).get_content()
    assert "was posted, but the files attached to it were not kept: migration-log.txt" in text
    assert "add a link to it in the thread" in text


# -- once, whatever happens ------------------------------------------------------------


def test_the_same_email_received_twice_is_kept_once(app, replies, mentor, address, log):
    raw = mails.gmail_reply(mentor.email, address, message_id="<CAH-twice@mail.gmail.com>")
    first = receive(raw, "smtp")
    assert receive(raw, "http") is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IncomingMail)) == 1
    assert "mail received: duplicate via=http message_id=<CAH-twice@mail.gmail.com>" in log.text
    read_incoming_mail(first.id)
    assert len(replies) == 1


def test_an_email_without_a_message_id_is_known_by_its_digest(app, replies, mentor, address):
    raw = b"\r\n".join(
        line for line in mails.gmail_reply(mentor.email, address).split(b"\r\n") if not line.startswith(b"Message-ID:")
    )
    row = receive(raw, "smtp")
    assert row.message_id.startswith("sha256:") and len(row.message_id) == 71
    assert receive(raw, "smtp") is None


def test_running_the_job_twice_posts_once(app, replies, mentor, address):
    row = read(mails.gmail_reply(mentor.email, address))
    assert read_incoming_mail(row.id) == "posted"
    assert len(replies) == 1


def test_a_worker_that_died_after_the_feature_committed_posts_nothing_more(app, mentor, address):
    calls = []

    def commits_then_dies(reply: Reply) -> None:
        calls.append(reply)
        db.session.commit()  # the feature's post is saved ...
        raise WorkerDied()  # ... and the worker is killed before the job ends

    register_reply_handler(app, PURPOSE, commits_then_dies)
    row = receive(mails.gmail_reply(mentor.email, address), "smtp")
    with pytest.raises(WorkerDied):
        read_incoming_mail(row.id)
    db.session.rollback()
    assert fresh(row.id).status == IncomingStatus.POSTED  # committed with the feature's post
    _age_claim(row.id)
    assert requeue_unread_mail() == 0
    assert read_incoming_mail(row.id) == "posted"
    assert len(calls) == 1


def test_a_worker_that_died_before_the_feature_committed_posts_on_the_next_run(app, replies, mentor, address):
    def dies(reply: Reply) -> None:
        raise WorkerDied()

    register_reply_handler(app, PURPOSE, dies)
    row = receive(mails.gmail_reply(mentor.email, address), "smtp")
    with pytest.raises(WorkerDied):
        read_incoming_mail(row.id)
    db.session.rollback()
    assert fresh(row.id).status == IncomingStatus.READING
    assert read_incoming_mail(row.id) == "reading"  # another worker may still have it

    register_reply_handler(app, PURPOSE, replies.append)
    _age_claim(row.id)
    assert requeue_unread_mail() == 1
    assert read_incoming_mail(row.id) == "posted"
    assert len(replies) == 1


def test_a_feature_that_rolls_back_and_returns_has_posted(app, mentor, address):
    def finds_it_posted_already(reply: Reply) -> None:
        db.session.rollback()

    register_reply_handler(app, PURPOSE, finds_it_posted_already)
    row = read(mails.reply_with_attachment(mentor.email, address))
    assert row.status == IncomingStatus.POSTED
    assert [note.kind for note in notes()] == ["reply_attachments"]


def test_mail_whose_job_was_lost_is_read_by_the_sweep(app, replies, mentor, address, jobs):
    row = receive(mails.gmail_reply(mentor.email, address), "smtp")
    jobs.connection.flushdb()  # the job never reached Redis
    assert requeue_unread_mail() == 0  # too early to tell
    db.session.execute(sa.update(IncomingMail).values(received_at=utcnow() - timedelta(minutes=6)))
    db.session.commit()
    assert requeue_unread_mail() == 1
    jobs.run()
    assert fresh(row.id).status == IncomingStatus.POSTED
    assert len(replies) == 1


def _age_claim(incoming_id: int) -> None:
    db.session.execute(
        sa.update(IncomingMail)
        .where(IncomingMail.id == incoming_id)
        .values(claimed_at=utcnow() - timedelta(minutes=11))
    )
    db.session.commit()
