"""What the receiver takes from the internet, in real SMTP sessions: mail only for reply
addresses (live or not) and live bounce addresses (others are refused at RCPT), a few recipients a message, a limited
number of messages per connecting address and per sender (4xx: try again later), and the
same recipient rule for mail handed in over HTTP."""

from __future__ import annotations

import smtplib

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.mail.addresses import reply_address, revoke_reply_addresses
from app.mail.incoming.smtp import start_receiver
from app.mail.models import IncomingMail
from tests.mail import incoming_messages as mails
from tests.mail.conftest import OBJECT_ID, PURPOSE
from tests.smtp import free_port

SECRET = "provider-shared-secret"


def kept() -> list[IncomingMail]:
    db.session.rollback()  # see what the receiver's thread committed
    return db.session.scalars(sa.select(IncomingMail).order_by(IncomingMail.id)).all()


def session(port: int) -> smtplib.SMTP:
    return smtplib.SMTP("127.0.0.1", port, local_hostname="mail.example.com")


def test_a_reply_address_is_taken_live_or_revoked_and_nothing_else_at_our_domain(app, receiver, mentor, address):
    with session(receiver) as smtp:
        assert smtp.sendmail(mentor.email, [address.upper()], mails.gmail_reply(mentor.email, address)) == {}
        revoke_reply_addresses(PURPOSE, OBJECT_ID)
        db.session.commit()
        # Taken, so that the job can tell its person why nothing was posted; RCPT says
        # nothing of which keys are live.
        assert smtp.sendmail(mentor.email, [address], mails.gmail_reply(mentor.email, address)) == {}
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            smtp.sendmail(mentor.email, ["reply+short@localhost"], mails.gmail_reply(mentor.email, address))
    assert refused.value.recipients["reply+short@localhost"] == (550, b"5.1.1 No such mailbox here")
    assert len(kept()) == 2


def test_a_message_takes_a_few_recipients_at_most(app, receiver, make):
    people = [make.mentor(email=f"m{n}@example.com") for n in range(12)]
    addresses = [reply_address(PURPOSE, OBJECT_ID, person.id) for person in people]
    db.session.commit()
    with session(receiver) as smtp:
        smtp.ehlo()
        smtp.mail(people[0].email)
        codes = [smtp.rcpt(a)[0] for a in addresses]
    assert codes == [250] * 10 + [452, 452]


def test_mail_past_the_limit_for_one_connecting_address_waits(app, receiver, mentor, address, jobs):
    app.config["RATELIMIT_SMTP_ADDRESS"] = "2 per hour"
    with session(receiver) as smtp:
        for _ in range(2):
            smtp.sendmail(mentor.email, [address], mails.gmail_reply(mentor.email, address))
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            smtp.sendmail("someone.else@example.com", [address], mails.gmail_reply(mentor.email, address))
    assert refused.value.smtp_code == 451
    assert refused.value.smtp_error.startswith(b"4.7.1 Too much mail from your address")
    assert len(kept()) == 2


def test_mail_past_the_limit_for_one_sender_waits_and_other_senders_go_on(app, receiver, mentor, address, make, jobs):
    app.config["RATELIMIT_SMTP_SENDER"] = "2 per hour"
    other = make.mentor(email="alan@example.com")
    others = reply_address(PURPOSE, OBJECT_ID, other.id)
    db.session.commit()
    with session(receiver) as smtp:
        for _ in range(2):
            smtp.sendmail(mentor.email.upper(), [address], mails.gmail_reply(mentor.email, address))
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            smtp.sendmail(mentor.email, [address], mails.gmail_reply(mentor.email, address))
        assert smtp.sendmail(other.email, [others], mails.gmail_reply(other.email, others)) == {}
    assert refused.value.smtp_code == 451
    assert refused.value.smtp_error.startswith(b"4.7.1 Too much mail from this sender")
    assert len(kept()) == 3


def test_unknown_recipients_count_against_the_connecting_address(app, receiver, mentor, address, jobs):
    app.config["RATELIMIT_SMTP_ADDRESS"] = "3 per hour"
    with session(receiver) as smtp:
        smtp.ehlo()
        smtp.mail(mentor.email)  # 1
        assert smtp.rcpt("guess1@localhost")[0] == 550  # 2
        assert smtp.rcpt("guess2@localhost")[0] == 550  # 3
        smtp.rset()
        code, message = smtp.mail(mentor.email)
    assert code == 451 and message.startswith(b"4.7.1")


def test_with_the_limits_redis_down_mail_still_comes_in_and_is_counted_in_memory(app, mentor, address):
    app.config.update(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0", RATELIMIT_SMTP_ADDRESS="2 per hour")
    port = free_port()
    controller = start_receiver(app, "127.0.0.1", port)
    try:
        with session(port) as smtp:
            for _ in range(2):
                assert smtp.sendmail(mentor.email, [address], mails.gmail_reply(mentor.email, address)) == {}
            with pytest.raises(smtplib.SMTPSenderRefused) as refused:
                smtp.sendmail(mentor.email, [address], mails.gmail_reply(mentor.email, address))
    finally:
        controller.stop()
    assert refused.value.smtp_code == 451
    assert len(kept()) == 2


# -- the same rule over HTTP -----------------------------------------------------------


@pytest.fixture
def secret(app):
    app.config["INBOUND_MAIL_SECRET"] = SECRET


def post(client, body: bytes, **query):
    return client.post(
        "/mail/inbound",
        data=body,
        content_type="message/rfc822",
        query_string=query,
        headers={"Authorization": f"Bearer {SECRET}"},
    )


@pytest.mark.parametrize(
    "rcpt_to", [["unstuck@localhost"], ["reply+short@localhost"], ["bounce+1-aaaaaaaaaaaaaaaaaaaaaaaaaa@localhost"]]
)
def test_http_mail_to_no_address_of_ours_is_refused_and_not_kept(app, client, secret, mentor, address, rcpt_to):
    response = post(client, mails.gmail_reply(mentor.email, address), rcpt_to=rcpt_to)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid"
    assert "No recipient of this email" in response.json["error"]["message"]
    assert kept() == []


def test_http_mail_without_an_envelope_is_judged_by_its_header(app, client, secret, mentor, address):
    assert post(client, mails.gmail_reply(mentor.email, "unstuck@localhost")).status_code == 422
    assert post(client, mails.gmail_reply(mentor.email, address)).status_code == 202
    assert len(kept()) == 1


def test_http_mail_to_a_reply_address_no_longer_live_is_kept_to_be_answered(app, client, secret, mentor):
    dead = "reply+abcdefghijklmnopqrstuvwx@localhost"
    assert post(client, mails.gmail_reply(mentor.email, dead), rcpt_to=[dead]).status_code == 202
    assert len(kept()) == 1
