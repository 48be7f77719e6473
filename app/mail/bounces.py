"""Pausing mail to an address that keeps bouncing, and ending the pause.

    mail_pauses(["ada@example.com"])  # {"ada@example.com": MailPause(...)} while paused
    mail_pause("ada@example.com")     # the same for one address, or None
    resume_mail("ada@example.com")    # forget its bounces: the next email goes

Mail to an address that bounced MAIL_BOUNCE_LIMIT times is paused until its last bounce is
MAIL_BOUNCE_PAUSE_DAYS old; then the next email is tried, and one more bounce pauses it
again. The count is kept, so it says how often the address bounced. Bounces are counted as
they arrive (count_bounces, called by app/mail/receive.py); a person ends the pause of
their own address.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.database import insert_unless_exists
from app.extensions import db, utcnow
from app.mail.models import MailBounce


@dataclass(frozen=True)
class MailPause:
    """Mail to `email` is not sent until `until`: it bounced `count` times."""

    email: str  # lower case
    count: int
    last_reason: str
    until: datetime

    def describe(self) -> str:
        """Say why an email was not sent, for its record."""
        return f"mail to this address bounced {self.count} times; paused until {self.until:%Y-%m-%d %H:%M} UTC"


def mail_pauses(emails: Iterable[str]) -> dict[str, MailPause]:
    """Return the pauses of the addresses among these that are not emailed now, by address
    in lower case (one query, for batches)."""
    limit = current_app.config["MAIL_BOUNCE_LIMIT"]
    length = timedelta(days=current_app.config["MAIL_BOUNCE_PAUSE_DAYS"])
    wanted = {email.strip().lower() for email in emails}
    if not limit or length <= timedelta(0) or not wanted:
        return {}
    rows = db.session.execute(sa.select(
        MailBounce.email, MailBounce.count, MailBounce.last_reason, MailBounce.last_bounced_at,
    ).where(MailBounce.email.in_(wanted), MailBounce.count >= limit,
            MailBounce.last_bounced_at > utcnow() - length))
    return {row.email: MailPause(row.email, row.count, row.last_reason, row.last_bounced_at + length)
            for row in rows}


def mail_pause(email: str) -> MailPause | None:
    """Return the pause of mail to one address, or None when mail to it is sent."""
    return mail_pauses([email]).get(email.strip().lower())


def resume_mail(email: str) -> MailPause | None:
    """Forget the bounces of an address in the current transaction, so that the next email
    to it is sent; return the pause this ended, or None when mail to it was not paused."""
    pause = mail_pause(email)
    db.session.execute(sa.delete(MailBounce).where(MailBounce.email == email.strip().lower())
                       .execution_options(synchronize_session=False))
    return pause


def count_bounces(emails: list[str], reason: str) -> None:
    """Count a bounce for each address, in the current transaction."""
    now = utcnow()
    for email in sorted({e.strip().lower()[:MailBounce.email.type.length] for e in emails if e.strip()}):
        insert_unless_exists(MailBounce.__table__, dict(email=email, count=0, last_reason="",
                                                        last_bounced_at=now), "email")
        db.session.execute(sa.update(MailBounce).where(MailBounce.email == email).values(
            count=MailBounce.count + 1, last_reason=reason, last_bounced_at=now))
