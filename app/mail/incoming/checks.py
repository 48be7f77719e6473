"""Deciding what a received email is: a bounce of mail we sent, automatic mail, or a reply
that its own person wrote to their reply address, for the feature behind that address.

    outcome = check_reply(reading, msg, null_sender, envelope)  # a handler, or a Refusal

Used by app.mail.incoming.intake, which reads each email in a job and acts on the outcome.

A bounce counts against an address only when it proves that it answers mail we sent
there: it went to the live return path of one sent email (app.mail.addresses), and its
delivery report (RFC 3464), or its text for the classic kind, says that the email failed
for the address it went to. It then counts once for that email, for that one address,
whatever else it names. Mail that only looks like a bounce (a "mailer-daemon" From, a
report sent to a reply address) proves nothing and counts for nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.mail.addresses import find_bounced_mail, find_reply_address, key_of
from app.mail.incoming.handlers import Reply, reply_handler, takes_calendar_answers
from app.mail.incoming.parse.authenticity import authentication_failure
from app.mail.incoming.parse.automatic import auto_reply_reason, bounce_reason, bounce_recipients, reports_failure
from app.mail.incoming.parse.message import IncomingMessage
from app.mail.incoming.parse.reply import reply_from_bodies
from app.mail.models import OutboundMail, ReplyAddress
from app.mail.outgoing.bounces import count_bounce
from app.people.models import User
from app.urls import external_url

UNKNOWN_KEY_NOTE = (
    "The address you wrote to is not one Unstuck takes replies at (any more), so "
    "nothing was posted. Please answer in Unstuck, or reply to the newest email "
    "about the question: its address works."
)


@dataclass(frozen=True)
class Refusal:
    """Why an email is not acted on; `note` is what its person is told, if they are told,
    with the `links` they need to do it another way, under `subject` if it has its own."""

    reason: str
    detail: str = ""
    note: str | None = None
    links: tuple[tuple[str, str], ...] = ()
    subject: str | None = None


@dataclass
class Reading:
    """One run of the job over one email: what it has found out so far."""

    incoming_id: int
    claimed_at: datetime
    message_id: str
    sender: str = "-"
    key: str | None = None
    subject: str = ""
    address: ReplyAddress | None = None
    text: str = ""
    person_id: int | None = None  # who may be told what became of the email: a known sender


def check_reply(
    reading: Reading, msg: IncomingMessage, null_sender: bool, envelope: list[str]
) -> Refusal | Callable[[Reply], None]:
    """Decide whether the email is a reply to act on: its handler, or why not."""
    refusal = check_sender(reading, msg, null_sender, envelope)
    if refusal is not None:
        if refusal.note is not None:  # their words go back to them
            reading.text = reply_from_bodies(msg.text_body, msg.html_body).strip()
        return refusal
    address = reading.address
    reading.text = reply_from_bodies(msg.text_body, msg.html_body).strip()
    handler = reply_handler(address.purpose)
    if handler is None:
        return Refusal(
            "no-handler",
            f"purpose {address.purpose}",
            note="Replies to this email cannot be posted. Please answer in Unstuck instead.",
        )
    if not reading.text and not takes_calendar_answers(address.purpose):
        return Refusal(
            "empty",
            "no text of the sender's own",
            note="We found no text of your own in your email, only quoted text or a "
            "signature, so there was nothing to post. Please write your answer "
            "above the quoted email and send it again.",
        )
    return handler


def check_sender(reading: Reading, msg: IncomingMessage, null_sender: bool, envelope: list[str]) -> Refusal | None:
    """Check who wrote the email, to which address; None when it is a person's own mail to
    their live reply address (then `reading.address` is that address, and `reading.person_id`
    its person), else why not.

    Needs only what the header says (and the calendar part, where there is one), so it
    also serves mail whose body cannot be read (app.mail.incoming.parse.message.parse_header).
    """
    candidates = [*envelope, *msg.recipients]
    reading.key = next((key for key in map(key_of, candidates) if key), None)
    sent = find_bounced_mail(candidates)
    if sent is not None:
        return _report(msg, sent)
    if bounce_recipients(msg) is not None:
        return Refusal("bounce", "not sent to the return path of an email of ours: counted for nobody")
    automatic = auto_reply_reason(msg, null_sender=null_sender)
    if automatic and not _calendar_answer(msg, candidates):
        return Refusal("auto-reply", automatic)
    address = find_reply_address(candidates)
    if address is None:
        return _unknown_address(reading, msg)
    reading.address, reading.key = address, address.key
    owner = db.session.get(User, address.user_id)
    if owner is None or msg.from_addr != owner.email.lower():
        return Refusal("wrong-sender", f"from {msg.from_addr or 'nobody'}")
    if failure := _authentication_failure(msg):
        return Refusal("unauthenticated", failure)  # told to nobody, as a wrong sender
    reading.person_id = owner.id
    return None


def _unknown_address(reading: Reading, msg: IncomingMessage) -> Refusal:
    """Refuse mail to no live reply address. A person of ours who wrote to an address that
    has the form of one (a key mistyped, cut short by a mail program, or gone) is told, with
    their words and a link to Unstuck; nobody else is, since anyone can write any From."""
    detail = "no live reply address among the recipients"
    person = known_sender(msg) if reading.key is not None else None
    if person is None or _authentication_failure(msg):
        return Refusal("unknown-address", detail)
    reading.person_id = person.id
    return Refusal(
        "unknown-address", detail, note=UNKNOWN_KEY_NOTE, links=(("Open Unstuck", external_url("people.home")),)
    )


def known_sender(msg: IncomingMessage) -> User | None:
    """The active person whose address the email is from, if there is one."""
    if not msg.from_addr:
        return None
    return db.session.scalar(
        sa.select(User)
        .where(sa.func.lower(User.email) == msg.from_addr, User.active.is_(True))
        .order_by(User.id)
        .limit(1)
    )


def _authentication_failure(msg: IncomingMessage) -> str | None:
    return authentication_failure(msg.headers, msg.from_addr, current_app.config["MAIL_AUTHSERV_ID"])


def _report(msg: IncomingMessage, sent: OutboundMail) -> Refusal:
    """Read a report sent to the return path of an email we sent: count it against the
    address that email went to, once, if it says the email failed there."""
    email = sent.to_email.lower()
    if not reports_failure(msg, email):
        return Refusal("bounce", f"no failure of the mail to {email} reported: counted for nobody")
    if not count_bounce(sent.id, email, bounce_reason(msg, email)):
        return Refusal("bounce", f"the failure of the mail to {email} was counted before")
    return Refusal("bounce", email)


def _calendar_answer(msg: IncomingMessage, candidates: list[str]) -> bool:
    """Whether the email is a calendar's answer to an invitation (METHOD:REPLY), sent to a
    reply address whose feature takes such answers: the person answered in their calendar,
    whatever the calendar software says about itself."""
    if msg.calendar_method != "REPLY":
        return False
    address = find_reply_address(candidates)
    return address is not None and takes_calendar_answers(address.purpose)
