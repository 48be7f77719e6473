"""Received mail through the job that reads it: a reply from the address's own person is
handed to its feature once; everything else is refused with a reason, logged, and only the
address's own person is ever told why."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.mail.addresses import bounce_address, reply_address, revoke_reply_addresses
from app.mail.incoming.handlers import Reply, ReplyRefused, register_reply_handler
from app.mail.incoming.intake import read_incoming_mail, receive, requeue_unread_mail
from app.mail.models import IncomingMail, IncomingStatus, MailBounce, OutboundMail, ReplyAddress
from app.mail.outgoing import deliver, send_mail
from tests.mail import incoming_messages as mails
from tests.mail.conftest import OBJECT_ID, PURPOSE

WORDS = "Run the migration with batch mode on."


class WorkerDied(BaseException):
    """The worker process ends here, as if killed: nothing after it runs."""


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.INFO, logger="app.mail.incoming.intake")
    return caplog


def read(raw: bytes, mail_from: str = "grace@example.com", rcpt_to=()) -> IncomingMail:
    """Receive the mail and run its job here; return its row as it ends."""
    row = receive(raw, "smtp", mail_from, list(rcpt_to))
    read_incoming_mail(row.id)
    return fresh(row.id)


def fresh(incoming_id: int) -> IncomingMail:
    db.session.expire_all()
    return db.session.get(IncomingMail, incoming_id)


def notes() -> list[OutboundMail]:
    return db.session.scalars(sa.select(OutboundMail).order_by(OutboundMail.id)).all()


def key_of(address: str) -> str:
    return address.split("+")[1].split("@")[0]


def assert_refused(row: IncomingMail, reason: str, log, address: str | None = None) -> None:
    assert row.status == IncomingStatus.REFUSED
    assert row.reason == reason
    assert row.processed_at is not None
    [line] = [r.getMessage() for r in log.records if r.getMessage().startswith("mail refused")]
    assert f"reason={reason}" in line
    assert f"message_id={row.message_id}" in line
    if address:
        key = key_of(address)
        assert f"key={key[:6]}..." in line
        assert key not in log.text  # never the whole key


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


# -- refused, and nobody told ----------------------------------------------------------


def test_unreadable_mail_is_refused(app, replies, log):
    row = read(b"\x00\x01 this is not an email", mail_from="")
    assert_refused(row, "unreadable", log)
    assert row.detail == "the message has no header fields"
    assert replies == [] and notes() == []


def sent_to(email: str, key: str) -> int:
    """Send an email to the address as the worker does; return its id."""
    mail = send_mail(
        key,
        "reply_refused",
        (email, ""),
        "Your reply was not posted",
        "mail/reply_refused",
        {"subject": "x", "why": "", "text": ""},
        deliver=False,
    )
    db.session.commit()
    deliver(mail.id)
    return mail.id


def test_a_bounce_to_an_emails_return_path_is_refused_and_counted(app, replies, mentor, address, log):
    first, second = sent_to("Gone@Example.com", "first"), sent_to("gone@example.com", "second")
    path = bounce_address(first)
    row = read(mails.dsn_bounce(path, "Gone@Example.com"), mail_from="<>", rcpt_to=[path])
    assert_refused(row, "bounce", log)
    assert row.detail == "gone@example.com"
    read(mails.qmail_bounce(bounce_address(second), "gone@example.com"), mail_from="<>")  # by its To

    bounce = db.session.scalar(sa.select(MailBounce))
    assert (bounce.email, bounce.count) == ("gone@example.com", 2)
    assert bounce.last_reason == "failure notice"
    assert bounce.last_bounced_at is not None
    assert replies == [] and notes()[2:] == []  # no mail back to a bounce, ever


def test_a_delay_report_is_refused_without_counting(app, replies):
    path = bounce_address(sent_to("slow@example.com", "slow"))
    row = read(mails.dsn_bounce(path, "slow@example.com", action="delayed", status="4.4.1"), rcpt_to=[path])
    assert (row.reason, row.detail) == (
        "bounce",
        "no failure of the mail to slow@example.com reported: counted for nobody",
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailBounce)) == 0


def test_a_bounce_to_any_other_address_counts_for_nobody(app, replies, mentor, address, log):
    row = read(mails.dsn_bounce("unstuck@localhost", "Gone@Example.com"), mail_from="<>")
    assert_refused(row, "bounce", log)
    assert row.detail == "not sent to the return path of an email of ours: counted for nobody"
    assert read(mails.qmail_bounce(address, "gone@example.com"), mail_from="<>").reason == "bounce"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailBounce)) == 0


@pytest.mark.parametrize("kind", ["gmail-vacation", "exchange", "de-subject", "fr-subject"])
def test_an_out_of_office_answer_from_the_mentor_is_refused_silently(app, replies, mentor, address, log, kind):
    row = read(mails.out_of_office(kind, mentor.email, address))
    assert_refused(row, "auto-reply", log, address)
    assert replies == [] and notes() == []


def test_mail_with_an_empty_envelope_sender_is_refused_as_automatic(app, replies, mentor, address, log):
    row = read(mails.gmail_reply(mentor.email, address), mail_from="<>")
    assert_refused(row, "auto-reply", log, address)
    assert row.detail == "null sender"


def test_an_unknown_key_is_refused_and_a_person_of_ours_told_with_their_words(app, replies, mentor, log):
    unknown = "reply+abcdefghijklmnopqrstuvwx@localhost"
    row = read(mails.gmail_reply(mentor.email, unknown))
    assert_refused(row, "unknown-address", log, unknown)
    assert replies == []
    [note] = notes()
    assert (note.kind, note.to_email, note.user_id) == ("reply_refused", mentor.email, mentor.id)
    assert "not one Unstuck takes replies at" in note.text_body
    assert WORDS in note.text_body and "Open Unstuck: http://localhost/" in note.text_body


def test_an_unknown_key_from_a_stranger_is_refused_silently(app, replies, mentor, log):
    unknown = "reply+abcdefghijklmnopqrstuvwx@localhost"
    row = read(mails.gmail_reply("stranger@elsewhere.example", unknown))
    assert_refused(row, "unknown-address", log, unknown)
    assert replies == [] and notes() == []


def test_a_revoked_key_is_refused_exactly_like_an_unknown_one(app, replies, mentor, address, log):
    revoke_reply_addresses(PURPOSE, OBJECT_ID)
    db.session.commit()
    row = read(mails.gmail_reply(mentor.email, address))
    assert_refused(row, "unknown-address", log, address)
    assert row.detail == "no live reply address among the recipients"
    assert row.reply_address_id is None
    assert replies == []
    assert [n.to_email for n in notes()] == [mentor.email]


def test_mail_to_no_reply_address_is_refused(app, replies, mentor, log):
    row = read(mails.gmail_reply(mentor.email, "unstuck@localhost"))
    assert_refused(row, "unknown-address", log)


def test_a_forged_sender_is_refused_and_not_answered(app, replies, mentor, address, log):
    row = read(mails.spoofed_reply(address, claimed_from="mallory@evil.example"))
    assert_refused(row, "wrong-sender", log, address)
    assert row.detail == "from mallory@evil.example"
    assert replies == [] and notes() == []  # neither the forger nor the mentor hears of it


def test_another_mentors_reply_to_this_address_is_refused(app, replies, make, address, log):
    other = make.mentor(email="alan@example.com")
    row = read(mails.gmail_reply(other.email, address))
    assert_refused(row, "wrong-sender", log, address)
    assert notes() == []


# -- refused, and the person is told ---------------------------------------------------


def test_a_reply_nobody_handles_is_refused_and_its_person_told(app, replies, mentor, log):
    orphan = reply_address("nobody-handles-this", 1, mentor.id)
    db.session.commit()
    row = read(mails.gmail_reply(mentor.email, orphan))
    assert_refused(row, "no-handler", log, orphan)
    [note] = notes()
    assert (note.kind, note.to_email, note.subject) == ("reply_refused", mentor.email, "Your reply was not posted")
    assert "Please answer in Unstuck instead." in note.text_body
    assert WORDS in note.text_body  # what they wrote comes back to them


def test_a_reply_with_no_words_of_its_own_is_refused_and_its_person_told(app, replies, mentor, address, log):
    row = read(mails.gmail_reply(mentor.email, address, text=""))
    assert_refused(row, "empty", log, address)
    assert replies == []
    [note] = notes()
    assert note.kind == "reply_refused"
    assert "We found no text of your own in your email" in note.text_body
    assert "Hello Grace Hopper," in note.text_body


def test_a_reply_the_feature_refuses_is_undone_and_its_person_told_why(app, mentor, address, log, jobs, smtp):
    def refuses(reply: Reply) -> None:
        db.session.get(ReplyAddress, 1)  # the feature reads, perhaps writes, then refuses
        raise ReplyRefused('The question "Loops & joins" is resolved already.')

    register_reply_handler(app, PURPOSE, refuses)
    row = read(mails.gmail_reply(mentor.email, address))
    assert_refused(row, "handler", log, address)
    assert row.detail == 'The question "Loops & joins" is resolved already.'
    assert db.session.scalar(sa.select(ReplyAddress.last_used_at)) is None  # nothing half-posted

    jobs.run()
    assert read_incoming_mail(row.id) == "refused"  # a second run tells nobody twice
    jobs.run()
    [msg] = smtp.messages()
    assert msg["Subject"] == "Your reply was not posted"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert 'The question "Loops & joins" is resolved already.' in text
    assert "The question &#34;Loops &amp; joins&#34; is resolved already." in html
    assert WORDS in text


def test_a_feature_that_breaks_leaves_the_reply_refused_and_its_person_told(app, mentor, address, log):
    def breaks(reply: Reply) -> None:
        raise KeyError("question")

    register_reply_handler(app, PURPOSE, breaks)
    row = read(mails.gmail_reply(mentor.email, address))
    assert_refused(row, "error", log, address)
    assert row.detail == "KeyError: 'question'"
    assert "reply handler failed" in log.text
    [note] = notes()
    assert "Something went wrong on our side" in note.text_body
