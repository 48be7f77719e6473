"""Bounces as they reach Unstuck, through the real incoming path (received, then read by the
job), and a real Unstuck email to send to the address that bounced.

A bounce counts only for an email Unstuck sent: `bounce` sends one to the address (through
the app's transport), then has the mail server report it failed, to that email's own
return path."""

from __future__ import annotations

import itertools
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.mail.addresses import bounce_address
from app.mail.incoming.intake import read_incoming_mail, receive
from app.mail.models import MailBounce
from app.mail.outgoing import MailStatus, OutboundMail, deliver, send_mail
from tests.mail import incoming_messages as mails

_ids = itertools.count(1)
DSN_DIAGNOSIS = b"Recipient address rejected: User unknown"


def bounce(email: str, times: int = 1, diagnosis: str | None = None) -> None:
    """Have Unstuck send `times` emails to `email` and the mail server report each failed
    (with `diagnosis` in place of "User unknown"), and read each report as the job does."""
    for _ in range(times):
        mail_id = sent_to(email, f"bounced:{next(_ids)}", subject="Kafka consumer lag")
        assert mail_row(mail_id).status == MailStatus.SENT, "mail to a paused address cannot bounce"
        bounce_report(mail_id, email, diagnosis)


def refused_mail(key: str, to, subject: str = "Kafka consumer lag", why: str = "", **options) -> OutboundMail:
    """Record an email Unstuck sends (a refused reply's notice) to `to`, a person or an
    (address, name) pair; `options` go to send_mail."""
    return send_mail(
        key,
        "reply_refused",
        to,
        "Your reply was not posted",
        "mail/reply_refused",
        {"subject": subject, "why": why, "text": ""},
        **options,
    )


def sent_to(email: str, key: str, subject: str = "x") -> int:
    """Send an email to the address as the worker does; return its id."""
    mail = refused_mail(key, (email, ""), subject, deliver=False)
    db.session.commit()
    deliver(mail.id)
    return mail.id


def bounce_report(mail_id: int, email: str, diagnosis: str | None = None) -> None:
    """Have the mail server report that the email `mail_id` to `email` failed, and read it."""
    path = bounce_address(mail_id)
    raw = mails.dsn_bounce(path, email, message_id=f"<bounce-{next(_ids)}@mx.example.com>")
    if diagnosis is not None:
        raw = raw.replace(DSN_DIAGNOSIS, diagnosis.encode())
    row = receive(raw, "smtp", "<>", [path])
    read_incoming_mail(row.id)


def last_bounced(email: str, ago: timedelta) -> None:
    """Move the address's last bounce back in time, as if that long had passed since."""
    db.session.execute(
        sa.update(MailBounce).where(MailBounce.email == email.lower()).values(last_bounced_at=utcnow() - ago)
    )
    db.session.commit()


def bounce_record(email: str) -> MailBounce | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(MailBounce).where(MailBounce.email == email.lower()))


def mail_to(person, key: str) -> OutboundMail:
    """Record an email to the person (one Unstuck sends), to go after the commit."""
    return refused_mail(key, person, why="The question is resolved.")


def mail_row(mail_id: int) -> OutboundMail:
    db.session.expire_all()
    return db.session.get(OutboundMail, mail_id)
