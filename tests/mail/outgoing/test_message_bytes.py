"""The email written out directly for sending says what the email package's message says:
a mail program reads the same headers, text and HTML from both, for plain and accented
names and subjects, long headers, and bodies with dots, tabs and long lines."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from app.extensions import db
from app.mail.outgoing import send_mail
from app.mail.outgoing.transport import RawMessage, build_message, outgoing_message
from app.urls import external_url
from tests.mail.outgoing.test_outbox import mail_templates  # noqa: F401  (the tests' templates)

TEXT = "Hello Zoë,\n\n.a line that starts with a dot\n\tand a tab  \n" + "x" * 300 + "\nEnd"
SHOWN = ("From", "To", "Subject", "Date", "Message-ID", "In-Reply-To", "References", "Reply-To", "List-Unsubscribe")


def recorded(to, subject, **options):
    mail = send_mail("m:1", "answer", to, subject, "test/answer", {"title": TEXT}, **options)
    mail.text_body, mail.html_body = TEXT, f"<p>{TEXT}</p>"
    db.session.commit()
    return mail


def read(data: bytes):
    return message_from_bytes(data, policy=policy.default)


@pytest.mark.parametrize(
    "to, subject",
    [
        (("ada@example.com", "Ada Lovelace"), "Your question has an answer"),
        (("zoe@example.com", "Zoë Ünal"), "Zoë asks: naïve joins… " + "é" * 120),
        (("m@example.com", 'Mallory "M", Jr.'), "Re: a, b; c <d>"),
    ],
)
def test_the_direct_message_reads_as_the_email_packages(app, to, subject):
    unsubscribe = "<" + external_url("people.profile", t="x" * 300) + ">"
    mail = recorded(to, subject, thread="question:7", headers={"List-Unsubscribe": unsubscribe}, reply_to="r@x.test")
    raw = outgoing_message(mail)
    assert isinstance(raw, RawMessage)
    assert raw.recipients == (to[0],)
    assert b"\r\n" in raw.data and b"\n" not in raw.data.replace(b"\r\n", b"")
    direct, reference = read(raw.data), read(build_message(mail).as_bytes())
    for name in SHOWN:
        assert str(direct[name]) == str(reference[name]), name
    assert direct["To"].addresses[0].display_name == to[1]
    for subtype in ("plain", "html"):
        ours = direct.get_body(preferencelist=(subtype,)).get_content()
        theirs = reference.get_body(preferencelist=(subtype,)).get_content()
        assert ours.replace("\r\n", "\n") == theirs.replace("\r\n", "\n")


def test_what_the_direct_writer_cannot_write_goes_through_the_email_package(app):
    app.config["MAIL_FROM"] = "Ünstuck <noreply@example.com>"
    mail = recorded(("zoe@example.com", "Zoë"), "Hi")
    msg = outgoing_message(mail)
    assert not isinstance(msg, RawMessage)
    assert str(msg["From"]) == "Ünstuck <noreply@example.com>"


@pytest.mark.parametrize("name", ["Ann\r\nBcc: eve@example.net", "Ann\nX-Injected: 1", "Ann\r\n\r\n<b>forged body</b>"])
def test_a_line_break_in_a_name_is_refused_by_both_writers(app, name):
    # Recording an email folds a name's line breaks into spaces; a row that holds them anyway
    # is refused (the delivery job marks it failed) rather than written with a new header
    # line or the end of the headers in it, whichever writer would take it.
    mail = recorded(("ann@example.com", "Ann"), "Hi")
    mail.to_name = name
    for writer in (outgoing_message, build_message):
        with pytest.raises(ValueError):
            writer(mail)
