"""Pausing mail to an address that keeps bouncing, and ending the pause.

    mail_pauses(["ada@example.com"])  # {"ada@example.com": MailPause(...)} while paused
    mail_pause("ada@example.com")     # the same for one address, or None
    resume_mail("ada@example.com")    # forget its bounces: the next email goes
    register_paused_mail_handler(app, "question_ask", handler)  # hear of emails not sent

Mail to an address that bounced MAIL_BOUNCE_LIMIT times is paused until its last bounce is
MAIL_BOUNCE_PAUSE_DAYS old; then the next email is tried, and one more bounce pauses it
again. The count is kept, so it says how often the address bounced. A bounce counts only
when a delivery report reached the return path of one email we sent and says that email
failed (app/mail/incoming/intake.py reads it): count_bounce counts it once per email, against the
one address that email went to. A person ends the pause of their own address.

A feature that must act when its email is not sent for a pause (the person asked never
hears of a question) registers a handler for that kind of email; it runs in a job after
the email is marked suppressed, with a PausedMail, and must be safe to run twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app

from app.database import insert_unless_exists
from app.extensions import db, utcnow
from app.mail.models import MailBounce, MailStatus, OutboundMail
from app.times import DEFAULT_LOCALE, in_zone


@dataclass(frozen=True)
class MailPause:
    """Mail to `email` is not sent until `until`: it bounced `count` times."""

    email: str  # lower case
    count: int
    last_reason: str
    until: datetime

    def describe(self) -> str:
        """Say why an email was not sent, for its record."""
        return f"mail to this address bounced {self.count} times; paused until {in_zone(self.until, 'UTC', 'yyyy-MM-dd HH:mm', DEFAULT_LOCALE)} UTC"


def mail_pauses(emails: Iterable[str]) -> dict[str, MailPause]:
    """Return the pauses of the addresses among these that are not emailed now, by address
    in lower case (one query, for batches)."""
    limit = current_app.config["MAIL_BOUNCE_LIMIT"]
    length = timedelta(days=current_app.config["MAIL_BOUNCE_PAUSE_DAYS"])
    wanted = {email.strip().lower() for email in emails}
    if not limit or length <= timedelta(0) or not wanted:
        return {}
    rows = db.session.execute(
        sa.select(
            MailBounce.email,
            MailBounce.count,
            MailBounce.last_reason,
            MailBounce.last_bounced_at,
        ).where(MailBounce.email.in_(wanted), MailBounce.count >= limit, MailBounce.last_bounced_at > utcnow() - length)
    )
    return {row.email: MailPause(row.email, row.count, row.last_reason, row.last_bounced_at + length) for row in rows}


def mail_pause(email: str) -> MailPause | None:
    """Return the pause of mail to one address, or None when mail to it is sent."""
    return mail_pauses([email]).get(email.strip().lower())


def resume_mail(email: str) -> MailPause | None:
    """Forget the bounces of an address in the current transaction, so that the next email
    to it is sent; return the pause this ended, or None when mail to it was not paused."""
    pause = mail_pause(email)
    db.session.execute(
        sa.delete(MailBounce)
        .where(MailBounce.email == email.strip().lower())
        .execution_options(synchronize_session=False)
    )
    return pause


def count_bounce(mail_id: int, email: str, reason: str) -> bool:
    """Count the failure of one sent email against the address it went to, in the current
    transaction; return whether it counted now (each email's failure counts once)."""
    now = utcnow()
    marked = db.session.execute(
        sa.update(OutboundMail)
        .where(OutboundMail.id == mail_id, OutboundMail.bounced_at.is_(None))
        .values(bounced_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not marked:
        return False
    email = email.strip().lower()[: MailBounce.email.type.length]
    insert_unless_exists(MailBounce.__table__, dict(email=email, count=0, last_reason="", last_bounced_at=now), "email")
    db.session.execute(
        sa.update(MailBounce)
        .where(MailBounce.email == email)
        .values(count=MailBounce.count + 1, last_reason=reason, last_bounced_at=now)
    )
    return True


# -- features that hear of their emails not sent ---------------------------------------


@dataclass(frozen=True)
class PausedMail:
    """An email not sent because mail to its address is paused, as its feature recorded it."""

    mail_id: int
    key: str
    kind: str
    user_id: int | None
    about_type: str | None
    about_id: int | None
    why: str  # in words, for the log and the record


def register_paused_mail_handler(app: Flask, kind: str, handler: Callable[[PausedMail], None]) -> None:
    """Call `handler` (in a job) for each email of this kind that is not sent for a pause."""
    app.extensions.setdefault("mail_paused_handlers", {})[kind] = handler


def paused_mail_handler(kind: str) -> Callable[[PausedMail], None] | None:
    return current_app.extensions.get("mail_paused_handlers", {}).get(kind)


def mail_paused(mail_id: int) -> None:
    """The job: tell the feature that wrote a suppressed email that it was not sent."""
    mail = db.session.get(OutboundMail, mail_id)
    handler = paused_mail_handler(mail.kind) if mail is not None else None
    if mail is None or handler is None or mail.status != MailStatus.SUPPRESSED:
        return
    paused = PausedMail(
        mail.id,
        mail.key,
        mail.kind,
        mail.user_id,
        mail.about_type,
        mail.about_id,
        mail.last_error or "mail to this address is paused",
    )
    handler(paused)
