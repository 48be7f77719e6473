"""Received mail that is refused with a reason and logged: bounces, automatic answers, unknown
or revoked keys, forged senders and other people's replies; only the address's own person
is ever told why."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.mail.addresses import bounce_address, reply_address, revoke_reply_addresses
from app.mail.incoming.handlers import Reply, ReplyRefused, register_reply_handler
from app.mail.incoming.intake import read_incoming_mail
from app.mail.models import MailBounce, ReplyAddress
from tests.mail import incoming_messages as mails
from tests.mail.bounces import sent_to
from tests.mail.conftest import OBJECT_ID, PURPOSE
from tests.mail.incoming.intake_scene import (
    WORDS,
    assert_refused,
    notes,
    read,
)

# -- refused, and nobody told ----------------------------------------------------------


def test_unreadable_mail_is_refused(app, replies, log):
    row = read(b"\x00\x01 this is not an email", mail_from="")
    assert_refused(row, "unreadable", log)
    assert row.detail == "the message has no header fields"
    assert replies == [] and notes() == []


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
