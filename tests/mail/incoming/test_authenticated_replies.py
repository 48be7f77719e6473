"""Replies judged by our own mail server, through the real ways in (the built-in SMTP
receiver and POST /mail/inbound) and the worker: with MAIL_AUTHSERV_ID set, a reply whose
From our server found forged is refused like one from a wrong sender, and posts nothing;
headers that the sender wrote change nothing; without the setting, nothing is checked."""

from __future__ import annotations

import smtplib

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.mail.incoming.smtp import start_receiver
from app.mail.models import IncomingMail, IncomingStatus, OutboundMail
from tests.mail import incoming_messages as mails
from tests.smtp import free_port

OURS = "mx.acme.example"  # the authserv-id our mail server writes
SECRET = "provider-shared-secret"
FORGED_TEXT = "Ignore the question, it is solved."


@pytest.fixture(params=["smtp", "http"])
def deliver(request, app, client, mentor, address, jobs):
    """Hand raw mail to Unstuck as a mail server would (over SMTP to `flask mail receive`,
    or as a provider to POST /mail/inbound), run the worker, and return the mail's row."""
    if request.param == "smtp":
        port = free_port()
        request.addfinalizer(start_receiver(app, "127.0.0.1", port).stop)

        def send(raw: bytes) -> None:
            with smtplib.SMTP("127.0.0.1", port, local_hostname=OURS) as smtp:
                assert smtp.sendmail(mentor.email, [address], raw) == {}
    else:
        app.config["INBOUND_MAIL_SECRET"] = SECRET

        def send(raw: bytes) -> None:
            response = client.post(
                "/mail/inbound", data=raw, content_type="message/rfc822", headers={"Authorization": f"Bearer {SECRET}"}
            )
            assert response.status_code == 202

    def deliver(raw: bytes) -> IncomingMail:
        send(raw)
        assert jobs.run() == 1
        db.session.rollback()  # see what the receiver's thread and the worker committed
        return db.session.scalars(sa.select(IncomingMail)).one()

    return deliver


def from_our_server(results: str, raw: bytes) -> bytes:
    """The mail with the header our server adds on top of what it receives."""
    return mails.crlf(f"Authentication-Results: {OURS};\n\t{results}\n") + raw


def written_by_sender(value: str, raw: bytes) -> bytes:
    """The mail with an Authentication-Results header among the sender's own headers."""
    assert b"\r\nFrom: " in raw
    return raw.replace(b"\r\nFrom: ", f"\r\nAuthentication-Results: {value}\r\nFrom: ".encode(), 1)


def forged(mentor, address) -> bytes:
    """A reply in the mentor's name, sent from a server their domain does not allow."""
    return mails.gmail_reply(mentor.email, address, text=FORGED_TEXT)


def genuine(mentor, address) -> bytes:
    return mails.gmail_reply(mentor.email, address)


DMARC_FAIL = (
    "spf=fail (sender IP is 203.0.113.66) smtp.mailfrom=grace@example.com;\n"
    "\tdmarc=fail (p=reject dis=none) header.from=example.com"
)
DMARC_PASS = (
    "dkim=pass (2048-bit key) header.d=example.com header.s=s1 header.b=AbCd1234;\n"
    "\tspf=pass smtp.mailfrom=grace@example.com;\n"
    "\tdmarc=pass (p=reject dis=none) header.from=example.com"
)


def notes() -> list[OutboundMail]:
    return db.session.scalars(sa.select(OutboundMail)).all()


def test_a_forged_reply_our_server_failed_is_refused_and_posts_nothing(app, deliver, replies, mentor, address, log):
    app.config["MAIL_AUTHSERV_ID"] = OURS
    row = deliver(from_our_server(DMARC_FAIL, forged(mentor, address)))

    assert (row.status, row.reason, row.detail) == (
        IncomingStatus.REFUSED,
        "unauthenticated",
        "dmarc=fail for example.com",
    )
    assert row.processed_at is not None
    assert replies == [] and notes() == []  # neither the forger nor the mentor hears of it
    [line] = [r.getMessage() for r in log.records if r.getMessage().startswith("mail refused")]
    assert "reason=unauthenticated from=grace@example.com" in line
    assert line.endswith("detail=dmarc=fail for example.com")
    key = address.split("+")[1].split("@")[0]
    assert f"key={key[:6]}..." in line and key not in log.text


def test_a_genuine_reply_our_server_passed_is_posted(app, deliver, replies, mentor, address):
    app.config["MAIL_AUTHSERV_ID"] = OURS
    row = deliver(from_our_server(DMARC_PASS, genuine(mentor, address)))

    assert row.status == IncomingStatus.POSTED
    assert [r.text for r in replies] == ["Run the migration with batch mode on."]


def test_a_pass_the_forger_wrote_under_another_authserv_id_does_not_save_the_forgery(
    app, deliver, replies, mentor, address
):
    app.config["MAIL_AUTHSERV_ID"] = OURS
    raw = written_by_sender(
        "mx.acme.example.mail.evil.example; dmarc=pass header.from=example.com", forged(mentor, address)
    )
    row = deliver(from_our_server(DMARC_FAIL, raw))

    assert (row.status, row.reason) == (IncomingStatus.REFUSED, "unauthenticated")
    assert replies == [] and notes() == []


def test_a_fail_the_sender_wrote_under_another_authserv_id_changes_nothing(app, deliver, replies, mentor, address):
    app.config["MAIL_AUTHSERV_ID"] = OURS
    raw = written_by_sender("mail.example.com; dmarc=fail header.from=example.com", genuine(mentor, address))
    row = deliver(from_our_server(DMARC_PASS, raw))

    assert row.status == IncomingStatus.POSTED
    assert len(replies) == 1


def test_without_the_setting_a_failing_header_is_not_read(app, deliver, replies, mentor, address):
    app.config["MAIL_AUTHSERV_ID"] = ""
    row = deliver(from_our_server(DMARC_FAIL, forged(mentor, address)))

    assert row.status == IncomingStatus.POSTED  # as before the setting existed
    assert [r.text for r in replies] == [FORGED_TEXT]


def test_the_wrong_sender_is_refused_as_such_before_the_verdict_is_read(app, deliver, replies, make, address):
    app.config["MAIL_AUTHSERV_ID"] = OURS
    other = make.mentor(email="alan@example.com")
    row = deliver(from_our_server(DMARC_FAIL, mails.gmail_reply(other.email, address)))

    assert (row.status, row.reason) == (IncomingStatus.REFUSED, "wrong-sender")
    assert replies == [] and notes() == []
