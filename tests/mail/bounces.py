"""Bounces as they reach Unstuck, through the real inbound path (received, then read by the
job), and a real Unstuck email to send to the address that bounced."""

from __future__ import annotations

import itertools
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.mail import OutboundMail, send_mail
from app.mail.models import MailBounce
from app.mail.receive import process_inbound, receive
from tests.mail import inbound_messages as mails

_ids = itertools.count(1)
DSN_MESSAGE_ID = b"<20261103130502.4F1C2A0123@mx.example.com>"
DSN_DIAGNOSIS = b"Recipient address rejected: User unknown"


def bounce(email: str, times: int = 1, diagnosis: str | None = None) -> None:
    """Have the mail server report, `times` times, that mail to `email` failed (with
    `diagnosis` in place of "User unknown"), and read each report as the job does."""
    for _ in range(times):
        raw = mails.dsn_bounce("unstuck@localhost", email).replace(
            DSN_MESSAGE_ID, f"<bounce-{next(_ids)}@mx.example.com>".encode())
        if diagnosis is not None:
            raw = raw.replace(DSN_DIAGNOSIS, diagnosis.encode())
        row = receive(raw, "smtp", "<>", ["unstuck@localhost"])
        process_inbound(row.id)


def last_bounced(email: str, ago: timedelta) -> None:
    """Move the address's last bounce back in time, as if that long had passed since."""
    db.session.execute(sa.update(MailBounce).where(MailBounce.email == email.lower())
                       .values(last_bounced_at=utcnow() - ago))
    db.session.commit()


def bounce_record(email: str) -> MailBounce | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(MailBounce).where(MailBounce.email == email.lower()))


def mail_to(person, key: str) -> OutboundMail:
    """Record an email to the person (one Unstuck sends), to go after the commit."""
    return send_mail(key, "reply_refused", person, "Your reply was not posted", "mail/reply_refused",
                     {"subject": "Kafka consumer lag", "why": "The question is resolved.", "text": ""})


def mail_row(mail_id: int) -> OutboundMail:
    db.session.expire_all()
    return db.session.get(OutboundMail, mail_id)
